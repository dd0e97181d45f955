"""The application: its state, the middleware (token, trusted hosts, security headers), the
routers (pages, JSON API, machine endpoints) and the static files."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware

from core import __version__
from core.config import LOOPBACK, Config
from storage.clock import utcnow
from storage.engine import make_engine, read_only
from web import api, machine, metrics, pages
from web.filters import BadFilter
from web.search import SearchIndex, index_path
from web.security import CHALLENGE, HEADERS, Guard
from web.state import Web

HERE = Path(__file__).parent


def create_app(config: Config, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    """The application over ``config``'s database (its own engine, disposed at shutdown)."""
    writer = make_engine(config.database_url)
    path = index_path(config.database_url)
    index = SearchIndex(path, writer) if path else None
    engine = read_only(writer)
    web = Web(config, engine, writer, index, Guard(config.web.token_hash), clock,
              metrics.registry(engine, clock))  # fmt: skip

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        writer.dispose()

    app = FastAPI(title="akimwatch", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None, description=API_DESCRIPTION)  # fmt: skip
    app.state.web = web
    _middleware(app, config, web.guard)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(machine.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(BadFilter, _bad_filter)
    return app


API_DESCRIPTION = (
    "The read-only JSON API of akimwatch's web pages, the Atom feed (`/feed.atom`), the CSV "
    "export (`/export/meetings.csv`), chart data (`/charts/{name}.csv`), `/metrics` and `/healthz`."
)


def _middleware(app: FastAPI, config: Config, guard: Guard) -> None:
    """The trusted hosts (inner), then the token and the headers (outermost: on every answer)."""
    if config.web.host in LOOPBACK:  # no DNS rebinding onto a loopback-only service
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])

    @app.middleware("http")
    async def secure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # bcrypt takes ~0.2 s for a token not seen yet: off the event loop
        if not guard.required or await run_in_threadpool(guard.allowed, request):
            response = await call_next(request)
        else:
            response = PlainTextResponse("the access token is required", 401, headers=CHALLENGE)
        response.headers.update(HEADERS)
        return response


async def _bad_filter(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": str(exc)}, 400)
    return PlainTextResponse(f"bad filter: {exc}", 400)
