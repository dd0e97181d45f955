"""Option parsers shared by the commands: ISO dates and region names (ru, kk or en, any case)."""

from __future__ import annotations

from datetime import date

import click

from akimwatch.regions import UnknownRegion, canonical_region


def iso_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` option value as a date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-03-21") from None


def region(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A region option value as the canonical name meetings are stored under."""
    try:
        return canonical_region(value) if value else None
    except UnknownRegion as exc:
        raise click.BadParameter(str(exc)) from None
