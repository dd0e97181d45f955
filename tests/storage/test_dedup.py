"""One meeting, one record: real-world reporting patterns across outlets, languages and URLs."""

from __future__ import annotations

from datetime import timedelta

from dedup_helpers import DAY, article, count, local, meeting, meetings, outbox_keys, save
from sqlalchemy import Engine, select

from storage.engine import session_factory
from storage.models import Article, ArticleUrl, ArticleVersion, MeetingArticle
from storage.repository import known_urls

AKORDA = "https://www.akorda.kz/{}/glava-gosudarstva-prinyal-akima-karagandinskoy-oblasti-2895622"


def test_one_meeting_from_eight_reports_in_three_languages_gives_one_alert(engine: Engine) -> None:
    reports = [
        article(AKORDA.format("ru"), "akorda", "ru", local(DAY, 11, 40), meeting()),
        article(
            AKORDA.format("kz"),
            "akorda",
            "kk",
            local(DAY, 11, 45),
            meeting(akim="Ермағанбет Бөлекпаев"),
        ),
        article(
            AKORDA.format("en"),
            "akorda",
            "en",
            local(DAY, 13, 5),
            meeting(akim="Yermaganbet Bulekpayev"),
            title="Head of State receives akim",
        ),
        article(
            "https://www.inform.kz/ru/tokaev-prinyal-akima-7a1c3e",
            "kazinform",
            "ru",
            local(DAY, 12, 0),
            meeting(akim=None),
        ),
        article(
            "https://kaz.inform.kz/news/prezident-akimdi-kabyldady-71f3b1",
            "kazinform",
            "kk",
            local(DAY, 12, 30),
            meeting(akim="Бұлекпаев"),
        ),
        article(
            "https://qazinform.com/news/tokayev-receives-karaganda-governor-9c2d1e",
            "kazinform",
            "en",
            local(DAY, 14, 10),
            meeting(akim="Bulekpayev"),
        ),
        # a reprint the next morning, dated by its publication day (no date in its text)
        article(
            "https://bestnews.kz/vlast/12345-tokaev-prinyal-akima",
            "bestnews",
            "ru",
            local(DAY + timedelta(days=1), 9, 15),
            meeting(day=DAY + timedelta(days=1), akim=None),
        ),
        article(
            "https://www.gov.kz/memleket/entities/karaganda/press/news/details/928267?lang=ru",
            "govkz",
            "ru",
            local(DAY, 18, 0),
            meeting(),
        ),
    ]
    for first, second in zip(reports[::2], reports[1::2], strict=True):
        save(engine, first)
        save(engine, second)
    [stored] = meetings(engine)
    assert stored.akim == "Ермаганбет Булекпаев" and stored.local_date == DAY
    assert sorted(link.article.url for link in stored.links) == sorted(r.url for r in reports)
    assert outbox_keys(engine) == [
        "meeting.new:2026-03-21/Karaganda:hook",
        "meeting.new:2026-03-21/Karaganda:mail",
    ]


def test_missing_akim_is_filled_from_a_later_report_with_its_source(engine: Engine) -> None:
    save(engine, article(AKORDA.format("ru"), "akorda", "ru", local(DAY, 11), meeting(akim=None)))
    save(
        engine,
        article(
            "https://qazinform.com/news/x-9c2d1e",
            "kazinform",
            "en",
            local(DAY, 12),
            meeting(akim="Yermaganbet Bulekpayev"),
        ),
    )
    [stored] = meetings(engine)
    second = next(link.article for link in stored.links if link.article.source == "kazinform")
    assert stored.akim == "Yermaganbet Bulekpayev"
    assert stored.field_sources["akim"] == second.id


def test_amp_old_and_new_url_shapes_of_one_kazinform_article_are_one_article(
    engine: Engine,
) -> None:
    new = "https://www.inform.kz/ru/glava-gosudarstva-prinyal-akima-7a1c3e"
    old = "https://www.inform.kz/ru/glava-gosudarstva-prinyal-akima_a3697561"
    # reached through the old URL, which redirected to the new one (Scrapy's redirect_urls)
    save(engine, article(new, "kazinform", "ru", local(DAY, 12), meeting(), aliases=[old]))
    save(engine, article(new + "/amp", "kazinform", "ru", local(DAY, 12), meeting()))
    save(
        engine,
        article(
            "http://m.inform.kz/amp/ru/glava-gosudarstva-prinyal-akima_a3697561/",
            "kazinform",
            "ru",
            local(DAY, 12),
            meeting(),
        ),
    )
    save(
        engine,
        article(
            "https://inform.kz/ru/renamed-slug-7a1c3e?utm_source=telegram",
            "kazinform",
            "ru",
            local(DAY, 12),
            meeting(),
        ),
    )
    assert count(engine, Article) == 1
    assert count(engine, MeetingArticle) == 1
    with session_factory(engine)() as session:
        assert known_urls(session, [old + "/amp", new + "/?fbclid=1"]) == {
            old + "/amp",
            new + "/?fbclid=1",
        }
        assert session.scalars(select(Article.url)).one() == new
        assert len(list(session.scalars(select(ArticleUrl.url)))) >= 3


def test_same_numeric_id_in_another_language_is_another_article(engine: Engine) -> None:
    save(engine, article(AKORDA.format("ru"), "akorda", "ru", local(DAY, 11)))
    save(engine, article(AKORDA.format("en"), "akorda", "en", local(DAY, 11)))
    assert count(engine, Article) == 2


