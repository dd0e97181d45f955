"""Patterns about the akim: the word and its plural, exclusions (deputy, former, district, rural,
city, foreign governor), decrees and resignations."""

from __future__ import annotations

import re

from detect.lexicon import FOREIGN_WORDS, words
from detect.normalize import fold

AKIM = words(
    r"аким(?:а|у|ом|е|ы|ов|ам|ами|ах)?",
    r"әкім(?!шіл|дік|дігі|шілік)\w*",
    r"akim(?:s|'s)?",
    r"governor(?:s|'s)?",
    r"mayor(?:s|'s)?",
    r"глав\w* (?:региона|области|регионов|областей)",
    r"руководител\w* (?:региона|области|регионов|областей)",
    r"өңір басшы\w*",
    r"аимақ басшы\w*",
    r"облыс басшы\w*",
    r"head of the region",
    r"руководств\w* (?:региона|области)",
    r"regional leadership",
    r"region's leadership",
    r"leadership of the region",
)
PLURAL = re.compile(
    r"^(?:акимы|акимов|акимам|акимами|акимах|әкімдер\w*|akims|governors|mayors|"
    r"глав\w* (?:регионов|областей)|руководител\w* (?:регионов|областей))$"
)
_ALL_AFTER = re.compile(
    fold(
        r"^\s*(?:\(\w+\)\s*)?(?:of\s+(?:all\s+)?(?:the\s+)?(?:regions|oblasts)(?![\w-])|"
        r"(?:всех\s+)?(?:областей|регионов)(?![\w-])|всех(?![\w-]))"
    )
)
_ALL_BEFORE = re.compile(
    fold(r"(?<![\w-])(?:всех|барлық|all|regional|облыс|өңір|облыстардың|өңірлердің)\s+$")
)


_WITH_BEFORE = re.compile(
    fold(
        r"(?<![\w-])(?:with|attended by|joined by|participation of|участием|участии|"
        r"вместе с|совместно с|приняли участие|участвовали|took part|participated)"
        r"(?:\s+[\w(),-]+){0,6}\s+$"
    )
)
_WITH_AFTER = re.compile(fold(r"^\s*(?:\w+\s+){0,3}?(?:қатыс\w*|attended|took part|participated)"))
_WITH_FORM = re.compile(r"(?:ами|акимом|мен|пен|бен)$")


def taking_part(text: str, start: int, end: int) -> bool:
    """Whether the akim word at ``start:end`` names a participant of the meeting ("с акимом",
    "с акимами", "с участием акимов", "әкімдерімен", "қатысуымен", "with governors")."""
    if _WITH_FORM.search(text[start:end]) or _WITH_AFTER.match(text[end : end + 40]):
        return True
    return bool(_WITH_BEFORE.search(text[max(0, start - 60) : start]))


_ALL_WORD = re.compile(fold(r"(?<![\w-])(?:всех|барлық|all)\s+(?:\w+\s+)?$"))


def every_akim(text: str, start: int, end: int) -> bool:
    """Whether the plural akim word at ``start:end`` is said to be all of them ("всех акимов",
    "барлық облыс әкімдері", "all regional governors", "акимами всех областей")."""
    before = text[max(0, start - 25) : start]
    return bool(_ALL_WORD.search(before) or re.match(r"\s*всех", text[end : end + 8]))


def all_akims(text: str, start: int, end: int) -> bool:
    """Whether the plural akim word at ``start:end`` stands for the akims of all regions
    ("акимы областей", "облыс әкімдері", "governors of the regions"), not listed ones."""
    before = text[max(0, start - 25) : start]
    return bool(_ALL_AFTER.match(text[end : end + 40]) or _ALL_BEFORE.search(before))


GLOSS = re.compile(fold(r"(?<=аким)(?:а|у|ом|е|ы|ов|ам|ами|ах)?\s*\(губернатор\w*\)"))
"""Russian glossing the akim as a governor ("аким (губернатор)"): no foreign governor."""
FOREIGN_REGION = words(
    r"губернатор\w*",
    *(w + r"\w*" for w in FOREIGN_WORDS.split("|")),
    r"омск\w*",
    r"новосибирск\w*",
    r"оренбург\w*",
    r"астрахан\w*",
    r"челябинск\w*",
    r"тюмен\w*",
    r"курган\w*",
    r"саратов\w*",
    r"самар\w*",
    r"волгоград\w*",
    r"алтаиск\w+ кра\w*",
    r"omsk",
    r"novosibirsk",
    r"orenburg",
    r"astrakhan",
    r"chelyabinsk",
    r"tyumen",
    r"saratov",
    r"samara",
    r"volgograd",
    r"altai krai",
    r"синьцзян\w*",
    r"урумчи",
    r"татарстан\w*",
    r"башкортостан\w*",
    r"xinjiang",
    r"urumqi",
    r"tatarstan",
    r"bashkortostan",
)
EXCLUDE_BEFORE = re.compile(
    fold(
        r"(?<![\w-])(?:бывш\w*|экс-|former|ex-|бұрынғы|заместител\w*|зам|орынбасар\w*|deputy|vice|"
        r"first deputy|временно исполняющ\w* обязанности|acting|район\w*|сельск\w*|поселк\w*|"
        r"аудан\w*|ауыл\w*|ауылдық округ\w*|кент\w*|district|village|rural|town|"
        r"сайланған|новоизбранн\w*|избранн\w*|elected)"
        r"[\s,]*(?:\w+\s+)?(?:(?:жаңадан|жаңа|сайланған|мен|және|облыстық|маңызы|бар|"
        r"қала\w*|кент\w*|ауыл\w*|округ\w*|newly|elected|new)\s+){0,6}$"
    )
)
EXCLUDE_AFTER = re.compile(
    fold(
        r"^[\s,]*(?:\w+(?:ского|цкого|ного|ского)\s+)?(?:района|районов|села|сел|сельск\w*|"
        r"поселка|аула|города\s+(?!астан|алмат|шымкент|нур-султан)|г\.\s*(?!астан|алмат|шымкент)|"
        r"(?:бірінші\s+)?орынбасар\w*|of\s+(?:the\s+)?\w+\s+(?:district|village|town)|"
        r"of\s+(?:the\s+)?(?:district|village|town))"
    )
)
CITY_BEFORE = re.compile(fold(r"(?:қала\w*|city|city's)\s*$"))
CITY_AFTER = re.compile(fold(r"^\s*(?:города|г\.|of\s+(?:the\s+)?city)"))
RESIGNATION = words(r"отставк\w*", r"отставка\w*", r"resignation", r"resign\w*")
DECREE = words(
    r"указ\w*",
    r"назнач\w*",
    r"кандидат\w*",
    r"освобо\w*",
    r"маслихат\w*",
    r"тағайында\w*",
    r"босат\w*",
    r"жарлы\w*",
    r"мәслихат\w*",
    r"appoint\w*",
    r"candida\w*",
    r"dismiss\w*",
    r"relieved",
    r"decree\w*",
    r"maslikhat\w*",
)
EX_AKIM = re.compile(fold(r"(?<![\w-])(?:экс|ex)-(?:аким\w*|әкім\w*|akim|governor|mayor)"))
REPORT_BY_AKIM = re.compile(
    fold(
        r"(?:доклад\w*|отчет\w*|баяндама\w*|report)\s+(?:by\s+|of\s+)?(?:the\s+)?"
        r"(?:region's\s+)?(?:акима|әкімнің|akim|governor)"
    )
)
