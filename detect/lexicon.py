"""Word patterns of the rules, in Russian, Kazakh (Cyrillic; other scripts are transliterated)
and English, compiled once on folded text."""

from __future__ import annotations

import re

from detect.gazetteer import branch_regex, split_top
from detect.normalize import fold


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
MEET_WITH = words(
    r"встретил\w*ся",
    r"встреч\w+ с",
    r"на при[её]ме у",
    r"кездес\w*",
    r"қабылдауында\w*",
    r"met with",
    r"meeting with",
    r"was received by",
    r"were received by",
)
"""The akim meeting the President ("встретился с Главой государства", "Президенттің
қабылдауында болды"), the President not being the subject."""
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
    r"предстоящ\w*",
    r"алдағы",
    r"upcoming",
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
)
OBLIGATION = words(
    r"должен",
    r"должн\w*",
    r"тиіс",
    r"керек",
    r"should",
    r"must",
    r"needs? to",
)
"""What is to be done: a meeting still to come, unless the sentence tells of one that was held
("принял акима и отметил, что аким должен…", "қабылдап, … керек екенін айтты")."""
HELD_MEETING = words(
    r"принял(?! (?:участи|отставк|решени|закон|мер|поправк|программ|постановлени|указ))\w*",
    r"провел\w* (?:\w+ ){0,2}встреч\w*",
    r"встретил\w*",
    r"қабылдады",
    r"қабылдап",
    r"кездесті",
    r"кездесіп",
    r"received(?<!have received)",
    r"met(?<!have met)",
    r"held(?<!have held) (?:a |an |separate |\w+ ){0,3}meetings?",
)
"""A meeting told as held, in the past tense."""
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
