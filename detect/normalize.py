"""Text normalisation: HTML stripping, script detection, transliteration and case folding.

Everything the rules match is first brought to one folded form: lowercase Cyrillic for Russian
and Kazakh (Kazakh written in the Latin or Arabic alphabets is transliterated to Cyrillic),
lowercase Latin for English, with ``ё -> е`` and ``й -> и`` so that transliteration ambiguity
does not matter.
"""

from __future__ import annotations

import html
import re

MAX_CHARS = 60_000
"""Only the first characters of a text are analysed: an article's lead is always within them."""

_DROPPED = re.compile(
    r"<(script|style|noscript|template|iframe|figure|figcaption)\b[^>]*>.*?</\1\s*>", re.I | re.S
)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:br|p|div|li|h\d|tr|blockquote|section|article)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]{0,400}>")
_HAS_TAG = re.compile(r"<[a-zA-Z/!][^>]{0,400}>")

_FOLD = str.maketrans(
    {
        "ё": "е",
        "й": "и",
        "\u00ad": None,
        "\u2011": "-",
        "\u2010": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "’": "'",
        "ʼ": "'",
        "`": "'",
    }
)

# Kazakh Latin, 2018 alphabet (acute accents) as used by qz.inform.kz and egemen.kz.
_KK_LATIN_2018 = {
    "sh": "ш", "ch": "ч", "á": "ә", "ǵ": "ғ", "ń": "ң", "ó": "ө", "ú": "ү", "ý": "у",
    "ı": "и", "i": "і", "y": "ы", "u": "ұ", "a": "а", "b": "б", "d": "д", "e": "е",
    "f": "ф", "g": "г", "h": "х", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н",
    "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с", "t": "т", "v": "в", "z": "з",
    "c": "ц", "w": "у", "x": "х",
}  # fmt: skip
# Kazakh Latin, 2021 alphabet (umlauts and breves) and the 2017 apostrophe alphabet.
_KK_LATIN_2021 = {
    **_KK_LATIN_2018,
    "ä": "ә", "ğ": "ғ", "ñ": "ң", "ö": "ө", "ü": "ү", "ū": "ұ", "ş": "ш", "ç": "ч",
    "ı": "ы", "i": "і", "y": "и", "u": "у",
}  # fmt: skip
_KK_LATIN_2017 = {
    **_KK_LATIN_2021,
    "a'": "ә", "g'": "ғ", "n'": "ң", "o'": "ө", "u'": "ү", "s'": "ш", "c'": "ч", "i'": "и",
    "y'": "ұ", "y": "ы", "u": "у", "i": "і",
}  # fmt: skip
_LATIN_2018_MARKS = re.compile("[áǵńóúýı]")
_LATIN_2021_MARKS = re.compile("[äğñöüūş]")
_LATIN_2017_MARKS = re.compile(r"(?<=[aguosicny])'(?=[a-z])(?!(?:s|t|re|ll|ve|d|m)\b)")


def _latin_translator(table: dict[str, str]) -> re.Pattern[str]:
    keys = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


_LATIN_TABLES = [
    (t, _latin_translator(t)) for t in (_KK_LATIN_2018, _KK_LATIN_2021, _KK_LATIN_2017)
]
KAZAKH_LATIN_VARIANTS = tuple(range(len(_LATIN_TABLES)))
"""The Kazakh Latin alphabets ``transliterate`` reads (2018, 2021, 2017)."""

# Kazakh in the Arabic (tote) alphabet: hamza or the letters k/g mark a front-vowel word.
_TOTE_BACK = {
    "ا": "а", "ە": "е", "و": "о", "ۇ": "ұ", "ى": "ы", "ي": "и", "ۋ": "у", "ب": "б", "ۆ": "в",
    "گ": "г", "ع": "ғ", "د": "д", "ج": "ж", "ز": "з", "ك": "к", "ق": "қ", "ل": "л", "م": "м",
    "ن": "н", "ڭ": "ң", "پ": "п", "ر": "р", "س": "с", "ت": "т", "ف": "ф", "ح": "х", "ھ": "һ",
    "چ": "ч", "ش": "ш", "ء": "", "،": ",", "؛": ";", "؟": "?", "ٴ": "",
}  # fmt: skip
_TOTE_FRONT = {**_TOTE_BACK, "ا": "ә", "و": "ө", "ۇ": "ү", "ى": "і"}
_TOTE_BACK_T = str.maketrans(_TOTE_BACK)
_TOTE_FRONT_T = str.maketrans(_TOTE_FRONT)
_TOTE_WORD = re.compile("[\u0600-\u06ff\u0750-\u077f]+")
_TOTE_FRONT_MARK = re.compile("[ءٴكگ]")

_CYR = re.compile("[а-яёәғқңөұүһі]", re.I)
_KK_CYR = re.compile("[әғқңөұүһі]", re.I)
_LAT = re.compile("[a-z]", re.I)
_ARABIC = re.compile("[\u0600-\u06ff]")


def strip_html(text: str) -> str:
    """HTML to text, the one routine for markup in a string (the detector's input, an API's
    article HTML): scripts, styles, figures and their captions removed, block boundaries kept
    as line breaks, entities decoded; text without markup passes through."""
    if "<" not in text and "&" not in text:
        return text
    if _HAS_TAG.search(text):
        text = _DROPPED.sub(" ", text)
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    return html.unescape(text)


def latin_variant(text: str) -> int | None:
    """Index of the Kazakh Latin alphabet the (lowercased) text is written in, or None."""
    letters = len(_LAT.findall(text[:4000]))
    if not letters:
        return None
    sample = text[:4000]
    if len(_LATIN_2021_MARKS.findall(sample)) >= 3:
        return 1
    if len(_LATIN_2018_MARKS.findall(sample)) >= 3:
        return 0
    if len(_LATIN_2017_MARKS.findall(sample)) >= 4:
        return 2
    return None


def detect_language(title: str, text: str) -> str:
    """Guess ``ru``, ``kk`` or ``en`` from the script of the title and text."""
    sample = (title + " " + text[:3000]).lower()
    cyr = len(_CYR.findall(sample))
    lat = len(_LAT.findall(sample))
    if len(_ARABIC.findall(sample)) > max(cyr, lat):
        return "kk"
    if cyr >= lat:
        return "kk" if len(_KK_CYR.findall(sample)) >= max(3, cyr // 100) else "ru"
    return "kk" if latin_variant(sample) is not None else "en"


_TOTE_YE = re.compile("(?<=[اەوۇى])يە")


def _tote_word(match: re.Match[str]) -> str:
    word = _TOTE_YE.sub("ە", match.group(0))
    table = _TOTE_FRONT_T if _TOTE_FRONT_MARK.search(word) else _TOTE_BACK_T
    return word.translate(table)


def transliterate(text: str, variant: int | None) -> str:
    """Bring lowercased Kazakh Latin (given its variant) and Arabic-script words to Cyrillic."""
    if variant is not None:
        table, pattern = _LATIN_TABLES[variant]
        text = pattern.sub(lambda m: table[m.group(0)], text)
    if _ARABIC.search(text):
        text = _TOTE_WORD.sub(_tote_word, text)
    return text


def fold(text: str, variant: int | None = None) -> str:
    """Lowercase, transliterate and fold a text for matching."""
    return transliterate(text.lower(), variant).translate(_FOLD)
