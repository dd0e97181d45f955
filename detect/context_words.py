"""Patterns that tell the news from its context: the President acting through his instructions
or his press secretary, recalled news, disciplinary acts, an akim's words, the President on site,
and the two Presidents by name. Compiled once on folded text."""

from __future__ import annotations

import re

from detect.lexicon import words
from detect.normalize import fold

PRESS_SOURCE = re.compile(
    fold(
        r"(?<![\w-])(?:(?:помощник\w*|советник\w*|adviser|advisor|aide)[^\w]+(?:\w+[^\w]+){0,3}?)?"
        r"(?:пресс-секретар\w*|баспасөз хатшы\w*|press secretary|spokes(?:man|person))"
    )
)
"""The President's press secretary (and his title of adviser) as the source of the news."""
NAZARBAYEV = words(r"назарбаев\w*", r"nazarbayev\w*", r"nazarbaev\w*")
TOKAYEV = words(r"токаев\w*", r"тоқаев\w*", r"tokayev\w*", r"toqayev\w*", r"tokaev\w*")
"""The two Presidents by name: an article that names only the first is of his time."""
AKIM_SAYS = words(
    r"said",
    r"noted",
    r"сказал\w*",
    r"отметил\w*",
    r"деді",
    r"атап өтті",
    r"хабарла\w*",
    r"сообщил\w*",
    r"told",
)
"""Speech verbs: an akim speaking counts as his report only beside the President being briefed."""
ON_SITE = words(
    r"reviewed",
    r"toured",
    r"inspected",
    r"surveyed",
    r"осмотрел\w*",
    r"объехал\w*",
    r"аралады",
    r"аралап",
)
"""The President looking at things where they are: a briefing there is part of a trip."""
RECAP = words(
    r"напомним",
    r"ранее",
    r"как сообщалось",
    r"бұған дейін",
    r"еске сала кетеиік",
    r"айта кетеиік",
    r"earlier",
    r"previously",
    r"as reported",
    r"recall",
)
"""A sentence recalling earlier news: evidence of a meeting only after the news itself."""
DISCIPLINE = words(
    r"выговор\w*",
    r"замечани\w*",
    r"дисциплинар\w*",
    r"неполном служебном соответствии",
    r"сөгіс\w*",
    r"ескерту",
    r"тәртіптік жаза\w*",
    r"reprimand\w*",
    r"disciplinary",
    r"disciplined",
)
"""A disciplinary act: the President acts on an akim, they do not meet."""
# The President by title, by name or both: as the one whose instructions ("поручения Президента
# Касым-Жомарта Токаева", "Тоқаевтың тапсырмасы", "Tokayev's instructions"), or as the one who
# gave them ("поручения, данные Президентом", "Президент берген тапсырмалар", "given by").
_NAME_GEN = r"(?:касым-жомарта |к\. ?)?токаева"
_NAME_BY = r"(?:касым-жомартом |к\. ?)?токаевым"
_NAME_RU = r"(?:касым-жомарт |к\. ?)?токаев"
_NAME_KK = r"(?:қасым-жомарт |қ\. ?)?тоқаев"
_NAME_EN = r"(?:kassym-jomart |qasym-jomart |[kq]\. ?)?(?:tokayev|toqayev|tokaev)"
_HIS = (
    r"(?:(?:главы государства|главы страны|президента(?: страны| рк| казахстана)?)"
    rf"(?: {_NAME_GEN})?|{_NAME_GEN})"
)
_BY = rf"(?:(?:президентом|главой государства|главой страны)(?: {_NAME_BY})?|{_NAME_BY})"
_GIVEN = r"(?:данн|поставленн|озвученн|высказанн|обозначенн|сформулированн)\w*"
_HE_RU = rf"(?:(?:президент|глава государства|глава страны)(?: {_NAME_RU})?|{_NAME_RU})"
_GAVE_RU = r"(?:дал|поставил|озвучил|обозначил|высказал|определил|сформулировал)\w*"
_WHICH_RU = rf"котор\w+ (?:{_HE_RU} (?:\w+ )?{_GAVE_RU}|{_GAVE_RU} (?:\w+ )?{_HE_RU})"
_HE_KK = rf"(?:(?:мемлекет басшысы|президент)(?: {_NAME_KK})?|{_NAME_KK})"
_HIS_KK = (
    rf"(?:(?:(?:мемлекет басшысы|президент) )?{_NAME_KK}тың|"
    r"мемлекет басшысының|президенттің|елбасының)"
)
_GIVEN_KK = r"(?:берген|жүктеген|қойған|айтқан|белгілеген)"
_HIS_EN = rf"(?:the )?(?:(?:head of (?:the )?state|president)(?:,? {_NAME_EN})?|{_NAME_EN})"
_HIS_EN_POSS = (
    rf"(?:(?:(?:the )?(?:head of state|president) )?{_NAME_EN}|head of state|president)'s"
)
_GAVE_EN = r"(?:gave|had given|has given|set|issued|voiced|announced)"
_ORDERS = r"(?:поручени|задач|послани|указани|установк|инициатив)\w*"
_ORDERS_KK = r"(?:тапсырма|жолдау|нұсқау|нұсқама|бастама|міндет)\w*"
_ORDERS_EN = r"(?:instructions?|orders?|tasks?|address|message|initiatives?)"
_IZAFET_KK = r"(?:президент|мемлекет басшысы) (?:тапсырма(?:сы|лары)|жолдауы|бастамасы|нұсқауы)\w*"
_FROM_EN = r"(?:of|from|(?:given|set|set out|outlined|issued|voiced|announced) by)"
_ORDER_PHRASES = (
    rf"{_ORDERS} {_HIS}",  # поручения Главы государства (Касым-Жомарта Токаева)
    rf"{_ORDERS},? {_GIVEN} (?:\w+ ){{0,2}}{_BY}",  # поручения, данные Президентом
    rf"{_ORDERS},? {_WHICH_RU}",  # задачи, которые поставил Президент
    rf"{_HIS_KK} (?:(?!кездес|қабылда)\w+ ){{0,3}}{_ORDERS_KK}",  # Тоқаевтың тапсырмасы
    rf"{_HE_KK} {_GIVEN_KK} (?:\w+ ){{0,2}}{_ORDERS_KK}",  # Президент берген тапсырмалар
    _IZAFET_KK,  # Президент тапсырмасы
    rf"{_ORDERS_EN} {_FROM_EN} {_HIS_EN}",  # the instructions of President Tokayev
    rf"on behalf of {_HIS_EN}",
    rf"instructed by {_HIS_EN}",
    rf"{_ORDERS_EN} (?:that |which )?{_HIS_EN} {_GAVE_EN}",  # the tasks the President set
    rf"{_HIS_EN_POSS} (?:\w+ )?(?:instructions?|orders?|tasks?|address|initiatives?)",
)
PRES_ORDER = re.compile(fold(rf"(?<![\w-])(?:{'|'.join(_ORDER_PHRASES)})(?![\w-])"))
"""The President's instructions, address or initiative, whether he is named by title or by name
(or gave them, or they are his by possessive): he is not in the scene."""
MEDIUM = words(
    r"в своем (?:посте|аккаунте|телеграм-канале|телеграм\w*|микроблоге|твиттере|обращении)",
    r"на своей странице",
    r"в социальн\w+ сет\w+",
    r"в соцсет\w+",
    r"твит\w*",
    r"өз парақшасында",
    r"парақшасында",
    r"әлеуметтік желі\w*",
    r"his (?:post|tweet|telegram|twitter|x|facebook|instagram)\w*",
    r"in a post",
    r"tweet\w*",
    r"on (?:his )?(?:social media|twitter|telegram|instagram)",
    r"интервью",
    r"сұхбат\w*",
    r"interview\w*",
    r"послани\w*",
    r"жолдау\w*",
    r"address to the (?:nation|people)",
    r"state of the nation address",
)
"""The President speaking through his own post, an interview or his Address: instructions
and praise there are no meeting."""
OTHER_PRESIDENT_AFTER = re.compile(
    fold(
        r"\s+(?:of\s+(?:the\s+)?"
        r"(?!kazakhstan|qazaqstan|the republic|republic|rk(?![\w-])|country|the country)\w|"
        r"(?:компани|академи|федераци|ассоциаци|союз|палат|банк|фонд|клуб|университет|корпораци|"
        r"холдинг|национальн|олимпийск|нок|ассамбле|общественн|группы)\w*)"
    )
)
OTHER_PRESIDENT_BEFORE = re.compile(
    fold(
        r"(?<![\w-])(?!республикасының|қазақстанның|қазақстан|еліміздің|елдің|мемлекеттің)"
        r"\w+(?:ның|нің|дың|дің|тың|тің)\s+$"
    )
)
"""A president of something else: "President of the Academy", "президент федерации",
"федерациясының президенті"."""
