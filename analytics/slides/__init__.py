"""Meeting slides: content builders (``content``), 16:9 template (``template``), chart images
(``render``), PPTX assembly (``deck``) and PDF conversion (``pdf``)."""
