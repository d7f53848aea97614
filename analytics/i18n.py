"""Labels in Russian and English. Core vocabulary here; a module with its own words keeps a
``TEXT = {"ru": {...}, "en": {...}}`` dict and reads it with :func:`pick`."""

from __future__ import annotations

from datetime import date

LANGS = ("ru", "en")

CORE: dict[str, dict[str, str]] = {
    "ru": {
        "app_title": "Шекара — совместная аналитика",
        "app_subtitle": "ДП Жамбылской области · ГУВД Чуйской области · УВД Таласской области",
        "KZ": "Казахстан (Жамбылская обл.)",
        "KG": "Кыргызстан (Чуйская и Таласская обл.)",
        "KZ_short": "KZ",
        "KG_short": "KG",
        "both": "Обе стороны",
        "all": "Все",
        "period": "Период",
        "side": "Сторона",
        "oblast": "Область",
        "district": "Район",
        "category": "Категория",
        "flags": "Признаки",
        "online": "С использованием интернета",
        "minor_involved": "С участием несовершеннолетних",
        "foreign_national": "С участием граждан другой стороны",
        "language": "Язык",
        "no_data": "Нет данных для выбранных фильтров.",
        "missing": "нет данных",
        "download_csv": "Скачать данные (CSV)",
        "overview": "Обзор",
        "trends": "Динамика",
        "hotspots": "Очаги и граница",
        "bulletins": "Ориентировки",
        "operations": "Совместные операции",
        "upload": "Загрузка данных",
        "slides": "Слайды",
        "present": "Режим презентации",
        "audit": "Журнал действий",
        "account": "Учётная запись",
        "users": "Пользователи",
        "dir_extremism": "Экстремизм и терроризм",
        "dir_stolen_property": "Кражи и угоны авто, кражи телефонов",
        "dir_livestock": "Скотокрадство",
        "dir_smuggling_drugs": "Контрабанда, оружие, наркотики",
        "dir_minors": "Несовершеннолетние",
        "dir_other": "Прочее",
    },
    "en": {
        "app_title": "Shekara — joint crime analytics",
        "app_subtitle": "Zhambyl Police Department · Chuy Police Directorate · Talas Police Directorate",
        "KZ": "Kazakhstan (Zhambyl oblast)",
        "KG": "Kyrgyzstan (Chuy and Talas oblasts)",
        "KZ_short": "KZ",
        "KG_short": "KG",
        "both": "Both sides",
        "all": "All",
        "period": "Period",
        "side": "Side",
        "oblast": "Oblast",
        "district": "District",
        "category": "Category",
        "flags": "Flags",
        "online": "Committed online",
        "minor_involved": "Minor involved",
        "foreign_national": "National of the other side involved",
        "language": "Language",
        "no_data": "No data for the selected filters.",
        "missing": "no data",
        "download_csv": "Download data (CSV)",
        "overview": "Overview",
        "trends": "Trends",
        "hotspots": "Hotspots and border",
        "bulletins": "Wanted bulletins",
        "operations": "Joint operations",
        "upload": "Data upload",
        "slides": "Slides",
        "present": "Presentation mode",
        "audit": "Audit log",
        "account": "Account",
        "users": "Users",
        "dir_extremism": "Extremism and terrorism",
        "dir_stolen_property": "Stolen cars and phones",
        "dir_livestock": "Livestock theft",
        "dir_smuggling_drugs": "Smuggling, weapons, drugs",
        "dir_minors": "Minors",
        "dir_other": "Other",
    },
}

CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "ru": {
        "extremism_terrorism": "Экстремизм и терроризм",
        "vehicle_theft": "Кражи и угоны автотранспорта",
        "phone_theft": "Кражи сотовых телефонов",
        "weapons": "Незаконный оборот оружия",
        "livestock_theft": "Скотокрадство",
        "drugs": "Наркотики и ПАВ",
        "smuggling": "Контрабанда",
        "illegal_border_crossing": "Незаконное пересечение границы",
        "other_theft": "Прочие кражи",
        "other": "Прочие",
    },
    "en": {
        "extremism_terrorism": "Extremism and terrorism",
        "vehicle_theft": "Vehicle theft",
        "phone_theft": "Mobile phone theft",
        "weapons": "Weapons offences",
        "livestock_theft": "Livestock theft",
        "drugs": "Drugs and psychoactive substances",
        "smuggling": "Smuggling",
        "illegal_border_crossing": "Illegal border crossing",
        "other_theft": "Other theft",
        "other": "Other",
    },
}

MONTHS = {
    "ru": ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
           "октябрь", "ноябрь", "декабрь"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}
MONTHS_SHORT = {
    "ru": ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "ru"


def t(key: str, lang: str = "ru") -> str:
    """Core label; the key itself when unknown (visible, never a crash)."""
    return CORE[_lang(lang)].get(key, key)


def pick(table: dict[str, dict[str, str]], key: str, lang: str = "ru") -> str:
    """Label from a module's own ``TEXT`` dict, falling back to Russian, then to the key."""
    return table.get(_lang(lang), {}).get(key) or table.get("ru", {}).get(key) or key


def category_label(category: str, lang: str = "ru") -> str:
    return CATEGORY_LABELS[_lang(lang)].get(category, category)


def format_int(value: float | int | None, lang: str = "ru") -> str:
    """Thousands grouped as each language writes them: ``12 345`` (ru, narrow no-break space) / ``12,345``."""
    if value is None:
        return "—"
    text = f"{round(value):,}"
    return text.replace(",", "\u202f") if _lang(lang) == "ru" else text


def format_pct(value: float | None, lang: str = "ru", digits: int = 0) -> str:
    """Signed percentage; ``—`` when undefined (prior of zero)."""
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}%"
    return text.replace(".", ",") if _lang(lang) == "ru" else text


def format_date(value: date | None, lang: str = "ru") -> str:
    if value is None:
        return "—"
    return value.strftime("%d.%m.%Y") if _lang(lang) == "ru" else value.isoformat()


def month_label(value: date, lang: str = "ru") -> str:
    """``март 2024`` / ``March 2024``."""
    return f"{MONTHS[_lang(lang)][value.month - 1]} {value.year}"
