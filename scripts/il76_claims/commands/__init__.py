"""One module per subcommand of the il76-claims command."""
