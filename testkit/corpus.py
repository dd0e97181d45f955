"""A large synthetic Kazinform corpus for backfill benchmarks, and meeting articles made to order.

:class:`CorpusSite` serves the same pages as :class:`KazinformSite` with an index instead of linear
scans and five related links per article (the stock replica links every article of the language,
which is fine for 23 articles and quadratic for thousands). The shipped replica data is untouched.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from replicas.articles import ReplicaArticle
from sources.kazinform.replica import KazinformSite

TOPICS = ("экономика", "образование", "спорт", "культура", "транспорт", "здравоохранение")
REGIONS = (
    ("Карагандинской", "Ермаганбета Булекпаева"),
    ("Павлодарской", "Асаина Байханова"),
    ("Акмолинской", "Марата Ахметжанова"),
    ("Костанайской", "Кумара Аксакалова"),
    ("Туркестанской", "Дархана Сатыбалды"),
    ("Жамбылской", "Ербола Карашукеева"),
    ("Мангистауской", "Нурдаулета Килыбая"),
    ("Атырауской", "Серика Шапкенова"),
)


def synthetic_articles(
    count: int, now: datetime | None = None, step_minutes: int = 10, language: str = "ru"
) -> list[ReplicaArticle]:
    """``count`` ordinary news articles, one every ``step_minutes`` back from ``now``, newest
    first, with distinct 8-hex ids."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    return [
        ReplicaArticle(
            id=f"{0xB0000000 + n:08x}",
            language=language,
            slug=f"novost-{TOPICS[n % len(TOPICS)]}-{n}",
            title=f"Новость дня № {n}: {TOPICS[n % len(TOPICS)]}",
            lead=f"Краткое содержание новости номер {n}.",
            paragraphs=[
                f"Абзац {k} новости {n} о теме «{TOPICS[n % len(TOPICS)]}»." for k in range(4)
            ],
            published=now - timedelta(minutes=step_minutes * n + 1),
        )
        for n in range(count)
    ]


def meeting_article(number: int, published: datetime | None = None) -> ReplicaArticle:
    """A new reception of an akim (region ``number`` modulo 8), published now."""
    region, akim = REGIONS[number % len(REGIONS)]
    return ReplicaArticle(
        id=f"{0xC0000000 + number:08x}",
        language="ru",
        slug=f"glava-gosudarstva-prinyal-akima-{number}",
        title=f"Глава государства принял акима {region} области",
        lead=f"Касым-Жомарт Токаев принял акима {region} области {akim}.",
        paragraphs=["Президенту доложили о социально-экономическом развитии региона."],
        published=(published or datetime.now(UTC)).replace(microsecond=0),
    )


class CorpusSite(KazinformSite):
    """Kazinform replica for thousands of articles: indexed lookups, a short related list."""

    def __init__(self, articles: list[ReplicaArticle], page_size: int = 24) -> None:
        super().__init__(page_size=page_size)
        self.articles = sorted(articles, key=lambda a: a.published, reverse=True)
        self._reindex()

    def _reindex(self) -> None:
        self._by_language = {
            lang: [a for a in self.articles if a.language == lang] for lang in ("ru", "kk", "en")
        }
        self._by_id = {(a.id, a.language): a for a in self.articles}

    def add(self, article: ReplicaArticle) -> None:
        """Publish one more article (it appears on the first listing page)."""
        self.articles.insert(0, article)
        self._reindex()

    def in_language(self, language: str) -> list[ReplicaArticle]:
        """Articles of one language, newest first (precomputed)."""
        return self._by_language.get(language, [])

    def _find(self, path: str, language: str) -> ReplicaArticle | None:
        ident = path.rsplit("-", 1)[-1].rsplit("_a", 1)[-1]
        return self._by_id.get((ident, language))

    def _related(self, article: ReplicaArticle) -> str:
        items = self.in_language(article.language)[:6]
        return "".join(
            f'<li><a href="{self.path_of(a)}">{a.title}</a></li>' for a in items if a is not article
        )
