"""Region names in ru, kk or en, any case, resolve to the canonical names meetings are stored
under; channel filters in the configuration take them too."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError
from detect.regions import UnknownRegion, canonical_region
from notify.channels.webhook import WebhookConfig
from notify.config import load


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Karaganda", "Karaganda"),
        ("karaganda", "Karaganda"),
        ("Карагандинская область", "Karaganda"),
        ("Қарағанды облысы", "Karaganda"),
        ("Караганда", "Karaganda"),
        ("almaty", "Almaty"),
        ("Almaty Region", "Almaty Region"),
        ("алматинская область", "Almaty Region"),
        ("  east   KAZAKHSTAN ", "East Kazakhstan"),
        ("ВКО", "East Kazakhstan"),
        ("abai", "Abai"),
        ("Нур-Султан", "Astana"),
        ("Шымкент", "Shymkent"),
        ("Turkestan region", "Turkistan"),
    ],
)
def test_names_resolve_to_the_canonical_region(name: str, canonical: str) -> None:
    assert canonical_region(name) == canonical


@pytest.mark.parametrize("name", ["Atlantis", "", "Karaganda Almaty", "область"])
def test_other_names_are_refused_with_the_allowed_ones(name: str) -> None:
    with pytest.raises(UnknownRegion, match=r"allowed: Abai, .*Shymkent"):
        canonical_region(name)


def test_channel_regions_are_stored_canonical_and_route_meetings() -> None:
    channel = WebhookConfig(
        name="desk", kind="webhook", url="https://example.org/h", regions=["қарағанды облысы"]
    )
    assert channel.regions == ["Karaganda"]
    assert channel.accepts("meeting.new", "Karaganda")
    assert not channel.accepts("meeting.new", "Kostanay")


def test_an_unknown_channel_region_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "akimwatch.toml"
    path.write_text(
        '[[channels]]\nname = "desk"\nkind = "webhook"\nurl = "https://example.org/h"\n'
        'regions = ["Karaganda", "Mordor"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"channels\.0\.regions = .*unknown region 'Mordor'"):
        load(path, environ={})
