"""Checked records → tables → every output: CSV and datapackage.json, the
workbook, SQLite, JSON, the site and the release archive; ``build`` writes
them all or none."""
