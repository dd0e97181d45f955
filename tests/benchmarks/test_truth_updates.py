"""Meeting emails are counted per meeting from their delivery keys, whatever the key's form."""

from __future__ import annotations

from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from benchmarks.truth_updates import counts, figures


def mail(key: str) -> EmailMessage:
    message = EmailMessage()
    message["X-Akimwatch-Delivery"] = key
    return message


@pytest.mark.parametrize(
    ("key", "meeting", "event"),
    [
        ("meeting.new:2026-12-02/Almaty:desk", "2026-12-02/Almaty", "meeting.new"),
        ("meeting.updated:2026-12-02/Almaty:article7:desk", "2026-12-02/Almaty", "meeting.updated"),
        ("meeting.updated:2026-12-02/Abai:desk:0a1b2c3d4e", "2026-12-02/Abai", "meeting.updated"),
        (
            "meeting.new:2026-12-01/North Kazakhstan:desk",
            "2026-12-01/North Kazakhstan",
            "meeting.new",
        ),
        (
            "meeting.new:2026-12-02/collective:Kyzylorda+Zhambyl:desk",
            "2026-12-02/collective:Kyzylorda+Zhambyl",
            "meeting.new",
        ),
    ],
)
def test_each_key_form_names_its_meeting(key: str, meeting: str, event: str) -> None:
    assert counts([mail(key)]) == {meeting: Counter({event: 1})}


def test_a_folded_key_is_read_whole() -> None:
    """A long key is folded on the wire; the SMTP server's parse gives it back whole."""
    meeting = "2026-12-01/collective:North Kazakhstan+West Kazakhstan+Kostanay+Akmola"
    wire = mail(f"meeting.updated:{meeting}:article12:desk").as_bytes(policy=policy.SMTP)
    assert b"\r\n " in wire.split(b"\r\n\r\n")[0]  # folded indeed
    parsed = message_from_bytes(wire, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert counts([parsed]) == {meeting: Counter({"meeting.updated": 1})}


@pytest.mark.parametrize(
    "key", ["meeting.new:2026-12-02/Almaty:hook", "article.changed:17:desk", "health:x:desk"]
)
def test_other_channels_and_events_are_not_counted(key: str) -> None:
    assert counts([mail(key)]) == {}


def test_figures_count_missing_doubled_and_repeated_updates() -> None:
    emails = [
        mail("meeting.new:d/A:desk"),
        mail("meeting.new:d/B:desk"),
        mail("meeting.new:d/B:desk"),
        mail("meeting.updated:d/A:article1:desk"),
        mail("meeting.updated:d/A:desk:00ff00ff00"),
    ]
    assert figures(emails, {"d/A", "d/B", "d/C"}) == {
        "emails_new": 3,
        "emails_updated": 2,
        "meetings_new_not_once": 2,  # B twice, C never
        "meetings_updated_twice": 1,
    }
