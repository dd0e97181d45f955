"""Safe by default: the access token, the CSRF check of the one write, the security headers.

With ``[web] token_hash`` set (required for any address but the loopback), every request but
``/healthz`` carries the token: ``Authorization: Bearer TOKEN``, or HTTP Basic with the token as
the password (what a browser asks for). Only the bcrypt hash is configured; a token once checked
is remembered by its SHA-256 so bcrypt runs once per token, not per request. Without a token the
application is read-only: re-queuing a dead alert needs the token and a CSRF token from the page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import bcrypt

if TYPE_CHECKING:  # hash_token works without the web extra (akimwatch serve --hash-token)
    from starlette.requests import Request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
OPEN = ("/healthz",)
CHALLENGE = {"WWW-Authenticate": 'Basic realm="akimwatch", charset="UTF-8"'}


def hash_token(token: str) -> str:
    """The bcrypt hash of ``token``, for ``[web] token_hash``."""
    return bcrypt.hashpw(token.encode(), bcrypt.gensalt()).decode()


def presented(request: Request) -> str | None:
    """The token a request carries (Bearer, or the password of HTTP Basic), or None."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


class Guard:
    """Checks tokens against the configured hash and signs the CSRF token of the pages."""

    def __init__(self, token_hash: str | None) -> None:
        self.token_hash = token_hash
        self._known: set[str] = set()
        self._secret = secrets.token_bytes(32)

    @property
    def required(self) -> bool:
        """Whether requests need the token."""
        return self.token_hash is not None

    def valid(self, token: str | None) -> bool:
        """Whether ``token`` is the configured one."""
        if token is None or self.token_hash is None:
            return False
        digest = hashlib.sha256(token.encode()).hexdigest()
        if digest in self._known:
            return True
        if bcrypt.checkpw(token.encode(), self.token_hash.encode()):
            self._known.add(digest)
            return True
        return False

    def allowed(self, request: Request) -> bool:
        """Whether the request may be answered (always, without a configured token)."""
        return not self.required or request.url.path in OPEN or self.valid(presented(request))

    def csrf(self, action: str) -> str:
        """The CSRF token of a form doing ``action``."""
        return hmac.new(self._secret, action.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, request: Request, action: str, given: str) -> bool:
        """The form's token matches and the request comes from this site's own page."""
        if not hmac.compare_digest(given.encode(), self.csrf(action).encode()):
            return False
        origin = request.headers.get("origin") or request.headers.get("referer")
        if not origin:
            return False
        parts = urlsplit(origin)
        return f"{parts.scheme}://{parts.netloc}" == f"{request.url.scheme}://{request.url.netloc}"
