"""What the checks and the outputs share: a record, a problem, the schemas, the
project, the editorial rules, and safe text and file handling."""
