"""Who is looking: the viewer passed to every analytics function that returns row-level data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    """An authenticated user as the analytics layer sees it.

    ``side`` is ``"KZ"``, ``"KG"`` or ``"BOTH"``; ``role`` is ``admin``, ``analyst`` or ``commander``.
    """

    username: str
    role: str
    side: str

    @property
    def sees_everything(self) -> bool:
        return self.side == "BOTH"

    def owns(self, side: str) -> bool:
        return self.side == "BOTH" or self.side == side


# Used by the CLI run by the server's administrator and by tests of non-restricted queries.
SYSTEM = Viewer(username="system", role="admin", side="BOTH")
