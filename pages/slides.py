"""Page «Слайды»: the joint-meeting deck (PPTX and PDF) in one click, with preview thumbnails."""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics import ui
from analytics.compstat import default_as_of
from analytics.errors import ShekaraError
from analytics.i18n import pick, t
from analytics.slides.content import DECK_LANGS, DIRECTIONS, DeckOptions
from analytics.slides.deck import build_deck_files
from analytics.slides.render import warm_up

TEXT = {
    "ru": {"as_of": "Данные на", "start": "Начало периода", "directions": "Направления", "deck_lang": "Язык слайдов",
           "with_pdf": "Также PDF (LibreOffice, ещё 5–10 с)", "make": "Сделать слайды", "pptx": "Скачать PPTX",
           "pdf": "Скачать PDF", "preview": "Предпросмотр", "slides_made": "Слайдов: {n}, время {s:.1f} с",
           "no_dirs": "Выберите хотя бы одно направление.", "bad_period": "Начало периода позже даты «Данные на».",
           "ru": "Русский", "en": "English", "ru+en": "Русский + English",
           "hint": "Числа в таблицах слайдов можно править в PowerPoint; графики вставлены картинками."},
    "en": {"as_of": "Data as of", "start": "Period start", "directions": "Directions", "deck_lang": "Deck language",
           "with_pdf": "Also PDF (LibreOffice, 5–10 s more)", "make": "Make slides", "pptx": "Download PPTX",
           "pdf": "Download PDF", "preview": "Preview", "slides_made": "{n} slides in {s:.1f} s",
           "no_dirs": "Choose at least one direction.", "bad_period": "The period starts after the as-of date.",
           "ru": "Русский", "en": "English", "ru+en": "Русский + English",
           "hint": "Numbers in the slide tables stay editable in PowerPoint; charts are pictures."},
}
FILES_KEY = "slides_files"

lang = ui.lang()
con = ui.connection()
warm_up()  # Chromium boots (~2 s) while the user picks the options
st.title(t("slides", lang))
st.caption(pick(TEXT, "hint", lang))

last = default_as_of(con) or date.today()
left, right, third = st.columns([1, 1, 2])
as_of = left.date_input(pick(TEXT, "as_of", lang), value=last, format="DD.MM.YYYY", key="slides_as_of")
start = right.date_input(pick(TEXT, "start", lang), value=DeckOptions(as_of=last).period_start,
                         format="DD.MM.YYYY", key="slides_start")
deck_lang = third.radio(pick(TEXT, "deck_lang", lang), list(DECK_LANGS), horizontal=True, key="slides_lang",
                        index=list(DECK_LANGS).index("en" if lang == "en" else "ru"),
                        format_func=lambda code: pick(TEXT, code, lang))
directions = st.multiselect(pick(TEXT, "directions", lang), list(DIRECTIONS), default=list(DIRECTIONS),
                            format_func=lambda d: t(f"dir_{d}", lang), key="slides_directions")
with_pdf = st.checkbox(pick(TEXT, "with_pdf", lang), value=True, key="slides_with_pdf")

if st.button(pick(TEXT, "make", lang), type="primary", key="slides_make"):
    if not directions:
        st.warning(pick(TEXT, "no_dirs", lang))
    elif start > as_of:
        st.warning(pick(TEXT, "bad_period", lang))
    else:
        options = DeckOptions(as_of=as_of, start=start, lang=deck_lang, directions=tuple(directions),
                              viewer=ui.viewer())
        bar = st.progress(0.0)
        try:
            st.session_state[FILES_KEY] = build_deck_files(
                con, options, with_pdf=with_pdf, username=ui.viewer().username,
                progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message))
        except ShekaraError as exc:
            st.error(exc.text(lang))

files = st.session_state.get(FILES_KEY)
if files is not None:
    st.success(pick(TEXT, "slides_made", lang).format(n=len(files.slides), s=sum(
        v for k, v in files.timings.items() if k in ("total_without_pdf", "pdf"))))
    if files.pdf_error is not None:
        st.warning(files.pdf_error.text(lang))
    buttons = st.columns(2)
    with buttons[0]:
        ui.download_file(pick(TEXT, "pptx", lang), files.pptx, f"{files.file_stem}.pptx",
                         "application/vnd.openxmlformats-officedocument.presentationml.presentation", "slides_dl_pptx")
    if files.pdf is not None:
        with buttons[1]:
            ui.download_file(pick(TEXT, "pdf", lang), files.pdf, f"{files.file_stem}.pdf", "application/pdf",
                             "slides_dl_pdf")
    st.subheader(pick(TEXT, "preview", lang))
    shown_lang = "en" if files.file_stem.endswith("_en") else "ru"
    grid = st.columns(3)
    for number, spec in enumerate(files.slides):
        cell = grid[number % 3]
        caption = f"{number + 1}. {spec.title.get(shown_lang, spec.title['ru'])}"
        if files.thumbnails and number < len(files.thumbnails):
            cell.image(files.thumbnails[number], caption=caption, width="stretch")
        elif spec.image is not None:
            cell.image(spec.image, caption=caption, width="stretch")
        else:
            cell.markdown(f"**{caption}**")
