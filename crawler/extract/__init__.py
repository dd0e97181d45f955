"""Extraction: pure functions from page bytes (or API JSON) to article fields and listings."""

from crawler.extract.types import Extracted, ListingEntry

__all__ = ["Extracted", "ListingEntry"]
