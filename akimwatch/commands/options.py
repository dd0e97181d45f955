"""Option parsers shared by the commands: ISO dates, region names (ru, kk or en, any case) and
the ``--output`` file, remembered so that the CLI can say which file could not be written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

import click

from detect.regions import UnknownRegion, canonical_region
from notify.document import NAME_LANGUAGES

FC = TypeVar("FC", bound=Callable[..., object])


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


OUTPUT = "akimwatch.output"  # the ctx.meta key (shared by every context of one invocation)


def output(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """An ``--output`` file: kept in ``ctx.meta`` so an OSError ends as one line naming it."""
    if value:
        ctx.meta[OUTPUT] = value
    return value


def name_language(help_text: str) -> Callable[[FC], FC]:
    """The ``--language`` option: the language akim names are shown in (Russian by default)."""
    return click.option(
        "--language",
        type=click.Choice(NAME_LANGUAGES),
        default="ru",
        show_default=True,
        help=help_text,
    )
