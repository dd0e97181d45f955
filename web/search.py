"""Full-text search over the titles and texts of the articles that report meetings.

SQLite: an FTS5 index kept in a file of its own beside the database (``<name>.search.db``), built
and refreshed by the web layer, so the main schema has no migration, no triggers to survive a
table rebuild, and the web process never writes to the crawler's database. The index holds the
articles that report a meeting (``relevant``); each search first adds the articles stored since
(``id`` above the last indexed) and re-indexes those with a newer version (``article_versions.id``
above the last seen), two range look-ups on primary keys. Beside it, ``reports`` copies each
link's meeting, article, source and language (indexed by source and by language), so the source
and language filters never visit the large ``articles`` rows; it is copied again whenever the
links changed. Every connection of the web engine attaches the index as ``search``.

PostgreSQL: ``to_tsvector('simple', ...)`` against a ``to_tsquery`` of the words as prefixes, at
query time (no index; the text configuration is 'simple' since articles are Russian, Kazakh and
English). Words are runs of letters and digits, so nothing a user types reaches either query
language as syntax.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url

from storage.engine import read_only
from storage.models import Article, ArticleVersion, MeetingArticle

CHUNK = 2000
WORD = re.compile(r"\w+", re.UNICODE)
SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS docs
    USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reports (meeting_id INTEGER NOT NULL, article_id INTEGER NOT NULL,
    source TEXT NOT NULL, language TEXT NOT NULL, PRIMARY KEY (meeting_id, article_id))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reports_source ON reports (source, meeting_id);
CREATE INDEX IF NOT EXISTS reports_language ON reports (language, meeting_id);
"""
REPORTS = Table(
    "reports", MetaData(), Column("meeting_id", Integer), Column("article_id", Integer),
    Column("source", String), Column("language", String), schema="search",
)  # fmt: skip


def fts_query(words: str) -> str | None:
    """An FTS5 expression for what a user typed: every word, each as a prefix; None if no word."""
    terms = WORD.findall(words)
    return " ".join(f'"{term}"*' for term in terms) if terms else None


def index_path(database_url: str) -> Path | None:
    """Where the index of a SQLite database lives; None for other backends or in memory."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = Path(url.database)
    return path.with_name(f"{path.stem}.search.db")


class SearchIndex:
    """The FTS5 index file of one SQLite database, attached to every connection of ``engine``."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._lock = threading.Lock()
        with self._connect() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
        event.listen(engine, "connect", self._attach)
        engine.dispose()  # connections pooled before the listener lack the attachment

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    def _attach(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("ATTACH DATABASE ? AS search", (str(self.path),))

    def refresh(self) -> int:
        """Index what was stored or changed since the last refresh; returns how many articles."""
        with self._lock, self._connect() as index, read_only(self.engine).connect() as source:
            marks = dict(index.execute("SELECT name, value FROM marks").fetchall())
            index.execute("BEGIN")
            done = _documents(index, source, marks)
            _reports(index, source, marks)
            index.execute("COMMIT")
        return done


def _documents(index: sqlite3.Connection, source: Connection, marks: dict[str, int]) -> int:
    """Add the new articles, index the changed ones again; returns how many were indexed."""
    seen_article, seen_version = marks.get("article", 0), marks.get("version", 0)
    newest_article = source.scalar(select(func.max(Article.id))) or 0
    newest_version = source.scalar(select(func.max(ArticleVersion.id))) or 0
    changed = source.scalars(
        select(ArticleVersion.article_id)
        .where(ArticleVersion.id > seen_version, ArticleVersion.article_id <= seen_article)
        .distinct()
    ).all()
    if newest_article == seen_article and not changed:
        return 0
    done = _add_new(index, source, seen_article, newest_article)
    done += _replace(index, source, list(changed))
    index.executemany(
        "INSERT OR REPLACE INTO marks VALUES (?, ?)",
        [("article", newest_article), ("version", max(newest_version, seen_version))],
    )
    return done


def _reports(index: sqlite3.Connection, source: Connection, marks: dict[str, int]) -> None:
    """Copy every link's (meeting, article, source, language) when the links changed: their
    count, newest time or id sums (one pass over the small ``meeting_articles``)."""
    count, newest, meetings, articles = source.execute(
        select(func.count(), func.max(MeetingArticle.linked_at),
               func.sum(MeetingArticle.meeting_id), func.sum(MeetingArticle.article_id))
    ).one()  # fmt: skip
    seal = f"{count}:{newest}:{meetings}:{articles}".encode()
    fingerprint = int(hashlib.sha1(seal).hexdigest()[:15], 16)
    if marks.get("links") == fingerprint:
        return
    index.execute("DELETE FROM reports")
    rows = source.execute(
        select(MeetingArticle.meeting_id, MeetingArticle.article_id, Article.source,
               Article.language).join(Article, Article.id == MeetingArticle.article_id)
    )  # fmt: skip
    while chunk := rows.fetchmany(CHUNK):
        index.executemany("INSERT INTO reports VALUES (?, ?, ?, ?)", [tuple(r) for r in chunk])
    index.execute("INSERT OR REPLACE INTO marks VALUES ('links', ?)", (fingerprint,))


def _texts(where: ColumnElement[bool]) -> Select[int, str, str, str, bool]:
    return select(Article.id, Article.title, Article.lead, Article.body, Article.relevant).where(
        where
    )


def _add_new(index: sqlite3.Connection, source: Connection, after: int, upto: int) -> int:
    """Index the relevant articles with ids in ``(after, upto]``, ``CHUNK`` at a time."""
    done = 0
    while after < upto:
        rows = source.execute(
            _texts((Article.id > after) & (Article.id <= upto) & Article.relevant)
            .order_by(Article.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            break
        done += _store(index, [tuple(row) for row in rows])
        after = rows[-1][0]
    return done


def _replace(index: sqlite3.Connection, source: Connection, ids: list[int]) -> int:
    """Index again the articles ``ids`` (changed since indexed; dropped when no longer relevant)."""
    done = 0
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        index.executemany("DELETE FROM docs WHERE rowid = ?", [(i,) for i in part])
        rows = source.execute(_texts(Article.id.in_(part))).all()
        done += _store(index, [tuple(row) for row in rows])
    return done


def _store(index: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> int:
    """Index the relevant ones of ``(id, title, lead, body, relevant)`` rows."""
    docs = [(i, title, f"{lead}\n{body}") for i, title, lead, body, relevant in rows if relevant]
    index.executemany("INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)", docs)
    return len(docs)


def matching_articles(words: str, dialect: str) -> Select[Any] | None:
    """The ids of the articles whose title or text holds every word; None when nothing to find."""
    terms = WORD.findall(words)
    if not terms:
        return None
    if dialect == "postgresql":
        document = func.to_tsvector(
            "simple", Article.title + " " + Article.lead + " " + Article.body
        )
        query = func.to_tsquery("simple", " & ".join(f"{term}:*" for term in terms))
        return select(Article.id).where(document.bool_op("@@")(query))
    expression = fts_query(words)
    return (
        select(text("rowid"))
        .select_from(text("search.docs"))
        .where(text("docs MATCH :fts").bindparams(fts=expression))
    )
