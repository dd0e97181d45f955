"""Names put in the nominative: Russian with pymorphy3 (every word of the name read in one case
and gender), Kazakh by removing the case ending of its last word (with vowel harmony, in the
Cyrillic and Latin alphabets), English by dropping a possessive ``'s``.
"""

from __future__ import annotations

import re
from functools import cache

import pymorphy3

CASES = ("nomn", "gent", "accs", "datv", "ablt", "loct")
"""Russian cases in order of preference when a name reads as several."""
GENDERS = ("masc", "femn")
"""Genders in order of preference (most akims are men)."""

_SURNAME_STEMS = ("ов", "ев", "ин", "ын")
_SURNAME_MASC = {"gent": "а", "accs": "а", "datv": "у", "ablt": "ым", "loct": "е"}
_SURNAME_FEMN = {"gent": "ой", "accs": "у", "datv": "ой", "ablt": "ой", "loct": "ой"}
_NAME_MASC = {
    "gent": (("я", "й"), ("а", "")),
    "accs": (("я", "й"), ("а", "")),
    "datv": (("ю", "й"), ("у", "")),
    "ablt": (("ем", "й"), ("ом", "")),
    "loct": (("е", ""),),
}
_NAME_FEMN = {
    "gent": (("ы", "а"), ("и", "а")),
    "accs": (("у", "а"), ("ю", "я")),
    "datv": (("е", "а"),),
    "ablt": (("ой", "а"), ("ей", "я")),
    "loct": (("е", "а"),),
}


def _ending_table() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """(case, gender) -> (ending written, ending of the nominative), longest first."""
    table = {}
    for case in CASES[1:]:
        masc = [(stem + _SURNAME_MASC[case], stem) for stem in _SURNAME_STEMS]
        femn = [(stem + _SURNAME_FEMN[case], stem + "а") for stem in _SURNAME_STEMS]
        table[(case, "masc")] = (*masc, *_NAME_MASC[case])
        table[(case, "femn")] = (*femn, *_NAME_FEMN[case])
    return table


_RU_ENDINGS = _ending_table()
_RU_VOWEL_END = re.compile("[аеёиоуыэюя]$")
_RU_SURNAME = re.compile("(?:ов|ев|ёв|ин|ын)$")
_RU_ABLATIVE = re.compile("(?:ом|ем|ым|им|ой)$")

_KK_BACK = frozenset("аоұыуя")
_KK_FRONT = frozenset("әөүіеиэ")
_KK_SEMIVOWELS = frozenset("иу")
_KK_SUFFIXES_BACK = (
    "ның", "дың", "тың", "дан", "тан", "нан", "мен", "бен", "пен",
    "ты", "ды", "ны", "ға", "қа", "на", "да", "та",
)  # fmt: skip
_KK_SUFFIXES_FRONT = (
    "нің", "дің", "тің", "ден", "тен", "нен", "мен", "бен", "пен",
    "ті", "ді", "ні", "ге", "ке", "не", "де", "те",
)  # fmt: skip
_KK_RUSSIAN_STYLE = re.compile("(?:ов|ев|ова|ева|ин|ина|ұлы|улы|қызы)$")
_KK_PATRONYMIC = re.compile("(ұлы|улы|қызы|кызы)(?:н|на|не|нда|нде|нан|нен|ның|нің|мен)$")
"""Case endings after a patronymic surname's possessive (Серікқызын, Әбдіғалиұлына)."""
_KK_NAME_ENDINGS = re.compile("(?:балды|берді|болды|тұрды|алды|келді)$")
"""Kazakh names whose nominative ends like a case ending (Сатыбалды, Жанберді)."""

