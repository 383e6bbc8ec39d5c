"""What the checks and the outputs share: a record, a problem, the schemas, the project."""
