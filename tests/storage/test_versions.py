"""Lean version rows: the current version shares its lead and body with the article, a superseded
one keeps its own copy; migration 0002 keeps a database written under 0001 readable."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, select, text

from storage.clock import utcnow
from storage.engine import make_engine, session_factory
from storage.migrate import alembic_config, foreign_keys_off, upgrade
from storage.models import Article, ArticleUrl, ArticleVersion
from storage.queries import article_by_url
from storage.records import ArticleRecord
from storage.repository import ArticleStore

URL = "https://www.inform.kz/ru/x-7a1c3e"


def _save(engine: Engine, body: str, lead: str = "Лид.") -> None:
    record = ArticleRecord(
        url=URL, source="kazinform", language="ru", title=f"T {body}", body=body, lead=lead,
        published_at=utcnow(),
    )  # fmt: skip
    with session_factory(engine)() as session:
        ArticleStore(session).save([record])


def _contents(engine: Engine) -> list[tuple[int, str | None, tuple[str, str, str]]]:
    with session_factory(engine)() as session:
        article = article_by_url(session, URL)
        assert article is not None
        return [(v.version, v.body, v.content()) for v in article.versions]


def test_first_version_shares_the_body_until_the_article_changes(engine: Engine) -> None:
    _save(engine, "Один.")
    assert _contents(engine) == [(1, None, ("T Один.", "Лид.", "Один."))]
    _save(engine, "Два.", lead="Новый лид.")
    _save(engine, "Три.")
    assert _contents(engine) == [
        (1, "Один.", ("T Один.", "Лид.", "Один.")),
        (2, "Два.", ("T Два.", "Новый лид.", "Два.")),
        (3, None, ("T Три.", "Лид.", "Три.")),
    ]
    with session_factory(engine)() as session:
        diff = session.scalar(select(ArticleVersion.diff).where(ArticleVersion.version == 3))
    assert diff is not None and "-Два." in diff and "+Три." in diff


def test_two_edits_in_one_batch_keep_every_version(engine: Engine) -> None:
    _save(engine, "Один.")
    records = [
        ArticleRecord(url=URL, source="kazinform", language="ru", title="T", body=body)
        for body in ("Два.", "Три.")
    ]
    with session_factory(engine)() as session:
        ArticleStore(session).save(records)
    assert [(v, body) for v, body, _ in _contents(engine)] == [(1, "Один."), (2, "Два."), (3, None)]


def test_migration_0002_keeps_history_written_under_0001(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    config = alembic_config(sqlite_url)
    with engine.connect() as connection, foreign_keys_off(connection), connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO articles (id, url_key, canonical_url, url, source, language, title,"
                " lead, body, tags, first_seen_at, last_checked_at, content_hash, relevant,"
                " version) VALUES (7, 'k', :url, :url, 'kazinform', 'ru', 'T', '', 'Два.', '[]',"
                " '2026-03-21 06:00:00', '2026-03-21 06:00:00', 'h2', 0, 2)"
            ),
            {"url": URL},
        )
        connection.execute(text("INSERT INTO article_urls VALUES ('k', 7, :url)"), {"url": URL})
        connection.execute(
            text(
                "INSERT INTO article_versions (article_id, version, fetched_at, title, lead, body,"
                " content_hash, diff) VALUES (7, 1, '2026-03-21 06:00:00', 'T', '', 'Один.',"
                " 'h1', ''), (7, 2, '2026-03-21 07:00:00', 'T', '', 'Два.', 'h2', '-Один.')"
            )
        )
    upgrade(engine)
    with session_factory(engine)() as session:
        assert session.scalar(select(ArticleUrl.article_id)) == 7
        versions = session.scalars(select(ArticleVersion).order_by(ArticleVersion.version)).all()
        assert [(v.version, v.body, v.content()[2]) for v in versions] == [
            (1, "Один.", "Один."),
            (2, None, "Два."),
        ]
        assert session.get(Article, 7) is not None
    engine.dispose()