# Kazakh Latin (2017, 2018 and 2021 alphabets): the same endings, spelled in Latin.
_KK_LATIN_SUFFIX = re.compile(
    r"(?:n[iy][ńñ]g?|[dt][iy][ńñ]g?|n[iy]\b|[dt][iy]|[gǵğqk]'?[ae]|n[ae]|[mbp]en|"
    r"[dtn][ae]n|[dt][ae])$"
)
_KK_LATIN_RUSSIAN_STYLE = re.compile(r"(?:ov|ev|ova|eva|in|ina|uly|ūly|qyzy|qızı)$")
_LATIN_VOWELS = frozenset("aeiouyäáöóüúūı")
_POSSESSIVE = re.compile(r"['’]s$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@cache
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


def nominative(name: str, language: str) -> str:
    """A name written in any case, put in the nominative (``language`` of the text)."""
    words = _WORD.findall(name)
    if not words:
        return name.strip()
    if language == "en":
        return " ".join(_POSSESSIVE.sub("", w) for w in words)
    if language == "kk":
        return " ".join([*words[:-1], kazakh_nominative(words[-1])])
    return " ".join(russian_nominative(words))


def kazakh_nominative(word: str) -> str:
    """A Kazakh word (Cyrillic or Latin) with its case ending removed, if it has one."""
    low = word.lower()
    if re.search("[a-zäáğǵñńöóüúūış]", low):
        return _kazakh_latin(word, low)
    if _KK_NAME_ENDINGS.search(low):
        return word
    if match := _KK_PATRONYMIC.search(low):
        return word[: match.end(1)]
    for suffix in _KK_SUFFIXES_BACK + _KK_SUFFIXES_FRONT:
        stem = low[: -len(suffix)]
        if low.endswith(suffix) and _kazakh_stem_ok(stem, suffix):
            return word[: len(stem)]
    return word


def _kazakh_stem_ok(stem: str, suffix: str) -> bool:
    if len(stem) < 3:
        return False
    if _KK_RUSSIAN_STYLE.search(stem):
        return True
    if len(suffix) == 2 and (len(stem) < 4 or _blocks_short_suffix(stem[-1], suffix)):
        return False
    vowels = [ch for ch in stem if ch in _KK_BACK or ch in _KK_FRONT]
    if not vowels:
        return False
    back = vowels[-1] in _KK_BACK
    return suffix in (_KK_SUFFIXES_BACK if back else _KK_SUFFIXES_FRONT)


def _blocks_short_suffix(last: str, suffix: str) -> bool:
    """Whether a stem ending in ``last`` cannot take a two-letter ending: after a vowel it is
    н-, except after и and у (written for ий, ұу), which take the д-/ғ-/г- forms (Уәлиді)."""
    if last in _KK_SEMIVOWELS:
        return suffix[0] not in "дғг"
    return last in _KK_BACK | _KK_FRONT


def _kazakh_latin(word: str, low: str) -> str:
    match = _KK_LATIN_SUFFIX.search(low)
    if match is None:
        return word
    stem = low[: match.start()]
    if _KK_LATIN_RUSSIAN_STYLE.search(stem) or (len(stem) >= 4 and stem[-1] not in _LATIN_VOWELS):
        return word[: len(stem)]
    return word


def russian_nominative(words: list[str]) -> list[str]:
    """The words of a Russian-inflected name in the nominative, read in one case and gender."""
    readings = [_russian_readings(w) for w in words]
    genders = GENDERS[::-1] if len(words) > 1 and _female_name(words[0]) else GENDERS
    for gender in genders:
        for case in CASES:
            if all((case, gender) in r for r in readings):
                return [_like(w, r[(case, gender)]) for w, r in zip(words, readings, strict=True)]
    return [_like(w, _best_single(r, w, genders)) for w, r in zip(words, readings, strict=True)]


def _female_name(word: str) -> bool:
    """Whether pymorphy3 knows the word only as a woman's first name (Гульнару, Динары)."""
    genders = {p.tag.gender for p in _morph().parse(word.lower()) if "Name" in p.tag}
    return genders == {"femn"}


def _best_single(readings: dict[tuple[str, str], str], word: str, genders: tuple[str, ...]) -> str:
    for gender in genders:
        for case in CASES:
            if (case, gender) in readings:
                return readings[(case, gender)]
    return word.lower()


def _russian_readings(word: str) -> dict[tuple[str, str], str]:
    """(case, gender) -> the nominative: from Russian endings first, then an indeclinable reading
    of a word ending in a vowel (Сатыбалды, Абдыгали), then pymorphy3's analyses."""
    low = word.lower().replace("ё", "е")
    out: dict[tuple[str, str], str] = {}
    if _RU_SURNAME.search(low) or not (_RU_VOWEL_END.search(low) or _RU_ABLATIVE.search(low)):
        out[("nomn", "masc")] = low
    if low.endswith(("а", "я")):
        out[("nomn", "femn")] = low
    for key, endings in _RU_ENDINGS.items():
        for ending, nominative_ending in endings:
            stem = low[: -len(ending)]
            if low.endswith(ending) and len(stem) >= 2 and _fits(stem, ending):
                out.setdefault(key, stem + nominative_ending)
                break
    if low.endswith(("ы", "и", "о")):
        for key in ((case, gender) for case in CASES for gender in GENDERS):
            out.setdefault(key, low)
    for key, nominal in _pymorphy_readings(low):
        out.setdefault(key, nominal)
    return out


def _fits(stem: str, ending: str) -> bool:
    """A soft ending (-я, -ю, -ем) follows a vowel stem (Серге-я); others follow a consonant."""
    after_vowel = bool(_RU_VOWEL_END.search(stem))
    return after_vowel if ending in ("я", "ю", "ем") else not after_vowel


def _pymorphy_readings(low: str) -> list[tuple[tuple[str, str], str]]:
    out = []
    for parse in _morph().parse(low):
        tag = parse.tag
        if tag.POS != "NOUN" or tag.number == "plur" or tag.case not in CASES:
            continue
        grammemes = set(str(tag).replace(" ", ",").split(","))
        if not {"Name", "Surn"} & grammemes:
            continue
        nominal = parse.inflect({"nomn", "sing"})
        genders = GENDERS if "ms-f" in grammemes else (tag.gender,)
        out += [((tag.case, g), nominal.word) for g in genders if nominal and g in GENDERS]
    return out


def _like(original: str, word: str) -> str:
    """``word`` with the capitalisation of ``original`` (Title case for a name)."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
