"""``akimwatch serve``: the read-only web application over the configured database."""

from __future__ import annotations

import sys

import click
from pydantic import ValidationError

from akimwatch.context import get_config, open_engine
from core.config import Config, ConfigError, WebConfig


def with_listen(config: Config, listen: str | None) -> Config:
    """``config`` with ``[web] listen`` replaced (checked like the file's: a token off loopback)."""
    if listen is None:
        return config
    try:
        web = WebConfig.model_validate({**config.web.model_dump(), "listen": listen})
    except ValidationError as exc:
        raise ConfigError(f"--listen {listen}: {exc.errors()[0]['msg']}") from None
    return config.model_copy(update={"web": web})


@click.command("serve")
@click.option("--listen", metavar="HOST:PORT", help="Address to serve on (default: [web] listen, "
              "127.0.0.1:8765); any host but the loopback needs [web] token_hash.")  # fmt: skip
@click.option("--hash-token", is_flag=True, help="Read an access token on stdin, print the bcrypt "
              "hash to put in [web] token_hash, and exit.")  # fmt: skip
@click.pass_context
def serve(ctx: click.Context, listen: str | None, hash_token: bool) -> None:
    """Serve the meetings, charts and sources pages, the JSON API, the feed, the CSV export,
    /metrics and /healthz (read-only; needs `pip install 'akimwatch[web]'`)."""
    from web.security import hash_token as hashed  # bcrypt only: no web extra needed

    if hash_token:
        token = sys.stdin.readline().strip()
        if not token:
            raise click.ClickException("no token on stdin")
        click.echo(hashed(token))
        return
    config = with_listen(get_config(ctx), listen)
    open_engine(config).dispose()  # the schema is current, or a one-line error
    run(config)


def run(config: Config) -> None:
    """Index what search needs, say where the pages are, serve until interrupted."""
    from storage.engine import make_engine
    from web.search import SearchIndex, index_path

    try:
        from web.server import serve as serve_forever
    except ImportError as exc:  # uvicorn, fastapi: the web extra
        raise click.ClickException(f"{exc}; install it: pip install 'akimwatch[web]'") from None
    path = index_path(config.database_url)
    if path is not None:
        engine = make_engine(config.database_url)
        indexed = SearchIndex(path, engine).refresh()
        engine.dispose()
        click.echo(f"search index {path}: {indexed} article(s) added", err=True)
    click.echo(f"akimwatch: serving on http://{config.web.listen}/ (Ctrl-C stops)", err=True)
    serve_forever(config)
