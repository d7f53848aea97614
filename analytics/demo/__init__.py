"""Demo data: realistic export files of both sides, loaded through the real ingest.

Public API::

    build_demo_db(db_path, *, years=3, seed=7, end=None, out_dir=None, replace=False) -> DemoResult
    write_demo_exports(out_dir, *, years=3, seed=7, end=None) -> DemoPlan
    generate_incidents(n, seed, start, end, side) -> DataFrame      (vectorised; 1M rows in seconds)
    write_kz_erdr(path, frame) -> int;  write_kg_erp(path, frame) -> int   (exact sample layouts)

Which months are missing and which files are messy is documented in :mod:`analytics.demo.build`.
"""

from analytics.demo.build import DemoPlan, DemoResult, ExportFile, build_demo_db, default_end, write_demo_exports
from analytics.demo.model import generate_incidents
from analytics.demo.writers import write_kg_erp, write_kz_erdr

__all__ = ["DemoPlan", "DemoResult", "ExportFile", "build_demo_db", "default_end", "generate_incidents",
           "write_demo_exports", "write_kg_erp", "write_kz_erdr"]
