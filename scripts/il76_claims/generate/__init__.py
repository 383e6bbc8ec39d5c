"""Documents and files written from the schemas and the code: the codebook,
the error codes, block coverage and the record templates."""
