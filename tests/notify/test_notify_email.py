"""Email delivery against a real SMTP server (aiosmtpd on 127.0.0.1): MIME, escaping, faults."""

from __future__ import annotations

import random
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from notify_helpers import (
    add_meetings,
    admin_webhook,
    due_time,
    first_day,
    make_config,
    outbox_rows,
)
from notify_servers import Mailbox, Receiver, smtp_server
from sqlalchemy import Engine

from notify.channels.email import POLICY, EmailChannel, EmailConfig, message_id
from notify.dispatcher import Dispatcher
from notify.document import sample
from notify.render import render
from notify.text import short_date

HOSTILE = 'Токаев <script>alert("x")</script> & <b onmouseover=evil()>акимом</b>'


def _email(port: int, **extra: Any) -> dict[str, Any]:
    return {
        "name": "newsroom",
        "kind": "email",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "smtp_timeout": 5,
        "from": "akimwatch@example.org",
        "to": ["desk@example.org", "editor@example.org"],
        **extra,
    }


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_multipart_message_with_escaped_html(
    db_url: str, engine: Engine, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    config = make_config(db_url, _email(port))
    [key] = add_meetings(engine, config, 1, title=HOSTILE)
    assert Dispatcher(config, engine).run_once().sent == 1
    [message] = box.messages
    assert box.envelopes == [("akimwatch@example.org", ["desk@example.org", "editor@example.org"])]
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == f"Карагандинская область, приём: «{' '.join(HOSTILE.split())}»"
    assert message["Message-ID"] == message_id(key)
    assert message["X-Akimwatch-Delivery"] == key
    plain, html = _parts(message)
    assert HOSTILE in plain  # plain text is shown as text
    assert "<script>" not in html and "onmouseover=evil()>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;" in html
    for text in (plain, html):
        assert "Аким Акимов" in text and "Kazinform" in text and short_date(first_day()) in text
        assert "https://www.inform.kz/ru/tokaev-prinyal-akima_a4000000" in text
    print("lost = 0 duplicated = 0")


def test_english_channel_gets_english_subject(
    db_url: str, engine: Engine, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    config = make_config(db_url, _email(port))
    add_meetings(engine, config, 1)
    config.channels[0].languages = ["en"]  # wording follows the channel's languages
    Dispatcher(config, engine).run_once()
    subject = "Karaganda, reception: \u201cТокаев принял акима (Karaganda, 0)\u201d"
    assert box.messages[0]["Subject"] == subject


@pytest.mark.parametrize(
    "subject",
    [
        "Туркестанская область, приём: «Глава государства принял акима Туркестанской области»",
        "Түркістан облысы, қабылдау: «Мемлекет басшысы Түркістан облысының әкімін қабылдады»",
        "Turkistan region, reception: \u201cHead of State receives Akim of Turkistan region "
        "Darkhan Satybaldy at the Akorda\u201d",
        "short",
    ],
)
def test_a_long_subject_keeps_every_space_across_its_folds(subject: str) -> None:
    """The first one loses the space after the comma under the default policy's folder."""
    message = EmailMessage(policy=POLICY)
    message["Subject"] = subject
    message.set_content("x")
    wire = message.as_bytes()
    assert max(len(line) for line in wire.splitlines()) <= 78
    assert message_from_bytes(wire, policy=policy.default)["Subject"] == subject


def test_smtp_refusing_then_accepting_is_delivered_once(db_url: str, engine: Engine) -> None:
    box = Mailbox(refuse=2)
    controller = smtp_server(box)
    try:
        config = make_config(db_url, _email(int(controller.port)))
        [key] = add_meetings(engine, config, 1)
        dispatcher = Dispatcher(config, engine)
        for _ in range(2):
            report = dispatcher.run_once(due_time(engine))
            assert report.retrying == 1 and "451" in report.errors[0]
        assert dispatcher.run_once(due_time(engine)).sent == 1
        assert dispatcher.run_once(due_time(engine)).claimed == 0
    finally:
        controller.stop()
    assert [m["X-Akimwatch-Delivery"] for m in box.messages] == [key]
    assert outbox_rows(engine)[0].attempts == 3
    print("lost = 0 duplicated = 0")


def test_smtp_550_is_permanent_and_alerts_the_admin(db_url: str, engine: Engine) -> None:
    box = Mailbox(refuse=1, code="550 5.7.1 rejected")
    controller = smtp_server(box)
    admin = Receiver().start()
    try:
        config = make_config(db_url, _email(int(controller.port)), admin_webhook(admin))
        add_meetings(engine, config, 1)
        dispatcher = Dispatcher(config, engine)
        assert dispatcher.run_once().dead == 1
        assert dispatcher.run_once().sent == 1
    finally:
        controller.stop()
        admin.stop()
    assert box.messages == []
    assert [r.json["type"] for r in admin.received] == ["health"]
    assert [row.status for row in outbox_rows(engine)] == ["dead", "sent"]


def test_smtp_server_down_is_retried(db_url: str, engine: Engine) -> None:
    config = make_config(db_url, _email(1))
    add_meetings(engine, config, 1)
    report = Dispatcher(config, engine).run_once()
    assert report.retrying == 1 and "127.0.0.1:1" in report.errors[0]


@pytest.mark.parametrize(
    "title",
    [
        "Президент принял акима области и заслушал его доклад",  # a fold lands on a space
        "Мемлекет басшысы облыс әкімін қабылдап, өңірдің әлеуметтік-экономикалық дамуын талқылады",
        "A very long English headline about the President receiving the akim of a region today",
    ],
)
def test_a_long_subject_arrives_word_for_word(
    db_url: str, engine: Engine, mailbox: tuple[Mailbox, int], title: str
) -> None:
    box, port = mailbox
    config = make_config(db_url, _email(port))
    add_meetings(engine, config, 1, title=title)
    Dispatcher(config, engine).run_once()
    assert box.messages[0]["Subject"] == f"Карагандинская область, приём: «{title}»"


def test_subjects_of_every_length_survive_folding() -> None:
    channel = EmailChannel(EmailConfig.model_validate(_email(25)))
    words = [
        "Глава",
        "государства",
        "принял",
        "акима",
        "области,",
        "әкімі",
        "«қабылдады»",
        "и",
        "заслушал",
        "доклад",
    ]
    rng = random.Random(12)
    for length in range(1, 60):
        title = " ".join(rng.choice(words) for _ in range(length))
        document = {**sample("k"), "meeting": {**sample("k")["meeting"], "title": title}}
        document["meeting"]["articles"] = []
        message = channel.build(document, "key")
        parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
        assert parsed["Subject"] == render(document, "ru")[0], length
