"""The bottom layer: configuration, its checks and errors, exit codes, the version."""

__version__ = "0.1.0"
