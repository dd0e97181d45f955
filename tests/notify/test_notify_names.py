"""One meeting reported in Russian, Kazakh and English: every output (webhook, email body and
subject, CLI, export, feed) names the akim the same way, in the nominative of the reader's
language, whichever report came first."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from click.testing import CliRunner
from notify_helpers import make_config, webhook
from notify_servers import Mailbox, Receiver
from sqlalchemy import Engine, select

from akimwatch.commands.export import export
from akimwatch.commands.meetings import meetings
from crawler.pipelines import to_record
from detect import detect
from notify import feed
from notify.channels.webhook import WebhookConfig
from notify.dispatcher import Dispatcher
from notify.document import name_language
from notify.exports import meeting_query, meeting_rows
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
        "Head of State receives Karaganda region governor Yermaganbet Bulekpayev",
        "President Kassym-Jomart Tokayev received Governor of Karaganda region Yermaganbet "
        "Bulekpayev, who reported on flood preparedness.",
    ),
}
SHOWN = {"ru": "Ермаганбет Булекпаев", "kk": "Ермағанбет Бөлекпаев", "en": "Yermaganbet Bulekpayev"}
LABEL = {"ru": "Аким", "kk": "Аким", "en": "Akim"}
"""The akim line's label in an email body (Kazakh readers get the Russian template)."""
ORDERS = [("ru", "kk", "en"), ("kk", "en", "ru"), ("en", "ru", "kk")]


def _record(language: str, minutes: int) -> ArticleRecord:
    url, title, text = REPORTS[language]
    published = _recent() + timedelta(minutes=minutes)
    item = ArticleRecord(url, "akorda", language, title, text, published_at=published)
    return to_record(item, detect(title, text, published=published, language=language))


def _channels(receiver: Receiver, smtp_port: int) -> list[dict[str, object]]:
    events = ["meeting.new", "meeting.updated"]
    hooks = [
        webhook(receiver, name=f"hook-{lang}", languages=[lang], events=events) for lang in SHOWN
    ]
    mails = [
        {"name": f"mail-{lang}", "kind": "email", "smtp_host": "127.0.0.1",
         "smtp_port": smtp_port, "smtp_tls": "none", "to": [f"{lang}@example.org"],
         "languages": [lang], "events": events}
        for lang in SHOWN
    ]  # fmt: skip
    return hooks + mails


def _email_names(box: Mailbox) -> dict[str, set[str]]:
    """Per reader language, the akim names the email bodies (text and HTML) show."""
    names: dict[str, set[str]] = {}
    for message, (_, [to]) in zip(box.messages, box.envelopes, strict=True):
        language = to.split("@")[0]
        names.setdefault(language, set()).update(_body_names(message, LABEL[language]))
    return names


def _body_names(message: EmailMessage, label: str) -> set[str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    shown = set(re.findall(rf"^{label}: (.+?)\r?$", plain.get_content(), re.M))
    shown |= set(re.findall(rf"<th[^>]*>{label}</th><td>([^<]+)</td>", html.get_content()))
    return shown


def _subject_names_only_a_headline(message: EmailMessage) -> bool:
    """The subject names the akim only inside a quoted source headline, never in our own words."""
    subject = str(message["Subject"])
    headlines = [title for _, title, _ in REPORTS.values() if title in subject]
    rest = subject.replace(headlines[0], "") if headlines else subject
    return bool(headlines) and not re.search(r"(?i)булекпа|бөлекпа|bulekpa", rest)


@pytest.mark.parametrize("order", ORDERS, ids="-".join)
def test_one_meeting_names_the_akim_alike_in_every_output(
    order: tuple[str, ...],
    db_url: str,
    engine: Engine,
    receiver: Receiver,
    mailbox: tuple[Mailbox, int],
) -> None:
    box, smtp_port = mailbox
    config = make_config(db_url, *_channels(receiver, smtp_port))
    for minutes, language in enumerate(order):
        with session_factory(engine)() as session:
            ArticleStore(session).save([_record(language, 10 * minutes)])
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
    assert len(box.messages) == len(SHOWN)
    assert _email_names(box) == {lang: {name} for lang, name in SHOWN.items()}
    assert all(_subject_names_only_a_headline(message) for message in box.messages)
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
    channel = WebhookConfig(
        name="c", kind="webhook", url="http://127.0.0.1:9/", languages=languages
    )
    assert name_language(channel) == expected
