"""One module per output format; each writes ``tables.Table`` values into a folder."""
