"""Schema and migrations: numbered, applied once, every documented table present."""

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


def test_incident_key_is_unique(con):
    con.execute("INSERT INTO incidents (side, source_id, registered_on, category, upload_id) "
                "VALUES ('KZ', '1', DATE '2024-01-01', 'other', 1)")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO incidents (side, source_id, registered_on, category, upload_id) "
                    "VALUES ('KZ', '1', DATE '2024-01-02', 'other', 1)")
    con.execute("INSERT INTO incidents (side, source_id, registered_on, category, upload_id) "
                "VALUES ('KG', '1', DATE '2024-01-02', 'other', 1)")


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
