"""Property-based fuzzing: random text never crashes the detector and stays fast.

Profiles: the default runs 200 examples; ``HYPOTHESIS_PROFILE=fuzz`` runs 10,000.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detect import KINDS, detect

settings.register_profile(
    "detect-default", max_examples=200, deadline=dt.timedelta(milliseconds=500)
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=dt.timedelta(milliseconds=500),
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = "fuzz" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "detect-default"

WORDS = st.sampled_from(
    [
        "Токаев", "принял", "акима", "Карагандинской", "области", "Глава", "государства",
        "әкімін", "қабылдады", "Тоқаев", "облысының", "received", "governor", "region",
        "Atyrau", "рабочей", "поездкой", "прибыл", "акимов", "по телефону", ".", ",", "\n",
        "<p>", "</p>", "Президент", "Ногаев", "ákimin", "qabyldady", "Toqaev", "وبلىسى",
    ]
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=3000), st.lists(WORDS, max_size=300).map(" ".join))
PUBLISHED = st.one_of(st.none(), st.datetimes(timezones=st.one_of(st.none(), st.timezones())))


@pytest.mark.fuzz
@settings(settings.get_profile(PROFILE))
@given(title=TEXTS, text=TEXTS, published=PUBLISHED, language=st.sampled_from([None, "ru", "kk"]))
def test_detect_never_crashes(
    title: str, text: str, published: dt.datetime | None, language: str | None
) -> None:
    for meeting in detect(title, text, published=published, language=language):
        assert meeting.kind in KINDS
        assert meeting.evidence
        assert meeting.region is not None or meeting.kind in ("collective", "reception")
