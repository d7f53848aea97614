"""Schema and migrations: numbered, applied once, every documented table present."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from analytics import db

TABLES = {"uploads", "incidents", "incidents_history", "coverage", "bulletins", "bulletins_history", "finds",
          "matches", "operations", "rejects", "warnings", "audit_log", "users", "sharing_policy"}


def table_names(con) -> set[str]:
    return {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def test_migrations_create_every_table(con):
    assert TABLES <= table_names(con)


def test_migrations_are_applied_once(tmp_path: Path):
    path = tmp_path / "m.duckdb"
    db.connect(path).close()
    con = db.connect(path)
    versions = [row[0] for row in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    assert versions == [number for number, _ in db.migration_files()]
    assert db.migrate(con) == []


def test_migration_080_keeps_incident_rows_and_drops_only_the_key_index(tmp_path: Path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
                "applied_at TIMESTAMP DEFAULT current_timestamp)")
    for version, file in db.migration_files():
        if version < 80:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, file.name])
    con.execute("INSERT INTO incidents (side, source_id, registered_on, category, upload_id, summary) "
                "VALUES ('KZ', '1', DATE '2024-01-01', 'other', 1, 'Фабула')")
    con.close()
    con = db.connect(path)
    assert con.execute("SELECT side, source_id, registered_on, geo_ok, summary FROM incidents").fetchall() == [
        ("KZ", "1", date(2024, 1, 1), False, "Фабула")]
    kinds = [r[0] for r in con.execute("SELECT constraint_type FROM duckdb_constraints() "
                                       "WHERE table_name = 'incidents'").fetchall()]
    assert "PRIMARY KEY" not in kinds and kinds.count("NOT NULL") == 6
    with pytest.raises(duckdb.ConstraintException):  # NOT NULL stays
        con.execute("INSERT INTO incidents (side, source_id, category, upload_id) VALUES ('KZ', '2', 'other', 1)")
    # the sharing views (031) still read the rebuilt table
    assert con.execute("SELECT count(*) FROM incidents_seen_by_kg").fetchone()[0] == 1
    con.close()


def test_reference_tables_loaded(con):
    assert con.execute("SELECT count(*) FROM ref_oblasts").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM ref_districts WHERE oblast = 'ZHA'").fetchone()[0] == 11
    assert con.execute("SELECT count(*) FROM ref_districts WHERE oblast = 'CHU'").fetchone()[0] == 9
    assert con.execute("SELECT count(*) FROM ref_districts WHERE oblast = 'TAL'").fetchone()[0] == 5
    # every rule points at a known category
    unknown = con.execute("SELECT count(*) FROM ref_category_rules r ANTI JOIN ref_categories c "
                          "USING (category)").fetchone()[0]
    assert unknown == 0


def test_side_population_is_sum_of_oblasts(con):
    from analytics import reference

    pop = reference.population(con, "side").set_index("key")["population"].to_dict()
    assert pop == {"KG": 1_340_000, "KZ": 1_220_000}


def test_database_locked_is_a_named_error(tmp_path: Path):
    from analytics.errors import DatabaseLocked

    path = tmp_path / "locked.duckdb"
    holder = db.connect(path)
    script = ("import sys\nfrom analytics import db\nfrom analytics.errors import DatabaseLocked\n"
              f"try:\n    db.connect({str(path)!r})\nexcept DatabaseLocked:\n    sys.exit(3)\n")
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent)
    holder.close()
    assert result.returncode == 3
    assert DatabaseLocked.__mro__[1].__name__ == "ShekaraError"
