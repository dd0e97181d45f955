"""Word patterns of the rules, in Russian, Kazakh (Cyrillic; other scripts are transliterated)
and English, compiled once on folded text."""

from __future__ import annotations

import re

from crawler.detect.gazetteer import branch_regex, split_top
from crawler.detect.normalize import fold


def words(*alternatives: str) -> re.Pattern[str]:
    """A compiled alternation of whole-word patterns (folded) in any of the languages."""
    parts = [("", part) for a in alternatives for part in split_top(fold(a))]
    return branch_regex(parts, suffix=r"(?![\w-])")


FOREIGN_WORDS = (
    r"росси|турци|узбекистан|кыргыз|киргиз|таджик|туркмен|азербаид|беларус|белорус|китая|кнр|"
    r"сша|франци|германи|монгол|ресеи|өзбекстан|қырғыз|russia|turkey|türkiye|uzbek|kyrgyz|"
    r"tajik|turkmen|azerbaijan|belarus|china|mongolia|france|germany|the us\b|united states"
)
_FOREIGN = f"(?:{FOREIGN_WORDS})"
# The President as subject (nominative; in English any non-possessive mention).
PRES_NOM = words(
    r"токаев",
    r"тоқаев",
    r"глава государства",
    r"глава страны",
    r"мемлекет басшы(?:сы|мыз)",
    r"президенті",
    rf"президент(?!\s+{_FOREIGN})",
    r"tokayev(?!'s)",
    r"toqayev(?!'s)",
    r"head of (?:the )?state(?!'s)",
    rf"president(?<!vice president)(?!'s)(?!\s+of\s+(?:the\s+)?{_FOREIGN})",
)
# The President as recipient of a report or as the one met ("to the President", "Президенту").
PRES_OBL = words(
    r"президенту",
    r"главе (?:государства|страны)",
    r"токаеву",
    r"касым-жомарту",
    r"президентом",
    r"главой государства",
    r"президентке",
    r"президентті",
    r"президентпен",
    r"мемлекет басшысына",
    r"мемлекет басшысымен",
    r"мемлекет басшысын",
    r"тоқаевқа",
    r"тоқаевты",
    r"тоқаевпен",
    r"главу (?:государства|страны)",
)
PRES_GEN_ACC = words(
    r"президента",
    r"токаева",
    r"президенттің",
    r"мемлекет басшысының",
    r"тоқаевтың",
    r"president's",
    r"tokayev's",
    r"head of state's",
)
"""The President in the genitive or accusative ("the President's trip", "met the President")."""
# Other actors that take the President's place as subject.
OTHER_ACTOR = words(
    r"президент әкімшілігі\w*",
    r"президент кеңесшісі",
    r"президенттің (?:кеңесшісі|көмекшісі)",
    r"президент көмекшісі",
    r"помощник",
    r"aide",
    r"премьер-министр",
    r"премьер",
    r"вице-премьер",
    r"заместитель премьер-министра",
    r"министр",
    r"госсоветник",
    r"государственный советник",
    r"руководитель администрации",
    r"глава администрации",
    r"советник",
    r"глава правительства",
    r"үкімет басшысы",
    r"мемлекеттік кеңесші",
    r"әкімшілігінің басшысы",
    r"кеңесші",
    r"prime minister",
    r"pm(?= (?:pays|holds|meets|visits|arrives|chairs|instructs|gives))",
    r"deputy prime minister",
    r"minister",
    r"state counsel+or",
    r"head of (?:the )?(?:presidential )?administration",
    r"chief of staff",
    r"advis[eo]r",
    r"head of (?:the )?government",
    r"speaker",
    r"председатель (?:сената|мажилиса)",
)
PRESS_SOURCE = re.compile(
    fold(
        r"(?<![\w-])(?:(?:помощник\w*|советник\w*|adviser|advisor|aide)[^\w]+(?:\w+[^\w]+){0,3}?)?"
        r"(?:пресс-секретар\w*|баспасөз хатшы\w*|press secretary|spokes(?:man|person))"
    )
)
"""The President's press secretary (and his title of adviser) as the source of the news."""
FIRST_PRESIDENT = words(
    r"назарбаев\w*",
    r"елбасы\w*",
    r"первы\w+ президент\w*",
    r"тұңғыш президент\w*",
    r"nazarbayev\w*",
    r"elbasy",
    r"first president",
    r"путин\w*",
    r"putin",
    rf"президент\w* {_FOREIGN}\w*",
)
NAZARBAYEV = words(r"назарбаев\w*", r"nazarbayev\w*", r"nazarbaev\w*")
TOKAYEV = words(r"токаев\w*", r"тоқаев\w*", r"tokayev\w*", r"toqayev\w*", r"tokaev\w*")
"""The two Presidents by name: an article that names only the first is of his time."""
RECEIVE = words(
    r"принял\w*(?! (?:участи|отставк|решени|закон|мер|поправк|программ|постановлени|указ))",
    r"принимает",
    r"провел\w* (?:\w+ ){0,2}встреч\w*",
    r"встретил\w*",
    r"встреч(?!аться)\w+ с",
    r"қабылда\w*",
    r"кездес\w*",
    r"received",
    r"receives?",
    r"receiving",
    r"met",
    r"meets?",
    r"h(?:eld|ave|old|olds|ad) (?:a |an |separate |series of |\w+ ){0,3}meetings?",
)
DISCUSS = words(
    r"discuss\w*",
    r"обсудил\w*",
    r"обсуждал\w*",
    r"talked",
    r"talks",
    r"сөйлес\w*",
    r"талқыла\w*",
)
"""Talking verbs: a meeting only when the article tells of no phone call."""
REPORT = words(
    r"заслушал\w*",
    r"доложил\w*",
    r"доложено",
    r"доклад\w*",
    r"отчитал\w*",
    r"отчет\w*",
    r"представил\w*",
    r"представлен\w*",
    r"рассказал\w*",
    r"проинформирова\w*",
    r"информировал\w*",
    r"ознакомил\w*",
    r"баянда\w*",
    r"таныстыр\w*",
    r"таныс\w*",
    r"есеп\w*",
    r"тыңдады",
    r"мәлімет бер\w*",
    r"reported",
    r"was told",
    r"were told",
    r"reports? (?:to|on|of|by)",
    r"report",
    r"briefed",
    r"informed",
    r"presented",
    r"heard",
    r"listened",
    r"familiari[sz]ed",
    r"acquainted",
)
AKIM_SAYS = words(
    r"said",
    r"noted",
    r"сказал\w*",
    r"отметил\w*",
    r"деді",
    r"атап өтті",
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
ACCOMPANY = words(
    r"встрети\w*",
    r"встречал\w*",
    r"сопровожда\w*",
    r"вместе с",
    r"күтіп ал\w*",
    r"қарсы ал\w*",
    r"бірге",
    r"accompan\w*",
    r"welcomed",
    r"greeted",
)
INSTRUCT = words(
    r"поручил\w*",
    r"поручени\w*",
    r"поставил\w* (?:\w+ )?задач\w*",
    r"похвалил\w*",
    r"тапсыр\w*",
    r"instruct\w*",
    r"tasked",
    r"assign\w*",
)
TRIP = words(
    r"рабоч\w+ поездк\w*",
    r"рабоч\w+ визит\w*",
    r"прибыл\w*",
    r"прилетел\w*",
    r"вылетел\w*",
    r"посетил\w*",
    r"съездил\w*",
    r"жұмыс сапар\w*",
    r"сапары\w*",
    r"барды",
    r"барып",
    r"келді",
    r"келіп",
    r"побывал\w*",
    r"working (?:trip|visit)\w*",
    r"arrived",
    r"arrives",
    r"visits",
    r"visited",
    r"toured",
    r"landed",
    r"встреч\w* с общественностью",
    r"встреч\w* с жителями",
    r"жұртшылығымен кездес\w*",
    r"met with (?:the )?(?:public|residents)",
    r"meeting with (?:the )?(?:public|residents)",
)
TRIP_BACKGROUND = words(
    r"в ходе (?:рабочей )?поездки",
    r"во время (?:рабочей )?поездки",
    r"в рамках (?:рабочей )?поездки",
    r"during (?:his |the |a )?(?:working )?(?:trip|visit)",
    r"сапары барысында",
)
FUTURE = words(
    r"посетит",
    r"прибудет",
    r"приедет",
    r"совершит",
    r"намерен\w*",
    r"планирует",
    r"планах",
    r"собирается",
    r"отправится",
    r"будет",
    r"барады",
    r"барамын",
    r"бармақ",
    r"жоспарла\w*",
    r"will",
    r"plans? to",
    r"planned",
    r"is to",
    r"is expected",
    r"to visit",
    r"to pay",
    r"анонсировал\w*",
    r"должн\w*",
    r"тиіс",
    r"керек",
    r"should",
    r"must",
    r"needs? to",
)
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
TODAY = words(r"сегодня", r"бүгін", r"today")
PHONE = words(r"телефон\w*", r"phone", r"telephone", r"by phone", r"over (?:the )?phone")
GOV_SESSION = words(
    r"заседани\w+ правительства",
    r"government (?:session|meeting)",
    r"cabinet (?:session|meeting)",
    r"үкімет\w* (?:кеңейтілген )?отырыс\w*",
    r"выговор\w*",
    r"сөгіс",
    r"reprimand\w*",
)
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
_HIS = r"(?:главы государства|главы страны|президента(?: страны| рк| казахстана)?)"
_HIS_KK = r"(?:мемлекет басшысының|президенттің|елбасының)"
_HIS_EN = r"(?:the )?(?:head of (?:the )?state|president)"
_ORDERS = r"(?:поручени|задач|послани|указани|установк|инициатив)\w*"
_ORDERS_KK = r"(?:тапсырма|жолдау|нұсқау|нұсқама|бастама|міндет)\w*"
_ORDERS_EN = r"(?:instructions?|orders?|tasks?|address|message|initiatives?)"
_IZAFET_KK = r"(?:президент|мемлекет басшысы) (?:тапсырма(?:сы|лары)|жолдауы|бастамасы|нұсқауы)\w*"
PRES_ORDER = re.compile(
    fold(
        rf"(?<![\w-])(?:{_ORDERS} {_HIS}|{_HIS_KK} (?:\w+ ){{0,2}}{_ORDERS_KK}|{_IZAFET_KK}|"
        rf"{_ORDERS_EN} (?:of|from|given by|set by) {_HIS_EN}|on behalf of {_HIS_EN}|"
        r"(?:head of state's|president's) (?:instructions?|orders?|tasks?|address|initiatives?))"
        r"(?![\w-])"
    )
)
"""The President's instructions, address or initiative: he is not in the scene."""
COLLECTIVE = words(
    r"совещани\w*",
    r"заседани\w*",
    r"видеоконференц\w*",
    r"селектор\w*",
    r"кеңес\w*",
    r"жиын\w*",
    r"отырыс\w*",
    r"session",
    r"videoconference",
    r"video conference",
    r"conference call",
    r"chairs?",
    r"chaired",
)
SEPARATE = words(
    r"отдельн\w+",
    r"поочередно",
    r"жеке-жеке",
    r"кезекпен",
    r"separate\w*",
    r"series of meetings",
    r"one after another",
    r"in turn",
    r"по очереди",
    r"бірінен кейін бірі",
    r"бірінен соң бірі",
    r"кезек-кезек",
    r"кезектесіп",
    r"принял акимов",
    r"receives? (?:the )?(?:akims|governors)",
    r"received (?:the )?(?:akims|governors)",
)
