"""Every check on the records: files, strict YAML, text, schema, canonical
form, references, rules across records, quotes against the sources,
neutrality, copying; ``run`` ties them together and ``report`` prints the
result."""
