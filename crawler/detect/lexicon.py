"""Word patterns of the rules, in Russian, Kazakh (Cyrillic; other scripts are transliterated)
and English, compiled once on folded text."""

from __future__ import annotations

import re

from crawler.detect.gazetteer import branch_regex, split_top
from crawler.detect.normalize import fold


def _re(*alternatives: str) -> re.Pattern[str]:
    parts = [("", part) for a in alternatives for part in split_top(fold(a))]
    return branch_regex(parts, suffix=r"(?![\w-])")


_FOREIGN_WORDS = (
    r"росси|турци|узбекистан|кыргыз|киргиз|таджик|туркмен|азербаид|беларус|белорус|китая|кнр|"
    r"сша|франци|германи|монгол|ресеи|өзбекстан|қырғыз|russia|turkey|türkiye|uzbek|kyrgyz|"
    r"tajik|turkmen|azerbaijan|belarus|china|mongolia|france|germany|the us\b|united states"
)
_FOREIGN = f"(?:{_FOREIGN_WORDS})"
# The President as subject (nominative; in English any non-possessive mention).
PRES_NOM = _re(
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
PRES_OBL = _re(
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
PRES_GEN_ACC = _re(r"президента", r"токаева")
# Other actors that take the President's place as subject.
OTHER_ACTOR = _re(
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
FIRST_PRESIDENT = _re(
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
RECEIVE = _re(
    r"принял\w*",
    r"принимает",
    r"провел\w* (?:\w+ ){0,2}встреч\w*",
    r"встретил\w*",
    r"встреч\w+ с",
    r"қабылда\w*",
    r"кездес\w*",
    r"received",
    r"receives?",
    r"receiving",
    r"met",
    r"meets?",
    r"held (?:a |separate |series of )*meetings?",
    r"have (?:a |separate |series of )*meetings?",
    r"hold (?:a |separate |series of )*meetings?",
    r"discuss\w*",
    r"обсудил\w*",
    r"talked",
)
REPORT = _re(
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
ACCOMPANY = _re(
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
INSTRUCT = _re(
    r"поручил\w*",
    r"поручени\w*",
    r"поставил\w* (?:\w+ )?задач\w*",
    r"похвалил\w*",
    r"тапсыр\w*",
    r"instruct\w*",
    r"tasked",
    r"assign\w*",
)
TRIP = _re(
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
    r"келді",
    r"working (?:trip|visit)\w*",
    r"arrived",
    r"visited",
    r"toured",
    r"landed",
    r"встреч\w* с общественностью",
    r"встреч\w* с жителями",
    r"жұртшылығымен кездес\w*",
    r"met with (?:the )?(?:public|residents)",
    r"meeting with (?:the )?(?:public|residents)",
)
TRIP_BACKGROUND = _re(
    r"в ходе (?:рабочей )?поездки",
    r"во время (?:рабочей )?поездки",
    r"в рамках (?:рабочей )?поездки",
    r"during (?:his |the |a )?(?:working )?(?:trip|visit)",
    r"сапары барысында",
)
FUTURE = _re(
    r"посетит",
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
TODAY = _re(r"сегодня", r"бүгін", r"today")
PHONE = _re(r"телефон\w*", r"phone", r"telephone", r"by phone", r"over (?:the )?phone")
GOV_SESSION = _re(
    r"заседани\w+ правительства",
    r"government (?:session|meeting)",
    r"cabinet (?:session|meeting)",
    r"үкімет\w* (?:кеңейтілген )?отырыс\w*",
    r"выговор\w*",
    r"сөгіс",
    r"reprimand\w*",
)
COLLECTIVE = _re(
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
SEPARATE = _re(
    r"отдельн\w+",
    r"поочередно",
    r"жеке-жеке",
    r"кезекпен",
    r"separate\w*",
    r"series of meetings",
    r"принял акимов",
    r"receives? (?:the )?(?:akims|governors)",
    r"received (?:the )?(?:akims|governors)",
)

AKIM = _re(
    r"аким(?:а|у|ом|е|ы|ов|ам|ами|ах)?",
    r"әкім(?!шіл|дік|шілік)\w*",
    r"akim(?:s|'s)?",
    r"governor(?:s|'s)?",
    r"mayor(?:s|'s)?",
    r"глав\w* (?:региона|области|регионов|областей)",
    r"руководител\w* (?:региона|области|регионов|областей)",
    r"өңір басшы\w*",
    r"аимақ басшы\w*",
    r"облыс басшы\w*",
    r"head of the region",
)
PLURAL = re.compile(
    r"^(?:акимы|акимов|акимам|акимами|акимах|әкімдер\w*|akims|governors|mayors|"
    r"глав\w* (?:регионов|областей)|руководител\w* (?:регионов|областей))$"
)
FOREIGN_REGION = _re(
    r"губернатор\w*",
    *(w + r"\w*" for w in _FOREIGN_WORDS.split("|")),
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
)
EXCLUDE_BEFORE = re.compile(
    fold(
        r"(?<![\w-])(?:бывш\w*|экс-|former|ex-|бұрынғы|заместител\w*|зам|орынбасар\w*|deputy|vice|"
        r"first deputy|временно исполняющ\w* обязанности|acting|район\w*|сельск\w*|поселк\w*|"
        r"аудан\w*|ауыл\w*|ауылдық округ\w*|кент\w*|district|village|rural|town)"
        r"[\s,]*(?:\w+\s+)?$"
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
DECREE = _re(
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
