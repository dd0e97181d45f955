"""Hostile replica content for the security tests: listings and feeds that link off the source's
domains, a site that answers for those foreign hosts (so any fetch shows in the request log), and
RSS feeds that try entity expansion ("billion laughs") or external entities (XXE)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from replicas.server import Fault, Reply, Request, Site

_ITEM = re.compile(rb"<item>.*?</item>", re.S)
_LINK = re.compile(rb"<link>(?:https?://[^/<]+)?(/[^<]*)</link>")
_BODY = re.compile(rb"<body[^>]*>(.*)</body>", re.S)


def foreign_hosts(domain: str) -> list[str]:
    """Hosts that are not ``domain`` but look like it: a look-alike prefix, ``domain`` as a
    subdomain of another site, and an unrelated site."""
    return [f"fake{domain}", f"{domain}.evil.example", "evil.example.com"]


class ForeignSite(Site):
    """Answers for foreign hosts with an article-looking page (fetching it would store it)."""

    def __init__(self, hosts: Iterable[str]) -> None:
        self.hosts = tuple(hosts)

    def handle(self, request: Request) -> Reply:
        """Any path: a plausible meeting article."""
        title = "Токаев принял акима Карагандинской области"
        page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>Чужой сайт.</p>"
        return Reply(200, (page + "</body></html>").encode())


def _links_moved(items: bytes, host: str) -> bytes:
    """RSS items with every ``<link>`` moved to ``host``."""
    prefix = b"<link>https://" + host.encode()
    return _LINK.sub(lambda m: prefix + m[1] + b"</link>", items)


def _foreign_copy(body: bytes, hosts: list[str]) -> bytes:
    """``body`` plus, per foreign host, its listing again with every link moved to that host."""
    if b"<rss" in body[:200]:
        items = b"".join(_ITEM.findall(body))
        extra = b"".join(_links_moved(items, host) for host in hosts)
        return body.replace(b"</channel>", extra + b"</channel>", 1)
    inner = _BODY.search(body)
    if inner is None:
        return body
    extra = b"".join(
        re.sub(rb'href="(?:https?://[^/"]+)?/', b'href="https://' + host.encode() + b"/", inner[1])
        for host in hosts
    )
    return body.replace(b"</body>", extra + b"</body>", 1)


def off_domain_links(
    site_answer: Callable[[Request], Reply], hosts: list[str], served: list[str]
) -> Fault:
    """Every 200 page of the real site with its links repeated on ``hosts``; the paths changed
    this way are appended to ``served`` (proof that the hostile links were offered)."""

    def fault(request: Request) -> Reply | None:
        if request.host in hosts or request.path == "/robots.txt":
            return None
        reply = site_answer(request)
        if reply.status != 200:
            return reply
        body = _foreign_copy(reply.body, hosts)
        if body != reply.body:
            served.append(request.path)
        return Reply(reply.status, body, reply.content_type, reply.headers)

    return fault


def redirect_off_domain(path: str, target: str) -> Fault:
    """``path`` answers 302 to the absolute URL ``target``."""

    def fault(request: Request) -> Reply | None:
        return Reply(302, b"", headers={"Location": target}) if request.path == path else None

    return fault


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n"
)


def billion_laughs_feed(link: str) -> bytes:
    """An RSS feed whose title expands to 10⁹ "lol"s if entities are resolved."""
    return (
        LAUGHS + '<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title>'
        f"<link>{link}</link><pubDate>Mon, 02 Mar 2026 10:00:00 +0500</pubDate></item>"
        "</channel></rss>"
    ).encode()


def external_entity_feed(link: str, target: str) -> bytes:
    """An RSS feed whose title pulls in ``target`` (a file or URL) if external entities load."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>\n'
        '<rss version="2.0"><channel><title>x</title><item><title>Токаев &xxe;</title>'
        f"<link>{link}</link><pubDate>Mon, 02 Mar 2026 10:00:00 +0500</pubDate></item>"
        "</channel></rss>"
    ).encode()
