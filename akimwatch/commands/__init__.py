"""Subcommands of the akimwatch CLI, one module per concern."""