def test_two_receptions_on_one_day_are_two_meetings(engine: Engine) -> None:
    save(
        engine,
        article(AKORDA.format("ru"), "akorda", "ru", local(DAY, 11), meeting()),
        article(
            "https://www.akorda.kz/ru/prinyal-akima-kostanayskoy-2895623",
            "akorda",
            "ru",
            local(DAY, 15),
            meeting("Kostanay", "Кумар Аксакалов"),
        ),
        # the outgoing and the newly appointed akim of one region, received the same day
        article(
            "https://www.akorda.kz/ru/prinyal-byvshego-akima-2895624",
            "akorda",
            "ru",
            local(DAY, 16),
            meeting(akim="Женис Касымбек"),
        ),
    )
    stored = meetings(engine)
    assert [m.meeting_key for m in stored] == [
        "2026-03-21/Karaganda",
        "2026-03-21/Kostanay",
        "2026-03-21/Karaganda/akim:ksm-zns",
    ]
    assert len(outbox_keys(engine)) == 6


def test_same_akim_on_different_days_are_two_meetings(engine: Engine) -> None:
    later = DAY + timedelta(days=1)
    save(engine, article(AKORDA.format("ru"), "akorda", "ru", local(DAY, 11), meeting()))
    save(
        engine,
        article(
            "https://www.akorda.kz/ru/vtoraya-vstrecha-2895700",
            "akorda",
            "ru",
            local(later, 16),
            meeting(day=later),
        ),
    )
    save(
        engine,
        article(
            "https://www.akorda.kz/ru/tretya-vstrecha-2895800",
            "akorda",
            "ru",
            local(DAY + timedelta(days=9), 12),
            meeting(day=DAY + timedelta(days=9)),
        ),
    )
    assert [m.local_date for m in meetings(engine)] == [DAY, later, DAY + timedelta(days=9)]


def test_an_early_late_report_joins_the_meeting_of_the_day_before(engine: Engine) -> None:
    before = DAY - timedelta(days=1)
    save(
        engine,
        article(
            "https://bestnews.kz/vlast/2-x", "bestnews", "ru", local(DAY, 8), meeting(akim=None)
        ),
    )
    save(
        engine, article(AKORDA.format("ru"), "akorda", "ru", local(before, 19), meeting(day=before))
    )
    [stored] = meetings(engine)
    assert len(stored.links) == 2
    assert stored.local_date == before  # the earlier report dates it: no meeting is reported early


def test_akim_name_correction_makes_a_version_and_updates_the_meeting(engine: Engine) -> None:
    url = AKORDA.format("ru")
    save(
        engine,
        article(
            url,
            "akorda",
            "ru",
            local(DAY, 11),
            meeting(akim="Ермаганбет Булекпев"),
            body="Аким Булекпев доложил.",
        ),
    )
    save(
        engine,
        article(
            "https://www.inform.kz/ru/x-7a1c3e",
            "kazinform",
            "ru",
            local(DAY, 12),
            meeting(akim="Булекпаев"),
        ),
    )
    save(
        engine,
        article(
            url,
            "akorda",
            "ru",
            local(DAY, 11),
            meeting(akim="Ермаганбет Булекпаев"),
            body="Аким Булекпаев доложил.",
        ),
    )
    [stored] = meetings(engine)
    assert stored.akim == "Ермаганбет Булекпаев" and len(stored.links) == 2
    with session_factory(engine)() as session:
        version = session.scalars(select(ArticleVersion).where(ArticleVersion.version == 2)).one()
    assert "+Аким Булекпаев доложил." in version.diff
    keys = outbox_keys(engine)
    assert [k for k in keys if k.startswith("meeting.new")] == [
        "meeting.new:2026-03-21/Karaganda:hook",
        "meeting.new:2026-03-21/Karaganda:mail",
    ]
    changed = [k for k in keys if k.startswith("article.changed")]
    assert changed == ["article.changed:article1:v2:desk"]


def test_edit_that_keeps_the_detection_writes_no_change_event(engine: Engine) -> None:
    url = AKORDA.format("ru")
    save(engine, article(url, "akorda", "ru", local(DAY, 11), meeting(), body="Один."))
    save(engine, article(url, "akorda", "ru", local(DAY, 11), meeting(), body="Один. Два."))
    assert count(engine, ArticleVersion) == 2
    assert not [k for k in outbox_keys(engine) if k.startswith("article.changed")]


def test_region_correction_moves_the_meeting_and_removal_unlinks_it(engine: Engine) -> None:
    url = AKORDA.format("ru")
    save(engine, article(url, "akorda", "ru", local(DAY, 11), meeting(), body="Караганда."))
    save(
        engine,
        article(url, "akorda", "ru", local(DAY, 11), meeting("Kostanay", None), body="Костанай."),
    )
    [moved] = meetings(engine)
    assert moved.meeting_key == "2026-03-21/Kostanay" and moved.akim is None
    save(engine, article(url, "akorda", "ru", local(DAY, 11), body="Не встреча."))
    assert count(engine, MeetingArticle) == 0
    keys = outbox_keys(engine)
    assert len([k for k in keys if k.startswith("meeting.new")]) == 2
    assert [k for k in keys if k.startswith("article.changed")] == [
        "article.changed:article1:v2:desk",
        "article.changed:article1:v3:desk",
    ]


def test_a_collective_meeting_is_keyed_by_its_regions(engine: Engine) -> None:
    both = meeting(None, None, kind="collective", regions=("Kostanay", "Abai"))
    save(engine, article(AKORDA.format("ru"), "akorda", "ru", local(DAY, 11), both))
    save(
        engine,
        article(
            "https://www.inform.kz/ru/x-7a1c3e",
            "kazinform",
            "ru",
            local(DAY, 12),
            meeting(None, None, kind="collective", regions=("Abai", "Kostanay")),
        ),
    )
    [stored] = meetings(engine)
    assert stored.meeting_key == "2026-03-21/collective:Abai+Kostanay" and len(stored.links) == 2
