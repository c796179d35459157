"""SMTP sending against real servers on loopback: plain, STARTTLS + login, implicit TLS, failures.

The test certificate carries an IP subjectAltName for 127.0.0.1 (hostname checks need it); it is
trusted through SSL_CERT_FILE, the standard OpenSSL variable the default context reads.
"""

from __future__ import annotations

import logging
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.test_reminders_support import SMTPServer, free_port
from tracker import config
from tracker.config import SMTPSettings
from tracker.errors import NetworkError
from tracker.mailer import Mailer, MessageRefused

PASSWORD = "pw-7Hq2-never-logged"


def _message(to: str = "ops@example.org") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "deadlines@tracker.test"
    msg["To"] = to
    msg["Subject"] = "test"
    msg.set_content("hello")
    return msg


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed; cannot make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_context(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test certificate
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def _authenticator(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == b"deadlines" and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=True would mean "reply already sent"


def test_sends_a_message() -> None:
    server = SMTPServer().start()
    try:
        with Mailer(SMTPSettings(host="127.0.0.1", port=server.port)) as mailer:
            mailer.send(_message())
            mailer.send(_message("counsel@example.org"))
    finally:
        server.stop()
    assert [r for _f, r, _m in server.sink.messages] == [["ops@example.org"], ["counsel@example.org"]]


def test_unreachable_server_is_a_one_line_network_error() -> None:
    port = free_port()  # nothing listens there
    with Mailer(SMTPSettings(host="127.0.0.1", port=port)) as mailer, pytest.raises(NetworkError) as info:
        mailer.send(_message())
    err = info.value
    assert err.exit_code == 7
    assert str(err) == f"smtp://127.0.0.1:{port}: cannot reach the SMTP server: Connection refused"


def test_silent_server_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts the connection, never greets
        port = listener.getsockname()[1]
        settings = SMTPSettings(host="127.0.0.1", port=port, timeout=0.5)
        with Mailer(settings) as mailer, pytest.raises(NetworkError, match="timed out"):
            mailer.send(_message())


def test_refused_recipient_is_message_refused() -> None:
    server = SMTPServer().start()
    try:
        with Mailer(SMTPSettings(host="127.0.0.1", port=server.port)) as mailer:
            with pytest.raises(MessageRefused) as gone:
                mailer.send(_message("refused@example.org"))
            with pytest.raises(MessageRefused) as busy:
                mailer.send(_message("busy@example.org"))
            mailer.send(_message())  # the session goes on
    finally:
        server.stop()
    assert str(gone.value).endswith("recipient refused: refused@example.org: 550 5.1.1 no such mailbox")
    assert gone.value.permanent and not busy.value.permanent
    assert "450" in str(busy.value)
    assert len(server.sink.messages) == 1


@pytest.fixture
def starttls_server(tls_context: ssl.SSLContext) -> Iterator[SMTPServer]:
    server = SMTPServer(
        tls_context=tls_context, require_starttls=True, authenticator=_authenticator, auth_require_tls=True
    ).start()
    yield server
    server.stop()


def _settings_from_env(
    tmp_path: Path, port: int, monkeypatch: pytest.MonkeyPatch, password: str
) -> SMTPSettings:
    """The password reaches the mailer the only way it may: TRACKER_SMTP__PASSWORD."""
    path = tmp_path / "tracker.toml"
    path.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nusername = "deadlines"\nstarttls = true\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TRACKER_SMTP__PASSWORD", password)
    return config.load(path).smtp


def test_starttls_and_login_keep_the_password_out_of_logs(
    starttls_server: SMTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = _settings_from_env(tmp_path, starttls_server.port, monkeypatch, PASSWORD)
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings)
    with Mailer(settings) as mailer:
        mailer.send(_message())
    assert len(starttls_server.sink.messages) == 1
    assert PASSWORD not in caplog.text


def test_wrong_password_is_refused_without_echoing_it(
    starttls_server: SMTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings_from_env(tmp_path, starttls_server.port, monkeypatch, "wrong-pw-Zx9")
    with Mailer(settings) as mailer, pytest.raises(NetworkError) as info:
        mailer.send(_message())
    assert "login as 'deadlines' refused: 535" in str(info.value)
    assert "wrong-pw-Zx9" not in str(info.value)
    assert starttls_server.sink.messages == []


def test_starttls_against_an_untrusted_certificate_fails(
    starttls_server: SMTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/ca.pem")
    settings = SMTPSettings(host="127.0.0.1", port=starttls_server.port, starttls=True)
    with (
        Mailer(settings) as mailer,
        pytest.raises(NetworkError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"),
    ):
        mailer.send(_message())


def test_implicit_tls(tls_context: ssl.SSLContext) -> None:
    server = SMTPServer(ssl_context=tls_context).start()
    try:
        with Mailer(SMTPSettings(host="127.0.0.1", port=server.port, ssl=True)) as mailer:
            assert mailer.where.startswith("smtps://")
            mailer.send(_message())
    finally:
        server.stop()
    assert len(server.sink.messages) == 1
