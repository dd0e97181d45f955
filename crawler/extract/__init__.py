"""Extraction: page objects over Scrapy responses (:mod:`crawler.extract.page`), the generic
helpers they read pages with, and the mapping of their fields to records."""

from crawler.extract.types import Extracted, ListingEntry

__all__ = ["Extracted", "ListingEntry"]
