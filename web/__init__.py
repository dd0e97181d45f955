"""The analyst's view: a read-only web application over the stored meetings (``akimwatch serve``).

Layer 7 (above ``scheduler``, below the CLI): Starlette/FastAPI with Jinja2 templates, Vega-Lite
charts served from ``web/static/vendor`` (no CDN), the JSON API, the Atom feed, the CSV export,
``/metrics`` and ``/healthz``.
"""
