"""URL canonicalization and the sources' own article ids: the keys of article identity."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

import sources

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "yclid",
        "dclid",
        "msclkid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "ref",
        "from",
        "share",
        "amp",
        "output",
    }
)
TRACKING_PREFIXES = ("utm_", "_hs", "pk_")
HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.", "mirror.")

_PLAIN = re.compile(r"https://[a-z0-9.:-]+/[A-Za-z0-9._~/-]*")
_SETTLED = re.compile(r"https://(?P<host>[a-z0-9.-]+)(?P<path>(?:/[A-Za-z0-9._~-]+)+)")


class UnusableURL(ValueError):
    """A URL that cannot identify an article: no host, or a malformed port or netloc."""


def fold_host(host: str) -> str:
    """Lower-case a host and fold www/mobile/amp/mirror variants of one site together."""
    host = host.lower().rstrip(".")
    while True:
        prefix = next((p for p in HOST_PREFIXES if host.startswith(p)), None)
        if prefix is None or host.count(".") < 2:
            break
        host = host[len(prefix) :]
    return _host_aliases().get(host, host)


def _is_tracking(name: str) -> bool:
    lowered = unquote_plus(name).lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _netloc(url: str) -> tuple[str, str, str]:
    """The folded ``host[:port]``, the path and the query of ``url``, or :class:`UnusableURL`."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # bad port, unbalanced IPv6 brackets
        raise UnusableURL(f"unusable URL {url[:200]!r}: {exc}") from None
    host = fold_host(parts.hostname or "")
    if not host:
        raise UnusableURL(f"unusable URL {url[:200]!r}: no host")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    return host, parts.path, parts.query


def _fold_path(path: str) -> str:
    """Empty segments and AMP ``/amp`` prefixes and suffixes removed; no trailing slash."""
    segments = [s for s in path.replace("\\", "/").split("/") if s]
    while segments and segments[0] == "amp":
        segments.pop(0)
    while segments and segments[-1] == "amp":
        segments.pop()
    return "/" + "/".join(segments)


def _fold(url: str) -> str:
    """Scheme, host, path and query folded (structure only; no re-encoding)."""
    host, path, query = _netloc(url)
    kept = "&".join(p for p in query.split("&") if p and not _is_tracking(p.split("=", 1)[0]))
    return urlunsplit(("https", host, _fold_path(path), kept, ""))


@lru_cache(maxsize=65536)
def canonical_url(url: str) -> str:
    """The identity key form of a URL (never shown to users: the original URL is kept for that).

    Idempotent; raises :class:`UnusableURL` (a ``ValueError``) for a URL without a usable host.
    w3lib's canonical form (sorted query, percent-encoding, IDNA, dot segments) is folded once
    more, since resolving ``..`` or ``\\`` can bring back an empty segment or an ``/amp``.
    """
    return url if _settled(url) else _canonical(url)


def _canonical(url: str) -> str:
    """The full canonicalization, for URLs not already settled."""
    folded = _fold(url)
    if _PLAIN.fullmatch(folded) and "/." not in folded:
        return folded  # what canonicalize_url would return, 20 times faster
    return _fold(canonicalize_url(folded))


def _settled(url: str) -> bool:
    """Whether ``url`` is already in canonical form (https, folded host, no port, no query, no
    empty, dot or AMP segment, no trailing slash): most stored URLs, checked without parsing."""
    match = _SETTLED.fullmatch(url)
    if match is None:
        return False
    host, path = match["host"], match["path"]
    amp = path.startswith("/amp/") or path.endswith("/amp") or path == "/amp"
    return not amp and "/." not in path and fold_host(host) == host


def url_key(url: str) -> str:
    """A fixed-width key for an URL: the SHA-1 of its canonical form."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()


def source_article_id(source: str, url: str) -> str | None:
    """The source's own article id in a URL, as the source's description reads it (None for
    an unknown source or a URL without one)."""
    described = sources.registry().get(source)
    return described.article_id(url) if described else None


@lru_cache(maxsize=1)
def _host_aliases() -> dict[str, str]:
    """Every registered source's other host names, folded to its main one."""
    return {k: v for s in sources.registry().values() for k, v in s.host_aliases.items()}
