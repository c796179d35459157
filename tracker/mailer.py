"""Sending email over SMTP: plain, STARTTLS or implicit TLS, with a login when configured.

Layer 3 (I/O); imports nothing from service or cli. The password comes from the settings, which
read it from TRACKER_SMTP__PASSWORD only; it is never logged or put into an error message.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import ssl
from email.message import EmailMessage
from types import TracebackType

from tracker.config import SMTPSettings
from tracker.errors import NetworkError

log = logging.getLogger(__name__)


class MessageRefused(NetworkError):
    """The server took the connection but refused this message; others may still go through.

    `permanent` when every recipient was refused with a 5xx answer (no such mailbox): sending the
    same message again cannot succeed. A 4xx answer or a refused sender or body is worth a retry.
    """

    def __init__(self, message: str, where: str | None = None, *, permanent: bool = False) -> None:
        super().__init__(message, where)
        self.permanent = permanent


def _refusals(refused: dict[str, tuple[int, bytes | str]]) -> tuple[str, bool]:
    parts = []
    for rcpt, (code, text) in sorted(refused.items()):
        answer = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        parts.append(f"{rcpt}: {code} {' '.join(answer.split())}")
    return "; ".join(parts), all(code >= 500 for code, _ in refused.values())


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        )
        return f"{exc.smtp_code} {' '.join(str(text).split())}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


class Mailer:
    """One SMTP session, opened on the first `send` and closed on exit.

    `send` raises `MessageRefused` when the server refuses one message (the session goes on) and
    `NetworkError` when the server cannot be reached or drops the connection.
    """

    def __init__(self, settings: SMTPSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        scheme = "smtps" if self.settings.ssl else "smtp"
        return f"{scheme}://{self.settings.host}:{self.settings.port}"

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def open(self) -> None:
        if self._smtp is not None:
            return
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP | None = None
        try:
            if s.ssl:
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.starttls:
                    smtp.starttls(context=context)
            if s.username:
                password = s.password.get_secret_value() if s.password else ""
                smtp.login(s.username, password)
        except smtplib.SMTPAuthenticationError as exc:
            self._discard(smtp)
            raise NetworkError(f"login as {s.username!r} refused: {_reason(exc)}", where=self.where) from None
        except smtplib.SMTPNotSupportedError as exc:
            self._discard(smtp)
            raise NetworkError(f"server does not support this: {_reason(exc)}", where=self.where) from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, TLS failure, bad greeting
            self._discard(smtp)
            raise NetworkError(f"cannot reach the SMTP server: {_reason(exc)}", where=self.where) from None
        self._smtp = smtp
        log.debug("connected to %s", self.where)

    def send(self, msg: EmailMessage) -> None:
        self.open()
        assert self._smtp is not None
        try:
            refused = self._smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            text, permanent = _refusals(exc.recipients)
            raise MessageRefused(
                f"recipient refused: {text}", where=self.where, permanent=permanent
            ) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise MessageRefused(f"message refused: {_reason(exc)}", where=self.where) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._discard(self._smtp)
            self._smtp = None
            raise NetworkError(f"connection lost while sending: {_reason(exc)}", where=self.where) from None
        if refused:  # some recipients of a several-recipient message
            text, permanent = _refusals(refused)
            raise MessageRefused(f"recipient refused: {text}", where=self.where, permanent=permanent)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._discard(smtp)

    @staticmethod
    def _discard(smtp: smtplib.SMTP | None) -> None:
        if smtp is None:
            return
        with contextlib.suppress(OSError):  # closing a dead socket
            smtp.close()
