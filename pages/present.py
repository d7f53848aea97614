"""Page «Режим презентации»: the meeting deck on screen, one slide at a time, for rooms without PowerPoint.

Shows exactly what the PPTX shows (the same slide builders), with live charts; ← / → keys or buttons.
"""

from __future__ import annotations

import html
from datetime import date

import streamlit as st

from analytics import ui
from analytics.compstat import default_as_of
from analytics.errors import ShekaraError
from analytics.i18n import pick, t
from analytics.slides.content import DECK_LANGS, DIRECTIONS, DeckOptions, show_text, table_frame
from analytics.slides.deck import build_slides

TEXT = {
    "ru": {"settings": "Настройки показа", "as_of": "Данные на", "directions": "Направления", "deck_lang": "Язык",
           "prev": "Назад", "next": "Вперёд", "keys": "Клавиши ← и → листают слайды.",
           "ru": "Русский", "en": "English", "ru+en": "Русский + English"},
    "en": {"settings": "Show settings", "as_of": "Data as of", "directions": "Directions", "deck_lang": "Language",
           "prev": "Back", "next": "Next", "keys": "The ← and → keys turn the slides.",
           "ru": "Русский", "en": "English", "ru+en": "Русский + English"},
}
INDEX_KEY = "present_index"
CACHE_KEY = "present_slides"
# Big type for a projector; plain CSS, nothing fetched from outside.
STYLE = """<style>
.block-container {max-width: 100%; padding-top: 1.5rem;}
.shekara-title {font-size: 2.6rem; font-weight: 700; line-height: 1.15; margin-bottom: 0.1rem;}
.shekara-sub {font-size: 1.4rem; color: #6b7280; margin-bottom: 0.8rem;}
.shekara-bullet {font-size: 1.7rem; margin: 0.5rem 0 0 0;}
.shekara-bullet-2 {font-size: 1.2rem; color: #6b7280; font-style: italic; margin-left: 1.8rem;}
[data-testid="stTable"] td, [data-testid="stTable"] th {font-size: 1.25rem;}
</style>"""

lang = ui.lang()
con = ui.connection()
st.markdown(STYLE, unsafe_allow_html=True)

with st.expander(pick(TEXT, "settings", lang)):
    left, right = st.columns([1, 2])
    as_of = left.date_input(pick(TEXT, "as_of", lang), value=default_as_of(con) or date.today(), format="DD.MM.YYYY",
                            key="present_as_of")
    deck_lang = right.radio(pick(TEXT, "deck_lang", lang), list(DECK_LANGS), horizontal=True, key="present_lang",
                            index=list(DECK_LANGS).index("en" if lang == "en" else "ru"),
                            format_func=lambda code: pick(TEXT, code, lang))
    directions = st.multiselect(pick(TEXT, "directions", lang), list(DIRECTIONS), default=list(DIRECTIONS),
                                format_func=lambda d: t(f"dir_{d}", lang), key="present_directions")
    st.caption(pick(TEXT, "keys", lang))

options = DeckOptions(as_of=as_of, lang=deck_lang, directions=tuple(directions or DIRECTIONS))
cache_id = (options, ui.data_version(con))
cached = st.session_state.get(CACHE_KEY)
if cached is None or cached[0] != cache_id:
    try:
        cached = (cache_id, build_slides(con, options))
    except ShekaraError as exc:
        st.error(exc.text(lang))
        st.stop()
    st.session_state[CACHE_KEY] = cached
    st.session_state[INDEX_KEY] = 0
slides = cached[1]


def turn(step: int) -> None:
    st.session_state[INDEX_KEY] = min(max(st.session_state.get(INDEX_KEY, 0) + step, 0), len(slides) - 1)


index = min(st.session_state.get(INDEX_KEY, 0), len(slides) - 1)
spec = slides[index]
nav = st.columns([1, 6, 1])
nav[0].button("◀ " + pick(TEXT, "prev", lang), on_click=turn, args=(-1,), disabled=index == 0, key="present_prev",
              shortcut="left", width="stretch")
nav[1].progress((index + 1) / len(slides), text=f"{index + 1} / {len(slides)}")
nav[2].button(pick(TEXT, "next", lang) + " ▶", on_click=turn, args=(1,), disabled=index == len(slides) - 1,
              key="present_next", shortcut="right", width="stretch")

second = spec.title["en"] if deck_lang == "ru+en" else None
subtitle = " · ".join(part for part in (second, show_text(spec.subtitle, deck_lang)) if part)


def show(css_class: str, text: str) -> None:
    # Texts include analyst-edited reference names: escaped before they meet HTML.
    st.markdown(f'<div class="{css_class}">{html.escape(text)}</div>', unsafe_allow_html=True)


show("shekara-title", show_text(spec.title, deck_lang))
if subtitle:
    show("shekara-sub", subtitle)
for bullet in spec.bullets:
    show("shekara-bullet", "• " + show_text(bullet, deck_lang))
    if deck_lang == "ru+en":
        show("shekara-bullet-2", bullet["en"])
columns = st.columns([1, 1]) if spec.table is not None and spec.figure is not None else [st.container()]
if spec.table is not None:
    columns[0].table(table_frame(spec.table, deck_lang), hide_index=True)
if spec.figure is not None:
    columns[-1].plotly_chart(spec.figure.update_layout(height=640 if len(columns) == 1 else 520),
                             width="stretch", key=f"present_fig_{index}")
if spec.note:
    st.caption(show_text(spec.note, deck_lang))
