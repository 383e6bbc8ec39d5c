"""Every check on the records: files, strict YAML, text, schema, references,
rules across records, quotes against the sources, neutrality; ``run`` ties
them together and ``report`` prints the result."""
