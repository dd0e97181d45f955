"""The SQLite search index beside the database: built on demand, brought up to date by each
search (new articles, new versions, articles no longer relevant), user input never syntax."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import Article, ArticleVersion
from web.filters import Filters
from web.listing import page
from web.search import SearchIndex, fts_query, index_path

from .conftest import NOW, WORD, Seeded, seed


def found(engine: Engine, index: SearchIndex, words: str) -> list[int]:
    index.refresh()
    with Session(engine) as session:
        return [row["id"] for row in page(session, Filters(q=words)).rows]


def test_the_index_follows_new_and_changed_articles(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'akimwatch.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seeded: Seeded = seed(engine)
    path = index_path(url)
    assert path == tmp_path / "akimwatch.search.db"
    index = SearchIndex(path, engine)
    assert index.refresh() > 0 and index.refresh() == 0  # nothing new the second time
    assert found(engine, index, WORD) == [seeded.word_meeting]
    with Session(engine) as session, session.begin():
        article = session.scalars(select(Article).where(Article.body.contains(WORD))).one()
        article_id = article.id
        article.body = "Речь шла о Балхаше."
        article.version = 2
        digest = hashlib.sha256(b"x").hexdigest()
        session.add(ArticleVersion(article=article, version=2, title=article.title,
                                   content_hash=digest, fetched_at=NOW))  # fmt: skip
    assert found(engine, index, WORD) == []
    assert found(engine, index, "Балхаше") == [seeded.word_meeting]
    with Session(engine) as session, session.begin():
        session.execute(
            update(Article).values(relevant=False).where(Article.body.contains("Балхаш"))
        )
        session.add(ArticleVersion(article_id=article_id, version=3, title="x",
                                   content_hash="c" * 64, fetched_at=NOW))  # fmt: skip
    assert found(engine, index, "Балхаше") == []  # no longer reports a meeting: dropped
    engine.dispose()


def test_what_a_user_types_is_never_query_syntax() -> None:
    assert fts_query('title:x OR "y" NEAR(z) *') == '"title"* "x"* "OR"* "y"* "NEAR"* "z"*'
    assert fts_query("  ---  ") is None


def test_only_a_sqlite_file_has_an_index() -> None:
    assert index_path("postgresql+psycopg://u@h/db") is None
    assert index_path("sqlite://") is None
