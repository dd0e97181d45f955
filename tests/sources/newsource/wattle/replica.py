"""Wattle's replica: a listing of two articles, one of them a meeting with an akim."""

from __future__ import annotations

from replicas.server import Reply, Request, Site

ARTICLES = {
    "1": ("Глава государства принял акима Карагандинской области",
          "Президент Казахстана принял акима Карагандинской области Ермаганбета Булекбаева. "
          "Главе региона поручено ускорить строительство дорог."),
    "2": ("В Астане прошла выставка", "В столице открылась выставка современного искусства."),
}  # fmt: skip


class WattleSite(Site):
    """Serves ``/list`` and ``/news/<id>``."""

    hosts = ("wattle.example",)

    def handle(self, request: Request) -> Reply:
        if request.path == "/list":
            items = "".join(
                f'<li><a href="/news/{k}">{t}</a></li>' for k, (t, _) in ARTICLES.items()
            )
            return Reply(body=f"<html><body><ul>{items}</ul></body></html>".encode())
        found = ARTICLES.get(request.path.removeprefix("/news/"))
        if found is None:
            return Reply(404, b"not found")
        title, text = found
        page = (f'<html><body><article><h1>{title}</h1><time datetime="2026-03-21T10:00:00+05:00">'
                f"21.03.2026</time><p>{text}</p></article></body></html>")  # fmt: skip
        return Reply(body=page.encode())
