"""Downloader middlewares of the akimwatch crawler."""
