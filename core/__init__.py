"""The bottom layer: configuration, its checks and errors, exit codes."""
