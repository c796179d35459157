"""Posting a notification to a webhook with httpx: a few quick retries, then the caller's backoff.

Layer 3 (I/O); imports nothing from service or cli. A webhook URL may carry its credential in the
path (Slack, Teams), so errors name it only as `notifications.redact_url` does; the signing secret
never reaches this module (it gets finished headers) and nothing here logs a body or a header.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType

import httpx

from tracker.errors import NetworkError
from tracker.notifications import redact_url

log = logging.getLogger(__name__)


class _RedactURLs(logging.Filter):
    """httpx logs every request's full URL at INFO (`tracker run` shows INFO): webhook URLs posted
    through a Sender are replaced there by their redacted form."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.urls and isinstance(record.args, tuple):
            record.args = tuple(redact_url(str(a)) if str(a) in self.urls else a for a in record.args)
        return True


_REDACT = _RedactURLs()
logging.getLogger("httpx").addFilter(_REDACT)

#: Answers worth another try: the receiver is overloaded, restarting, or asks to slow down.
RETRY_STATUS = frozenset({408, 425, 429})
DELAYS = (1.0, 4.0)  # seconds between the tries of one send; later retries are the sweep's backoff
TIMEOUT = 10.0


class WebhookRefused(NetworkError):
    """The receiver answered, and refused for good (a 3xx or a 4xx other than 408, 425, 429):
    sending the same notification again cannot succeed, so it is not retried."""

    permanent = True


class Sender:
    """One HTTP client for the webhooks of a sweep; `post` tries 1 + len(delays) times."""

    def __init__(
        self,
        *,
        timeout: float = TIMEOUT,
        delays: Sequence[float] = DELAYS,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.delays = tuple(delays)
        self._sleep = sleep
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=False, transport=transport, headers={"User-Agent": "tracker"}
        )

    def __enter__(self) -> Sender:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        """POST `body`; returns on a 2xx answer, raises WebhookRefused or NetworkError otherwise."""
        where = redact_url(url)
        _REDACT.urls.add(url)
        error = NetworkError("not sent", where=where)
        for attempt in range(len(self.delays) + 1):
            if attempt:
                self._sleep(self.delays[attempt - 1])
            try:
                response = self._client.post(url, content=body, headers=dict(headers))
            except httpx.TimeoutException:
                error = NetworkError("the webhook did not answer in time", where=where)
            except httpx.TransportError as exc:
                error = NetworkError(f"cannot reach the webhook: {_reason(exc)}", where=where)
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return
                if status >= 500 or status in RETRY_STATUS:
                    error = NetworkError(f"the webhook answered HTTP {status}", where=where)
                else:
                    raise WebhookRefused(f"the webhook refused the notification: HTTP {status}", where=where)
            log.debug("webhook %s: try %d failed: %s", where, attempt + 1, error.message)
        raise error


def _reason(exc: Exception) -> str:
    # httpx messages name the URL at times; the cause's errno text does not.
    cause = exc.__cause__ or exc.__context__
    while cause is not None and cause.__cause__ is not None:
        cause = cause.__cause__
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return type(exc).__name__
