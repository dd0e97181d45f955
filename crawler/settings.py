"""Scrapy settings, all in one place, read from the same configuration object as the daemon.

``scrapy crawl NAME`` and the daemon agree because both call :func:`core.config.load`
(``AKIMWATCH_CONFIG``, ``./akimwatch.toml`` or defaults, then ``AKIMWATCH_*`` overrides).
"""

from __future__ import annotations

from core import __version__
from core.config import load
from sources import registry

CONFIG = load()
_crawl = CONFIG.crawl

BOT_NAME = "akimwatch"
COMMANDS_MODULE = "crawler.commands"  # our ``crawl``: exit status from the run's verdict
SPIDER_MODULES = [source.spider.partition(":")[0] for source in registry().values()]

# Our own settings (typed readers live in the components that use them).
AKIMWATCH_DATABASE_URL = CONFIG.database_url
HOST_OVERRIDES = dict(_crawl.host_overrides)
AKIMWATCH_NOTIFY_MAX_AGE_HOURS = _crawl.notify_max_age_hours
AKIMWATCH_RECHECK_MAX_AGE_HOURS = _crawl.recheck_max_age_hours
AKIMWATCH_MAX_LISTING_PAGES = _crawl.max_listing_pages
AKIMWATCH_STORE_BATCH_SIZE = 50
AKIMWATCH_SOURCE_LANGUAGES = {name: list(src.languages) for name, src in CONFIG.sources.items()}
AKIMWATCH_SOURCE_OPTIONS = {name: src.model_dump() for name, src in CONFIG.sources.items()}
AKIMWATCH_INSECURE_HOSTS = list(_crawl.insecure_hosts)

# Politeness.
USER_AGENT = _crawl.user_agent.format(version=__version__)
ROBOTSTXT_OBEY = _crawl.obey_robots
DOWNLOAD_DELAY = _crawl.download_delay
CONCURRENT_REQUESTS = 8
# Scrapy starts this many asyncio tasks for every callback's output (100 by default: 6,000 tasks
# for an idle crawl of 60 API pages); our pipeline is synchronous, a page yields at most ~20.
CONCURRENT_ITEMS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = _crawl.concurrency_per_domain
AUTOTHROTTLE_ENABLED = _crawl.autothrottle
AUTOTHROTTLE_START_DELAY = max(_crawl.download_delay, 0.5)
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = _crawl.download_timeout
DOWNLOAD_MAXSIZE = _crawl.max_page_bytes
DOWNLOAD_WARNSIZE = _crawl.max_page_bytes // 2
RETRY_ENABLED = True
RETRY_TIMES = _crawl.retry_times
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry, doubled for each further one
RETRY_BACKOFF_MAX = 30.0
REDIRECT_MAX_TIMES = 5
DNS_TIMEOUT = 8  # Scrapy's 60 s would hold a run on a machine without network
UNREACHABLE_AFTER = 2  # resolve/connect failures before a never-answering host is given up
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "ru,kk;q=0.9,en;q=0.8",
}
if _crawl.proxy:
    HTTPPROXY_ENABLED = True
    AKIMWATCH_PROXY = _crawl.proxy
if _crawl.ca_bundle:
    AKIMWATCH_CA_BUNDLE = _crawl.ca_bundle

# Soft limits that act before the daemon's hard timeout.
CLOSESPIDER_TIMEOUT = max(_crawl.timeout_seconds - 30, 30)
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = 512

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.offsite.StrictOffsiteMiddleware": 40,  # redirects and dont_filter too
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    "crawler.middlewares.reach.ReachabilityMiddleware": 555,  # sees errors before the retries
    "crawler.middlewares.conditional.ConditionalRequestsMiddleware": 560,
    "crawler.middlewares.proxy.ProxyMiddleware": 740,
    "crawler.middlewares.host_overrides.HostOverridesMiddleware": 950,
}
# Verify TLS certificates (system store or AKIMWATCH_CA_BUNDLE; AKIMWATCH_INSECURE_HOSTS opt out).
DOWNLOAD_HANDLERS = {"https": "crawler.middlewares.tls.VerifyingHTTPSDownloadHandler"}
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 500,
}
EXTENSIONS = {
    "crawler.extensions.CrawlRunExtension": 100,
    "crawler.progress.ProgressExtension": 200,
}
# A one-line progress display on stderr, only when it is a terminal (crawls run by hand).
PROGRESS_ENABLED = True
PROGRESS_INTERVAL = 1.0

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
