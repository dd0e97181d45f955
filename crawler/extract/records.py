"""The one mapping from an article's extracted fields to the :class:`ArticleRecord` a spider
yields: gaps (title, date) filled from the listing entry the spider came with."""

from __future__ import annotations

from collections.abc import Iterable

from crawler.extract.published import Reconciled, reconcile
from crawler.extract.types import Extracted, ListingEntry
from storage.records import ArticleRecord


def article_record(
    extracted: Extracted,
    entry: ListingEntry,
    *,
    source: str,
    language: str,
    url: str | None = None,
    dated: Reconciled | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    aliases: Iterable[str] = (),
    links: Iterable[str] = (),
) -> ArticleRecord:
    """The record of an article at ``url`` (default: the entry's). ``dated`` is the page's
    time weighed against the listing's (default: :func:`reconcile` of the two); ``language`` is
    the spider's, used when extraction found none; ``aliases`` are other URLs that led to it;
    ``links`` the URLs the article links to where the source says so."""
    url = url or entry.url
    dated = dated or reconcile(extracted.published_at, entry.published_at)
    return ArticleRecord(
        url=url,
        source=source,
        language=extracted.language or language,
        title=extracted.title or entry.title,
        lead=extracted.lead,
        body=extracted.body,
        published_at=dated.published_at,
        page_published_at=dated.page_published_at,
        author=extracted.author,
        tags=list(extracted.tags),
        source_id=extracted.source_id,
        etag=etag,
        last_modified=last_modified,
        aliases=[a for a in dict.fromkeys(aliases) if a != url],
        links=list(links),
    )
