"""``scan_file``: the digest and line count of one pass, equal to counting the UTF-8 copy the parser reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from analytics.ingest.reader import scan_file, utf8_copy

TEXT = "Номер;Фабула\r\n1;Кража «№ 5»\r\n\r\n2;\"две\nстроки\"\r\n3;x  \r\n \r\n\t\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "cp866", "koi8_r"])
def test_line_count_of_the_file_is_the_line_count_of_its_utf8_copy(tmp_path: Path, encoding: str):
    path = tmp_path / "f.csv"
    path.write_bytes(TEXT.encode(encoding, errors="replace"))
    digest, lines = scan_file(path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    # 6 lines up to "3;x  " (the quoted line break counts as a line); the blank lines after it do not count
    assert lines == 6
    with utf8_copy(path, encoding) as copy:
        assert scan_file(copy)[1] == lines


def test_line_count_of_a_file_without_final_newline(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a;b\n1;2")
    assert scan_file(path)[1] == 2
    path.write_bytes(b"")
    assert scan_file(path)[1] == 0
