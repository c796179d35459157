"""Who may see the pages: the access token, the session cookie derived from it, CSRF tokens.

Layer 5 (part of tracker.web). Stateless, so several `tracker serve` processes share sessions: the
cookie is `v1.<issued>.<nonce>.<mac>`, a MAC under a key derived from the access token (never the
token itself), and a session's CSRF token is another MAC of its nonce. Changing the access token
ends every session. Every comparison of a secret is constant-time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "tracker_session"
MAX_AGE = dt.timedelta(days=30)
_SKEW = 300  # seconds a cookie may seem to come from the future (clocks of several servers)


@dataclass(frozen=True, slots=True)
class Session:
    """An authenticated request: by the session cookie (forms need `csrf`) or a Bearer header."""

    via: str  # cookie | bearer
    csrf: str = ""


class Guard:
    """Checks the access token, makes and reads session cookies, and checks CSRF tokens."""

    def __init__(self, token: str, clock: Callable[[], dt.datetime], *, secure: bool = False) -> None:
        self._token_digest = hashlib.sha256(token.encode()).digest()
        self._key = hmac.new(token.encode(), b"tracker web session key v1", hashlib.sha256).digest()
        self._clock = clock
        self.secure = secure  # Secure cookie attribute even on a plain-HTTP request (TLS at a proxy)

    def token_ok(self, given: str | None) -> bool:
        if not given:
            return False
        # Digests first: the comparison then takes the same time whatever the length given.
        return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), self._token_digest)

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def new_cookie(self) -> str:
        issued = int(self._clock().timestamp())
        body = f"v1.{issued}.{secrets.token_urlsafe(18)}"
        return f"{body}.{self._mac(body)}"

    def session(self, request: Request) -> Session | None:
        """The request's session: a valid Bearer token, or else a valid, unexpired cookie."""
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self.token_ok(credentials.strip()):
            return Session("bearer")
        parts = request.cookies.get(COOKIE, "").split(".")
        if len(parts) != 4 or parts[0] != "v1" or not parts[1].isdigit() or not parts[2]:
            return None
        issued, nonce, mac = parts[1:]
        body = ".".join(parts[:3])
        if not hmac.compare_digest(self._mac(body).encode(), mac.encode()):
            return None
        age = self._clock().timestamp() - int(issued)
        if age < -_SKEW or age > MAX_AGE.total_seconds():
            return None
        return Session("cookie", self._mac(f"csrf.{nonce}"))

    @staticmethod
    def csrf_ok(session: Session, given: str | None) -> bool:
        """A form's CSRF token; Bearer requests need none (no browser adds that header by itself)."""
        if session.via == "bearer":
            return True
        return bool(given) and hmac.compare_digest(session.csrf.encode(), (given or "").encode())

    def set_cookie(self, response: Response, request: Request) -> None:
        response.set_cookie(
            COOKIE,
            self.new_cookie(),
            max_age=int(MAX_AGE.total_seconds()),
            path="/",
            httponly=True,
            samesite="strict",
            secure=self.secure or request.url.scheme == "https",
        )

    def clear_cookie(self, response: Response, request: Request) -> None:
        response.delete_cookie(
            COOKIE,
            path="/",
            httponly=True,
            samesite="strict",
            secure=self.secure or request.url.scheme == "https",
        )
