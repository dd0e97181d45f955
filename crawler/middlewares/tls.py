"""TLS that verifies certificates: the system store or ``crawl.ca_bundle``, with explicit opt-outs.

Scrapy does not verify server certificates by default. :class:`VerifyingContextFactory` verifies
every HTTPS connection against the system trust store, or against ``AKIMWATCH_CA_BUNDLE`` (a PEM
file, for sites whose chain the system store does not complete). Hosts listed in
``AKIMWATCH_INSECURE_HOSTS`` (and their subdomains) skip verification, with a warning at start.

Scrapy 2.19 deprecates ``DOWNLOADER_CLIENTCONTEXTFACTORY``, so the factory is installed by
:class:`VerifyingHTTPSDownloadHandler`, the stock HTTP/1.1 handler with this factory
(``DOWNLOAD_HANDLERS = {"https": "crawler.middlewares.tls.VerifyingHTTPSDownloadHandler"}``).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, cast

from scrapy.core.downloader.contextfactory import _ScrapyClientContextFactory
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from twisted.internet.interfaces import IOpenSSLClientConnectionCreator
from twisted.internet.ssl import (
    Certificate,
    optionsForClientTLS,
    platformTrust,
    trustRootFromCertificates,
)
from twisted.web.iweb import IPolicyForHTTPS

logger = logging.getLogger(__name__)
_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def load_trust_root(ca_bundle: str | None) -> Any:
    """The trust root: the certificates of a PEM bundle, else the platform's store."""
    if not ca_bundle:
        return platformTrust()
    blocks = _PEM.findall(Path(ca_bundle).read_bytes())
    if not blocks:
        raise ValueError(f"{ca_bundle}: no PEM certificate found")
    return trustRootFromCertificates([Certificate.loadPEM(block) for block in blocks])


class VerifyingContextFactory(_ScrapyClientContextFactory):
    """Verify server certificates, except for the configured insecure hosts."""

    def __init__(
        self,
        *args: Any,
        ca_bundle: str | None = None,
        insecure_hosts: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.trust_root = load_trust_root(ca_bundle)
        self.insecure_hosts = [h.lower().strip(".") for h in insecure_hosts or [] if h.strip()]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> VerifyingContextFactory:
        """Build from ``AKIMWATCH_CA_BUNDLE`` and ``AKIMWATCH_INSECURE_HOSTS``; warn on opt-outs."""
        insecure = crawler.settings.getlist("AKIMWATCH_INSECURE_HOSTS")
        if insecure:
            logger.warning(
                "TLS certificate verification is OFF for %s (crawl.insecure_hosts)",
                ", ".join(insecure),
            )
        kwargs.update(
            ca_bundle=crawler.settings.get("AKIMWATCH_CA_BUNDLE") or None, insecure_hosts=insecure
        )
        return super().from_crawler(crawler, *args, **kwargs)

    def is_insecure(self, host: str) -> bool:
        """Whether ``host`` is exempt from verification."""
        host = host.lower().strip(".")
        return any(host == h or host.endswith("." + h) for h in self.insecure_hosts)

    def creatorForNetloc(self, hostname: bytes, port: int) -> IOpenSSLClientConnectionCreator:
        """Verifying options for the host, or Scrapy's non-verifying ones for insecure hosts."""
        host = hostname.decode("ascii")
        if self.is_insecure(host):
            return cast(IOpenSSLClientConnectionCreator, super().creatorForNetloc(hostname, port))
        options: IOpenSSLClientConnectionCreator = optionsForClientTLS(
            hostname=host,
            trustRoot=self.trust_root,
            extraCertificateOptions=self._get_cert_options_kwargs(),
        )
        return options


class VerifyingHTTPSDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler with :class:`VerifyingContextFactory`."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._contextFactory = cast(IPolicyForHTTPS, VerifyingContextFactory.from_crawler(crawler))
