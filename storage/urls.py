"""URL canonicalization and the sources' own article ids: the keys of article identity."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

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
HOST_ALIASES = {"kazinform.kz": "inform.kz", "en.inform.kz": "qazinform.com"}

_PLAIN = re.compile(r"https://[a-z0-9.:-]+/[A-Za-z0-9._~/-]*")
_KAZINFORM_ID = re.compile(r"-(?P<hex>[0-9a-f]{6,8})/?$|_a(?P<old>\d{6,8})(?:/amp)?/?$")
_AKORDA_ID = re.compile(r"-(?P<id>\d{4,})/?$")
_GOVKZ_ID = re.compile(r"/press/news/details/(?P<id>[^/?#]+)")
_BESTNEWS_ID = re.compile(r"/(?P<id>\d+)-[^/]+/?$")


def fold_host(host: str) -> str:
    """Lower-case a host and fold www/mobile/amp/mirror variants of one site together."""
    host = host.lower().rstrip(".")
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    return HOST_ALIASES.get(host, host)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


@lru_cache(maxsize=65536)
def canonical_url(url: str) -> str:
    """The identity key form of a URL (never shown to users: the original URL is kept for that)."""
    parts = urlsplit(url.strip())
    host = fold_host(parts.hostname or "")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    path = re.sub(r"^/amp(?=/)", "", path)
    path = re.sub(r"/amp/?$", "", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    rebuilt = urlunsplit(("https", host, path, urlencode(sorted(query)), ""))
    if _PLAIN.fullmatch(rebuilt) and "/." not in rebuilt:
        return rebuilt  # what canonicalize_url would return, 20 times faster
    return canonicalize_url(rebuilt)


def url_key(url: str) -> str:
    """A fixed-width key for an URL: the SHA-1 of its canonical form."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()


def source_article_id(source: str, url: str) -> str | None:
    """The source's own article id in a URL (Kazinform hex or ``_a``, Akorda, gov.kz, Bestnews)."""
    path = urlsplit(url).path
    if source == "kazinform":
        match = _KAZINFORM_ID.search(path)
        if match:
            return f"a{match['old']}" if match["old"] else match["hex"]
        return None
    pattern = {"akorda": _AKORDA_ID, "govkz": _GOVKZ_ID, "bestnews": _BESTNEWS_ID}.get(source)
    match = pattern.search(path) if pattern else None
    if match is None:
        return None
    if source == "govkz":
        lang = dict(parse_qsl(urlsplit(url).query)).get("lang", "ru")
        return f"{match['id']}:{lang}"
    return match["id"]
