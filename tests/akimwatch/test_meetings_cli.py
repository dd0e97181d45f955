"""``akimwatch meetings`` and ``akimwatch article --history`` on a small stored history."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from akimwatch.commands.article import article
from akimwatch.commands.export import export
from akimwatch.commands.meetings import meetings
from core.config import Config, DatabaseConfig
from detect import Meeting
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.records import ArticleRecord
from storage.repository import ArticleStore

AT = datetime(2026, 3, 21, 12, tzinfo=ZoneInfo("Asia/Almaty"))
AKORDA = "https://www.akorda.kz/ru/glava-gosudarstva-prinyal-akima-2895622"
KAZINFORM = "https://qazinform.com/news/tokayev-receives-governor-9c2d1e"


def _meeting(region: str, akim: str | None, day: int = 21) -> Meeting:
    return Meeting(kind="reception", date=date(2026, 3, day), region=region, akim=akim)


@pytest.fixture
def config(sqlite_url: str) -> Config:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    records = [
        ArticleRecord(AKORDA, "akorda", "ru", "Принял акима", "Аким Булекпев.", published_at=AT,
                      meetings=[_meeting("Karaganda", "Ермаганбет Булекпев")]),
        ArticleRecord(KAZINFORM, "kazinform", "en", "Tokayev receives governor", "Text.",
                      published_at=AT, meetings=[_meeting("Karaganda", "Bulekpayev")]),
        ArticleRecord("https://www.akorda.kz/ru/prinyal-2895650", "akorda", "ru", "Принял",
                      "Текст.", published_at=AT, meetings=[_meeting("Kostanay", None, 25)]),
        ArticleRecord(AKORDA, "akorda", "ru", "Принял акима", "Аким Булекпаев.", published_at=AT,
                      meetings=[_meeting("Karaganda", "Ермаганбет Булекпаев")]),
    ]  # fmt: skip
    with session_factory(engine)() as session:
        store = ArticleStore(session)
        for record in records:
            store.save([record])
    engine.dispose()
    return Config(database=DatabaseConfig(url=sqlite_url))


def invoke(command: object, config: Config, *args: str) -> str:
    result = CliRunner().invoke(command, list(args), obj={"config": config})  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return result.output


def test_meetings_json_lists_each_meeting_with_its_articles(config: Config) -> None:
    data = json.loads(invoke(meetings, config, "--json"))
    assert [m["id"] for m in data] == ["2026-03-21/Karaganda", "2026-03-25/Kostanay"]
    karaganda = data[0]
    assert karaganda["akim"] == "Ермаганбет Булекпаев"
    assert [(a["url"], a["outlet"], a["language"]) for a in karaganda["articles"]] == [
        (AKORDA, "Akorda", "ru"),
        (KAZINFORM, "Kazinform", "en"),
    ]


def test_meetings_filters(config: Config) -> None:
    assert len(json.loads(invoke(meetings, config, "--json", "--region", "Kostanay"))) == 1
    assert len(json.loads(invoke(meetings, config, "--json", "--since", "2026-03-22"))) == 1
    assert len(json.loads(invoke(meetings, config, "--json", "--until", "2026-03-21"))) == 1
    assert json.loads(invoke(meetings, config, "--json", "--kind", "collective")) == []
    text = invoke(meetings, config, "--region", "Karaganda")
    assert "2026-03-21  Karaganda  reception" in text and AKORDA in text


def test_article_history_shows_versions_and_the_diff(config: Config) -> None:
    data = json.loads(invoke(article, config, AKORDA + "?utm_source=tg", "--history", "--json"))
    assert data["version"] == 2 and data["meetings"] == ["2026-03-21/Karaganda"]
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert "+Аким Булекпаев." in data["versions"][1]["diff"]
    assert "-Аким Булекпев." in invoke(article, config, AKORDA, "--history")


def test_article_unknown_url_is_an_error(config: Config) -> None:
    result = CliRunner().invoke(article, ["https://example.org/x"], obj={"config": config})
    assert result.exit_code == 1 and "no stored article" in result.output


@pytest.mark.parametrize("url", ["https:///no-host", "http://inform.kz:port/x"])
def test_article_unusable_url_is_a_usage_error(config: Config, url: str) -> None:
    result = CliRunner().invoke(article, [url], obj={"config": config})
    assert result.exit_code == 2 and "Invalid value for URL" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("karaganda", "2026-03-21/Karaganda"),
        ("KARAGANDA", "2026-03-21/Karaganda"),
        ("Карагандинская область", "2026-03-21/Karaganda"),
        ("Қарағанды облысы", "2026-03-21/Karaganda"),
        ("костанайская область", "2026-03-25/Kostanay"),
    ],
)
def test_region_filters_take_any_name_of_the_region(
    config: Config, name: str, expected: str
) -> None:
    listed = json.loads(invoke(meetings, config, "--json", "--region", name))
    assert [m["id"] for m in listed] == [expected]
    exported = json.loads(invoke(export, config, "--format", "json", "--region", name))
    assert [m["meeting_key"] for m in exported] == [expected]
