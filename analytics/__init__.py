"""Shekara analytics: ingest, harmonised DuckDB tables and the queries behind every page.

Never imports streamlit (except the glue module ``analytics/ui.py``).
"""
