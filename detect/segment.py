"""Splitting a page into the article's main sentences, leaving page boilerplate out.

Boilerplate (menus, currency rates, related and popular news lists, tag clouds) comes as short
headline-like lines without a sentence ending, or after a marker line such as "Related news".
Only prose lines are kept, and nothing after a boilerplate marker that follows the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SENTENCES = 60
MAX_SENTENCE_CHARS = 1500

_MARKER = re.compile(
    r"^\s*(related news|read also|read more|popular|most read|новости по теме|читайте также|"
    r"читайте новости по меткам|популярное|похожие новости|другие новости|теги|тэги|"
    r"тақырыпқа қатысты|ұқсас жаңалықтар|оқи отырыңыз|танымал|author|автор|subscribe|"
    r"source\s*:|источник\s*:)\b",
    re.I,
)
_TERMINAL = re.compile(r"[.!?…»\"“”)\]:;]\s*$")
_SENT_END = re.compile(r"[.!?…]")
_SPLIT = re.compile(r"(?<=[.!?…])[»\"”]?\s+(?=[«\"“(—–-]?\s*[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9\u0600-\u06ff])")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_ABBREVIATION = re.compile(
    r"(?<![\w])(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|mr|mrs|ms|dr|st|no)\.$", re.I
)
"""A piece ending in one of these ("Oct.", "Mr.") runs on into the next."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article: its original text, position and whether it is the title."""

    text: str
    index: int
    is_title: bool = False


def _is_prose(line: str) -> bool:
    words = line.count(" ") + 1
    if _TERMINAL.search(line) and words >= 6:
        return True
    return len(line) >= 200 and len(_SENT_END.findall(line)) >= 2


def main_lines(text: str) -> list[str]:
    """The prose lines of a page, stopping at a boilerplate marker after the article."""
    kept: list[str] = []
    for raw in text.split("\n"):
        line = _SPACE.sub(" ", raw).strip()
        if not line:
            continue
        if kept and _MARKER.match(line):
            break
        if _is_prose(line):
            kept.append(line)
    return kept


def split_sentences(line: str) -> list[str]:
    """Split a prose line into sentences (capped in length)."""
    out: list[str] = []
    for piece in _SPLIT.split(line):
        if not piece.strip():
            continue
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [s[:MAX_SENTENCE_CHARS] for s in out]


def sentences(title: str, text: str) -> list[Sentence]:
    """The title (if any) followed by the article's main sentences."""
    out: list[Sentence] = []
    title = _SPACE.sub(" ", title.replace("\n", " ")).strip()
    if title:
        out.append(Sentence(title[:MAX_SENTENCE_CHARS], 0, True))
    for line in main_lines(text):
        for sent in split_sentences(line):
            if sent == title:
                continue
            out.append(Sentence(sent, len(out)))
            if len(out) > MAX_SENTENCES:
                return out
    return out
