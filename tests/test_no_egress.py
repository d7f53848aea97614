"""No egress: rendering every page (AppTest, data from both sides loaded) opens no connection and
resolves no name outside the loopback interface. ``socket.socket.connect``/``connect_ex`` and
``socket.getaddrinfo`` are patched to record and refuse anything else; the guard is itself tested.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from analytics import auth, db
from analytics.ingest import load_file

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
LOOPBACK_NAMES = {"localhost", "ip6-localhost", "ip6-loopback"}


def is_loopback(address: object) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX path, abstract socket, ...
        return True
    host = str(address[0])
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def egress(monkeypatch) -> list[str]:
    """Every non-loopback connect or name lookup is refused and listed here."""
    attempts: list[str] = []
    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, \
        socket.getaddrinfo

    def connect(sock, address):
        if not is_loopback(address):
            attempts.append(f"connect {address}")
            raise OSError(101, "egress blocked by test_no_egress")
        return real_connect(sock, address)

    def connect_ex(sock, address):
        if not is_loopback(address):
            attempts.append(f"connect_ex {address}")
            return 101
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not is_loopback((host if isinstance(host, str) else host.decode(), 0)):
            attempts.append(f"getaddrinfo {host}")
            raise socket.gaierror(socket.EAI_NONAME, "name lookup blocked by test_no_egress")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_the_guard_catches_outbound_connections(egress):
    with socket.socket() as raw, pytest.raises(OSError):
        raw.connect(("198.51.100.7", 443))
    with socket.socket() as raw:
        assert raw.connect_ex(("2001:db8::1", 80, 0, 0)) != 0
    with pytest.raises(OSError):
        urllib.request.urlopen("https://cdn.example.org/plotly.min.js", timeout=1)  # noqa: S310
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
    assert egress == ["connect ('198.51.100.7', 443)", "connect_ex ('2001:db8::1', 80, 0, 0)",
                      "getaddrinfo cdn.example.org"]


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("egress") / "egress.duckdb"
    con = db.connect(path)
    samples = ROOT / "tests" / "data" / "samples"
    for name in ("kz_erdr_2024-01.csv", "kg_erp_chuy-talas_2024-01.csv", "bulletins_2024-01.csv",
                 "finds_2024-01.csv", "operations_2024.csv"):
        load_file(con, samples / name)
    original = auth._hasher
    auth._hasher = lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # type: ignore[assignment]
    try:
        auth.create_demo_accounts(con)
    finally:
        auth._hasher = original  # type: ignore[assignment]
    con.close()
    return path


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_page_renders_without_egress(page: str, lang: str, loaded_db: Path, egress: list[str], monkeypatch):
    monkeypatch.setenv("SHEKARA_DB", str(loaded_db))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=300)
    at.session_state["lang"] = lang
    at.run()
    assert egress == [], f"{page} tried to reach the network: {egress}"
    assert not at.exception, f"{page} did not render: {at.exception[0].value if at.exception else ''}"
    assert len(at.main.children) > 0


def test_login_gate_renders_without_egress(loaded_db: Path, egress: list[str], monkeypatch, v2_navigation):
    monkeypatch.setenv("SHEKARA_DB", str(loaded_db))
    monkeypatch.setenv("SHEKARA_AUTH", "on")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.text_input(key="login_user").input("admin")
    at.text_input(key="login_password").input("admin-demo-2026")
    at.button[0].click().run()
    assert egress == []
    assert not at.exception
    assert at.session_state["viewer"].username == "admin"


# --- the real thing: the app server and Debian's chromium, every request outside 127.0.0.1 aborted ---

NAV_TITLES = ["Обзор", "Динамика", "Очаги и граница", "Ориентировки", "Совместные операции", "Загрузка данных",
              "Слайды", "Режим презентации", "Журнал действий", "Учётная запись"]


def wait_for_run(page) -> None:
    """Until Streamlit has finished the script run (its status widget disappears)."""
    page.wait_for_timeout(500)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=180_000)


@pytest.mark.browser
def test_every_page_in_chromium_makes_no_external_request(loaded_db: Path, offline_page, tmp_path: Path):
    from tests.conftest import start_app

    database = tmp_path / "browser.duckdb"
    database.write_bytes(loaded_db.read_bytes())
    proc, url = start_app(database, {"SHEKARA_AUTH": "on"})
    try:
        page = offline_page
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_label("Имя пользователя").fill("admin")
        page.get_by_label("Пароль").fill("admin-demo-2026")
        page.get_by_role("button", name="Войти").click()
        page.get_by_text("Вы вошли как").wait_for(timeout=120_000)
        for title in NAV_TITLES:
            page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click(no_wait_after=True)
            wait_for_run(page)
            assert page.locator('[data-testid="stException"]').count() == 0, title
        assert page.external_requests == []  # type: ignore[attr-defined]
    finally:
        proc.kill()
        proc.wait(timeout=30)


@pytest.mark.browser
def test_first_request_straight_to_a_page_gets_no_data(loaded_db: Path, offline_page, tmp_path: Path):
    """A fresh server may run a file of pages/ on its own (Streamlit's pages-directory mode) on the very
    first request; the page must still show nothing without a login."""
    from tests.conftest import start_app

    database = tmp_path / "first.duckdb"
    database.write_bytes(loaded_db.read_bytes())
    proc, url = start_app(database, {"SHEKARA_AUTH": "on"})
    try:
        page = offline_page
        page.goto(url + "/audit", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stAlert"], [data-testid="stForm"]', timeout=120_000)
        wait_for_run(page)
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        assert page.get_by_text("login_ok").count() == 0
        body = page.locator("body").inner_text()
        assert "Нужно войти в систему." in body or "Вход в Шекару" in body
    finally:
        proc.kill()
        proc.wait(timeout=30)
