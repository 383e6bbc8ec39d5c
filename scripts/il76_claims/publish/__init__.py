"""Checked records → tables → every output: CSV and datapackage.json, the
workbook, SQLite; ``build`` writes them all or none."""
