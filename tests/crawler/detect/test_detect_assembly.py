"""One article, the right meetings, over generated texts in three languages.

Akims received separately or one after another give one reception each; one meeting with several
akims at once gives one collective meeting listing their regions; a meeting with all akims gives
one collective meeting, which may stand beside the separate receptions told after it. Never a
collective meeting beside receptions of the regions it lists, and never one region twice among an
article's meetings.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from detect import Meeting, detect

FORMS = {
    "ru": {
        "Pavlodar": "Павлодарской", "Karaganda": "Карагандинской", "Kostanay": "Костанайской",
        "Atyrau": "Атырауской", "Aktobe": "Актюбинской", "Mangystau": "Мангистауской",
        "Turkistan": "Туркестанской", "Kyzylorda": "Кызылординской",
    },
    "kk": {
        "Pavlodar": "Павлодар", "Karaganda": "Қарағанды", "Kostanay": "Қостанай",
        "Atyrau": "Атырау", "Aktobe": "Ақтөбе", "Mangystau": "Маңғыстау", "Turkistan": "Түркістан",
        "Kyzylorda": "Қызылорда",
    },
    "en": {
        "Pavlodar": "Pavlodar", "Karaganda": "Karaganda", "Kostanay": "Kostanay",
        "Atyrau": "Atyrau", "Aktobe": "Aktobe", "Mangystau": "Mangystau", "Turkistan": "Turkistan",
        "Kyzylorda": "Kyzylorda",
    },
}  # fmt: skip
AND = {"ru": "и", "kk": "және", "en": "and"}
SEPARATE = {
    "ru": "Глава государства поочередно принял акимов {list} областей.",
    "kk": "Мемлекет басшысы {list} облыстарының әкімдерін кезекпен қабылдады.",
    "en": "President Tokayev received the governors of {list} regions one after another.",
}
FIRST = {
    "ru": "Глава государства принял акима {one} области.",
    "kk": "Мемлекет басшысы {one} облысының әкімін қабылдады.",
    "en": "President Tokayev received the governor of {one} region.",
}
NEXT = {
    "ru": "Далее Президент принял акима {one} области.",
    "kk": "Одан кейін Президент {one} облысының әкімін қабылдады.",
    "en": "Then the President received the governor of {one} region.",
}
TOGETHER = {
    "ru": "Глава государства провел совещание с акимами {list} областей.",
    "kk": "Мемлекет басшысы {list} облыстарының әкімдерімен кеңес өткізді.",
    "en": "President Tokayev held a meeting with the governors of {list} regions.",
}
ALL = {
    "ru": "Глава государства провел совещание с акимами всех областей.",
    "kk": "Мемлекет басшысы барлық облыс әкімдерімен кеңес өткізді.",
    "en": "President Tokayev held a meeting with all regional governors.",
}
AFTER_ALL = {
    "ru": "После совещания Президент отдельно принял акимов {list} областей.",
    "kk": "Кеңестен кейін Президент {list} облыстарының әкімдерін жеке-жеке қабылдады.",
    "en": "After the session, the President met governors of {list} regions separately.",
}
SUMMARY = {
    "ru": "Токаев провел встречи с акимами регионов",
    "kk": "Президент өңір әкімдерімен кездесті",
    "en": "Tokayev meets regional governors",
}
FILLER = {
    "ru": "Акимы доложили о социально-экономическом развитии регионов.",
    "kk": "Әкімдер өңірлердің әлеуметтік-экономикалық дамуы туралы баяндады.",
    "en": "The governors reported on the social and economic development of the regions.",
}
SCENARIOS = ("separate", "sequence", "together", "all", "all_then_separate")


def _list(language: str, regions: list[str]) -> str:
    names = [FORMS[language][r] for r in regions]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" {AND[language]} " + names[-1]


def _text(language: str, scenario: str, regions: list[str], filler: bool) -> str:
    if scenario == "separate":
        sentences = [SEPARATE[language].format(list=_list(language, regions))]
    elif scenario == "sequence":
        first, *rest = (FORMS[language][r] for r in regions)
        sentences = [FIRST[language].format(one=first)]
        sentences += [NEXT[language].format(one=name) for name in rest]
    elif scenario == "together":
        sentences = [TOGETHER[language].format(list=_list(language, regions))]
    elif scenario == "all":
        sentences = [ALL[language]]
    else:
        sentences = [ALL[language], AFTER_ALL[language].format(list=_list(language, regions))]
    return " ".join(sentences + ([FILLER[language]] if filler else []))


def _invariants(meetings: list[Meeting]) -> None:
    regional = [m.region for m in meetings if m.region is not None]
    assert len(regional) == len(set(regional)), "a region met twice"
    collective = [m for m in meetings if m.kind == "collective"]
    assert len(collective) <= 1, "two collective meetings"
    for m in collective:
        assert not set(m.regions) & set(regional), "a collective beside receptions of its regions"


@settings(max_examples=150, deadline=None)
@given(
    language=st.sampled_from(sorted(FORMS)),
    scenario=st.sampled_from(SCENARIOS),
    regions=st.lists(st.sampled_from(sorted(FORMS["ru"])), min_size=2, max_size=8, unique=True),
    summary=st.booleans(),
    filler=st.booleans(),
)
def test_one_article_gives_the_right_meetings(
    language: str, scenario: str, regions: list[str], summary: bool, filler: bool
) -> None:
    title = SUMMARY[language] if summary else ""
    text = _text(language, scenario, regions, filler)
    meetings = detect(title, text, published=dt.datetime(2024, 5, 6, 12), language=language)
    _invariants(meetings)
    if scenario in ("separate", "sequence"):
        assert [(m.region, m.kind) for m in meetings] == [(r, "reception") for r in regions]
    elif scenario == "all_then_separate":
        got = [(m.region, m.kind, m.regions) for m in meetings]
        assert got == [(None, "collective", ())] + [(r, "reception", (r,)) for r in regions]
    else:
        (meeting,) = meetings
        assert meeting.kind == "collective" and meeting.region is None
        assert list(meeting.regions) == (regions if scenario == "together" else [])
    assert all(m.date == dt.date(2024, 5, 6) and m.evidence for m in meetings)
