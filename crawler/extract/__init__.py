"""Extraction: pure functions from page bytes (or API JSON) to article fields and listing entries."""

from crawler.extract.types import Extracted, ListingEntry

__all__ = ["Extracted", "ListingEntry"]
