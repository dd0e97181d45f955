"""akimwatch.example.toml documents every key of the configuration model and loads as it is;
with its commented examples switched on it loads too."""

from __future__ import annotations

import re
from pathlib import Path

from core.config import Config
from core.config_errors import section_model
from notify.channels import kinds, registry
from notify.config import load

EXAMPLE = Path(__file__).resolve().parents[2] / "akimwatch.example.toml"
HEADER = re.compile(r"^#?\s*\[\[?([\w.]+)\]\]?\s*(?:#.*)?$")
SETTING = re.compile(r"^(?:# )?([a-z_]+) = ")
SECRETS = {
    "AKIMWATCH_SMTP_PASSWORD": "pw",
    "AKIMWATCH_WEBHOOK_SECRET": "s",
    "AKIMWATCH_APPRISE_URLS": "json://127.0.0.1:9/",
}


def _section(name: str) -> str:
    """``sources.akorda`` -> ``sources``: every source (or channel) table is one section."""
    return name.split(".")[0] if name.startswith(("sources.", "channels")) else name


def documented(text: str) -> dict[str, set[str]]:
    """Section -> the keys set or shown (commented) in it; "" is the top level."""
    keys: dict[str, set[str]] = {"": set()}
    section = ""
    for line in text.splitlines():
        if header := HEADER.match(line):
            section = _section(header.group(1))
            keys.setdefault(section, set())
            parent, dot, key = section.rpartition(".")
            if dot:  # [[crawl.nodes]] documents crawl.nodes
                keys.setdefault(parent, set()).add(key)
        elif setting := SETTING.match(line):
            keys[section].add(setting.group(1))
    return keys


def expected() -> dict[str, set[str]]:
    """Section -> every key its model accepts, walked from Config (channels: every kind's)."""
    keys: dict[str, set[str]] = {"": set()}
    for name in Config.model_fields:
        model = section_model(Config, (name,))
        if model is None:
            keys[""].add(name)
        else:
            keys[name] = {f.alias or n for n, f in model.model_fields.items()}
    for channel in registry().values():
        fields = channel.config_model.model_fields
        keys["channels"] |= {f.alias or n for n, f in fields.items()}
    return keys


def test_every_key_of_every_section_is_in_the_example() -> None:
    shown = documented(EXAMPLE.read_text(encoding="utf-8"))
    missing = {
        f"{section}.{key}".lstrip(".")
        for section, keys in expected().items()
        for key in keys - shown.get(section, set())
    }
    assert not missing, f"keys missing from {EXAMPLE.name}: {sorted(missing)}"


def test_every_channel_kind_has_an_example() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert kinds() and all(f'# kind = "{kind}"' in text for kind in kinds())


def test_the_example_loads_as_it_is(tmp_path: Path) -> None:
    config = load(EXAMPLE, environ={})
    assert config.channels == [] and config.enabled_sources()


def test_the_example_with_every_commented_setting_on_loads(tmp_path: Path) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    on = [re.sub(r"^# (?=\[|[a-z_]+ = )", "", line) for line in lines]
    path = tmp_path / "all.toml"
    path.write_text("\n".join(on) + "\n", encoding="utf-8")
    config = load(path, environ=SECRETS)
    assert {c.kind for c in config.channels} == set(kinds())
    assert config.sources["kazinform"].cron and config.crawl.proxy
    assert config.channels[0].regions == ["Karaganda", "Astana"]
