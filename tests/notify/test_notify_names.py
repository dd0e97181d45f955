"""One meeting reported in Russian, Kazakh and English: every output names the akim the same way,
in the nominative of the reader's language, whichever report came first."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from notify_helpers import make_config, webhook
from notify_servers import Receiver
from sqlalchemy import Engine, select

from akimwatch.commands.export import export
from akimwatch.commands.meetings import meetings
from akimwatch.config import ChannelConfig
from crawler.detect import detect
from crawler.pipelines import to_record
from notify.dispatcher import Dispatcher
from notify.document import name_language
from scheduler import feed
from scheduler.outputs import meeting_query, meeting_rows
from storage.engine import session_factory
from storage.models import Meeting
from storage.records import ArticleRecord
from storage.repository import ArticleStore


def _recent() -> datetime:
    """An hour ago: reports are fresh (an old one is stored without an alert)."""
    return datetime.now(UTC) - timedelta(hours=1)


REPORTS = {
    "ru": (
        "https://www.akorda.kz/ru/glava-gosudarstva-prinyal-akima-karagandinskoy-oblasti-1",
        "Глава государства принял акима Карагандинской области",
        "Касым-Жомарт Токаев принял акима Карагандинской области Ермаганбета Булекпаева. Аким "
        "доложил о подготовке региона к паводкам.",
    ),
    "kk": (
        "https://www.akorda.kz/kz/memleket-basshysy-karagandy-oblysynyn-akimin-kabyldady-1",
        "Мемлекет басшысы Қарағанды облысының әкімін қабылдады",
        "Қасым-Жомарт Тоқаев Қарағанды облысының әкімі Ермағанбет Бөлекпаевты қабылдады. Әкім "
        "су тасқынына дайындық туралы баяндады.",
    ),
    "en": (
        "https://www.akorda.kz/en/head-of-state-receives-karaganda-region-governor-1",
        "Head of State receives Karaganda region governor",
        "President Kassym-Jomart Tokayev received Governor of Karaganda region Yermaganbet "
        "Bulekpayev, who reported on flood preparedness.",
    ),
}
SHOWN = {"ru": "Ермаганбет Булекпаев", "kk": "Ермағанбет Бөлекпаев", "en": "Yermaganbet Bulekpayev"}
ORDERS = [("ru", "kk", "en"), ("kk", "en", "ru"), ("en", "ru", "kk")]


def _record(language: str, minutes: int) -> ArticleRecord:
    url, title, text = REPORTS[language]
    published = _recent() + timedelta(minutes=minutes)
    item = ArticleRecord(url, "akorda", language, title, text, published_at=published)
    return to_record(item, detect(title, text, published=published, language=language))


def _channels(receiver: Receiver) -> list[dict[str, object]]:
    events = ["meeting.new", "meeting.updated"]
    return [
        webhook(receiver, name=f"hook-{lang}", languages=[lang], events=events) for lang in SHOWN
    ]


@pytest.mark.parametrize("order", ORDERS, ids="-".join)
def test_one_meeting_names_the_akim_alike_in_every_output(
    order: tuple[str, ...], db_url: str, engine: Engine, receiver: Receiver
) -> None:
    config = make_config(db_url, *_channels(receiver))
    for minutes, language in enumerate(order):
        with session_factory(engine)() as session:
            ArticleStore(session, config.route).save([_record(language, 10 * minutes)])
    with session_factory(engine)() as session:
        [meeting] = session.scalars(select(Meeting))
        assert meeting.akim == "Yermaganbet Bulekpayev"
        rows = {lang: next(meeting_rows(session, meeting_query(None, None, None), lang))["akim"]
                for lang in SHOWN}  # fmt: skip
    assert rows == SHOWN
    Dispatcher(config, engine).run_once()
    shown = {}
    for request in receiver.received:
        [channel] = re.findall(r"hook-\w\w", request.headers["X-Akimwatch-Delivery"])
        shown[channel] = json.loads(request.body)["meeting"]["akim"]
    assert shown == {f"hook-{lang}": name for lang, name in SHOWN.items()}
    output = CliRunner().invoke(meetings, ["--json", "--language", "kk"], obj={"config": config})
    assert output.exit_code == 0, output.output
    assert [m["akim"] for m in json.loads(output.output)] == [SHOWN["kk"]]
    output = CliRunner().invoke(export, ["--language", "en"], obj={"config": config})
    assert output.exit_code == 0, output.output
    [row] = csv.DictReader(io.StringIO(output.output))
    assert row["akim"] == SHOWN["en"]
    assert f"Аким: {SHOWN['ru']}." in feed.build(engine).decode("utf-8")


@pytest.mark.parametrize(
    ("languages", "expected"),
    [([], "ru"), (["kk"], "kk"), (["en"], "en"), (["ru", "en"], "ru"), (["kk", "en"], "en")],
)
def test_name_language_of_a_channel(languages: list[str], expected: str) -> None:
    channel = ChannelConfig(
        name="c", kind="webhook", url="http://127.0.0.1:9/", languages=languages
    )
    assert name_language(channel) == expected
