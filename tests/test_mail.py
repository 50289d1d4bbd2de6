"""Mail delivery (SPEC §9) against a real SMTP server (aiosmtpd) on 127.0.0.1 started here.

Servers that take the mail (plain, STARTTLS with a certificate of a CA made in
the test, implicit TLS), refuse the login, refuse a recipient, or never
answer; each failure is exit 5 with one line, the brief written and recorded,
and every attempt in the manifest.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefer.delivery.settings import MailSetupError, SmtpSettings, parse_addresses
from tests.helpers import MINIMAL, run_cli, write

AS_OF = "2023-11-22T09:00"
LOG = MINIMAL.replace(
    "timezone: Europe/Belgrade\n", 'timezone: Europe/Belgrade\nmarking: "TLP:GREEN"\n'
)
STEM = "2023-11-22-test-log"
PASSWORD = "s3cret-pa55word"
SUBJECT = "[TLP:GREEN] Test log — Report 1 — 220800Z NOV 23"


@dataclass
class Inbox:
    """What the server received, and what it decides."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.reject:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        ok = (data.login, data.password) == (b"analyst", PASSWORD.encode())
        return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def cafile(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def _server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A plain SMTP server taking mail for anyone."""
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def starttls(ca: trustme.CA) -> Iterator[tuple[Inbox, int]]:
    """A server that wants STARTTLS, then a login (analyst / PASSWORD)."""
    inbox, port = Inbox(), _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(ca),
        require_starttls=True,
        auth_required=True,
        authenticator=inbox.authenticate,
    )
    controller.start()
    yield inbox, port
    controller.stop()


def _project(tmp_path: Path) -> Path:
    write(tmp_path / "events.yaml", LOG)
    return tmp_path


def _env(port: int, scheme: str = "smtp", **more: str) -> dict[str, str]:
    return {
        "BRIEFER_SMTP_URL": f"{scheme}://127.0.0.1:{port}",
        "BRIEFER_MAIL_FROM": "briefs@example.org",
        **more,
    }


def _deliveries(project: Path) -> list[dict[str, Any]]:
    manifest = json.loads((project / "reports" / "manifest.json").read_text(encoding="utf-8"))
    (record,) = manifest["reports"]
    return list(record.get("deliveries", []))


def _render(project: Path, env: dict[str, str], *extra: str, fmt: str = "md") -> Any:
    return run_cli(
        *("render", "--format", fmt, "--as-of", AS_OF, "--since", "2023-09-01"),
        *extra,
        cwd=project,
        env=env,
    )


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_the_mail_carries_the_brief(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    project = _project(tmp_path)
    done = _render(project, _env(port), "--mail", "a@example.org,b@example.org", fmt="md,pdf")
    assert (done.returncode, done.stderr) == (0, "")
    reports = project / "reports"
    assert done.stdout.splitlines()[-1].startswith("Mailed to a@example.org, b@example.org (<")
    ((to, raw),) = inbox.messages
    assert to == ["a@example.org", "b@example.org"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == SUBJECT
    assert message["From"] == "briefs@example.org"
    assert message["To"] == "a@example.org, b@example.org"
    assert message["Date"] is not None
    assert message["Message-ID"].endswith("@example.org>")
    assert message.get_content_type() == "multipart/mixed"
    body, attachment = message.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    text, html = body.iter_parts()
    assert text.get_content_type() == "text/plain"
    # Text travels with SMTP's CRLF line ends.
    assert _lf(text.get_content()) == (reports / f"{STEM}.md").read_text(encoding="utf-8")
    assert html.get_content_type() == "text/html"
    assert _lf(html.get_content()) == (reports / f"{STEM}.html").read_text(encoding="utf-8")
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{STEM}.pdf"
    assert attachment.get_content() == (reports / f"{STEM}.pdf").read_bytes()
    (delivery,) = _deliveries(project)
    assert delivery["outcome"] == "sent"
    assert delivery["to"] == ["a@example.org", "b@example.org"]
    assert delivery["message_id"] == message["Message-ID"]
    assert delivery["server"] == f"127.0.0.1:{port}"


def test_starttls_with_a_trusted_ca_and_a_login(
    tmp_path: Path, starttls: tuple[Inbox, int], cafile: Path
) -> None:
    inbox, port = starttls
    project = _project(tmp_path)
    secret = write(tmp_path / "password", PASSWORD + "\n")
    env = _env(
        port,
        "smtp+starttls",
        BRIEFER_SMTP_USER="analyst",
        BRIEFER_SMTP_PASSWORD_FILE=str(secret),
        BRIEFER_SMTP_CAFILE=str(cafile),
    )
    done = _render(project, env, "--mail", "a@example.org", "-q")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert inbox.logins == [(b"analyst", PASSWORD.encode())]
    ((_, raw),) = inbox.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"  # no PDF made, none attached
    assert PASSWORD not in (project / "reports" / "manifest.json").read_text(encoding="utf-8")


def test_an_untrusted_certificate_is_refused(tmp_path: Path, starttls: tuple[Inbox, int]) -> None:
    """Verification is on unless told which CA to trust: the test's CA is not the system's."""
    inbox, port = starttls
    project = _project(tmp_path)
    env = _env(port, "smtp+starttls", BRIEFER_SMTP_USER="analyst", BRIEFER_SMTP_PASSWORD=PASSWORD)
    done = _render(project, env, "--mail", "a@example.org")
    assert done.returncode == 5
    assert done.stderr.startswith(
        f"briefer: error: mail to a@example.org via 127.0.0.1:{port} failed: "
        "its certificate is not trusted ("
    )
    assert inbox.logins == []
    assert inbox.messages == []


def test_a_refused_login_is_exit_5_and_the_brief_stays(
    tmp_path: Path, starttls: tuple[Inbox, int], cafile: Path
) -> None:
    inbox, port = starttls
    project = _project(tmp_path)
    env = _env(
        port,
        "smtp+starttls",
        BRIEFER_SMTP_USER="analyst",
        BRIEFER_SMTP_PASSWORD="wrong-" + PASSWORD,
        BRIEFER_SMTP_CAFILE=str(cafile),
    )
    done = _render(project, env, "--mail", "a@example.org", "-v")
    assert done.returncode == 5
    last = done.stderr.splitlines()[-1]
    assert last == (
        f"briefer: error: mail to a@example.org via 127.0.0.1:{port} failed: login refused: "
        "535 5.7.8 Authentication credentials invalid; the brief is written and recorded: "
        "retry with 'briefer send 1 --to a@example.org'"
    )
    assert PASSWORD not in done.stdout + done.stderr
    assert (project / "reports" / f"{STEM}.md").is_file()
    assert (project / "reports" / f"{STEM}.html").is_file()
    (delivery,) = _deliveries(project)
    assert delivery["outcome"] == "failed"
    assert delivery["reply"].startswith("login refused: 535")
    assert PASSWORD not in (project / "reports" / "manifest.json").read_text(encoding="utf-8")
    assert inbox.messages == []


def test_a_refused_recipient_is_exit_5_then_send_retries(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    inbox.reject = {"gone@example.org"}
    project = _project(tmp_path)
    done = _render(project, _env(port), "--mail", "a@example.org,gone@example.org")
    assert done.returncode == 5
    assert done.stderr == (
        f"briefer: error: mail to a@example.org, gone@example.org via 127.0.0.1:{port} failed: "
        "recipient refused: gone@example.org: 550 5.1.1 <gone@example.org>: no such mailbox "
        "here; the brief is written and recorded: retry with "
        "'briefer send 1 --to a@example.org, gone@example.org'\n"
    )
    # The server took it for the other recipient; a partial delivery still counts as failed.
    assert [to for to, _ in inbox.messages] == [["a@example.org"]]
    again = run_cli("send", "1", "--to", "gone@example.org", "--to", "c@example.org",
                    cwd=project, env=_env(port))  # fmt: skip
    assert again.returncode == 5
    inbox.reject = set()
    last = run_cli("send", "last", "--to", "gone@example.org", "-q", cwd=project, env=_env(port))
    assert (last.returncode, last.stdout, last.stderr) == (0, "", "")
    assert [d["outcome"] for d in _deliveries(project)] == ["failed", "failed", "sent"]
    assert [to for to, _ in inbox.messages][-1] == ["gone@example.org"]
    sent = email.message_from_bytes(inbox.messages[-1][1], policy=email.policy.default)
    assert sent["Subject"] == SUBJECT


def test_a_server_that_never_answers_is_exit_5(tmp_path: Path) -> None:
    project = _project(tmp_path)
    with socket.socket() as silent:  # accepts connections (the kernel does), says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        done = _render(project, _env(port, BRIEFER_SMTP_TIMEOUT="0.5"), "--mail", "a@example.org")
    assert done.returncode == 5
    assert done.stderr == (
        f"briefer: error: mail to a@example.org via 127.0.0.1:{port} failed: no reply within "
        "0.5 s; the brief is written and recorded: retry with "
        "'briefer send 1 --to a@example.org'\n"
    )
    assert (project / "reports" / f"{STEM}.md").is_file()
    assert [d["outcome"] for d in _deliveries(project)] == ["failed"]


def test_implicit_tls(tmp_path: Path, ca: trustme.CA, cafile: Path) -> None:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=_server_context(ca))
    controller.start()
    try:
        project = _project(tmp_path)
        env = _env(port, "smtps", BRIEFER_SMTP_CAFILE=str(cafile))
        done = _render(project, env, "--mail", "a@example.org")
    finally:
        controller.stop()
    assert (done.returncode, done.stderr) == (0, "")
    assert len(inbox.messages) == 1


def test_a_refused_connection_is_exit_5(tmp_path: Path) -> None:
    project = _project(tmp_path)
    port = _free_port()  # nobody listens there now
    done = _render(project, _env(port), "--mail", "a@example.org", "--output", "out/")
    assert done.returncode == 5
    assert done.stderr == (
        f"briefer: error: mail to a@example.org via 127.0.0.1:{port} failed: connection "
        "refused; the brief is written\n"
    )
    assert (project / "out" / f"{STEM}.html").is_file()
    assert not (project / "reports").exists()  # --output elsewhere: nothing recorded


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ("--mail", "a@example.org,not an address"),
            _env(25),
            "Invalid value for --mail: 'not an address' is not a mail address",
        ),
        (("--mail", "a@example.org,"), _env(25), "Invalid value for --mail: an empty address"),
        (
            ("--mail", "a@example.org"),
            {"BRIEFER_MAIL_FROM": "briefs@example.org"},
            "set BRIEFER_SMTP_URL to send mail",
        ),
        (
            ("--mail", "a@example.org"),
            _env(25, BRIEFER_SMTP_USER="analyst", BRIEFER_SMTP_PASSWORD="x"),
            "BRIEFER_SMTP_URL: smtp:// would send the password in clear",
        ),
    ],
)
def test_bad_addresses_and_settings_are_refused_before_rendering(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    project = _project(tmp_path)
    done = _render(project, {"BRIEFER_SMTP_URL": "", **env}, *args)
    assert done.returncode == 2
    assert done.stderr.startswith(f"briefer: error: {message}")
    assert done.stderr.count("\n") == 1
    assert not (project / "reports").exists()


def test_settings_from_the_environment(tmp_path: Path) -> None:
    base = {"BRIEFER_MAIL_FROM": "b@example.org"}
    plain = SmtpSettings.from_env({**base, "BRIEFER_SMTP_URL": "smtp://relay"})
    assert (plain.host, plain.port, plain.security, plain.user) == ("relay", 25, "plain", None)
    tls = SmtpSettings.from_env(
        {
            "BRIEFER_SMTP_URL": "smtps://mail.example.org",
            "BRIEFER_SMTP_USER": "me@example.org",
            "BRIEFER_SMTP_PASSWORD": PASSWORD,
        }
    )
    assert (tls.port, tls.security, tls.sender) == (465, "tls", "me@example.org")
    assert PASSWORD not in repr(tls)
    assert SmtpSettings.from_env({**base, "BRIEFER_SMTP_URL": "smtp+starttls://[::1]"}).server == (
        "[::1]:587"
    )
    for env, wanted in [
        ({"BRIEFER_SMTP_URL": "http://x"}, "scheme 'http' is not one of"),
        ({"BRIEFER_SMTP_URL": f"smtps://me:{PASSWORD}@x"}, "not in the URL"),
        ({"BRIEFER_SMTP_URL": "smtps://x:99999"}, "the port is not a number"),
        ({"BRIEFER_SMTP_URL": "smtps://x", "BRIEFER_SMTP_USER": "me"}, "BRIEFER_SMTP_PASSWORD"),
        ({"BRIEFER_SMTP_URL": "smtps://x", "BRIEFER_SMTP_TIMEOUT": "soon"}, "TIMEOUT"),
        ({"BRIEFER_SMTP_URL": "smtps://x", "BRIEFER_SMTP_CAFILE": str(tmp_path / "no")}, "no such"),
    ]:
        with pytest.raises(MailSetupError, match=wanted) as caught:
            SmtpSettings.from_env({**base, **env})
        assert PASSWORD not in str(caught.value)
    assert parse_addresses(["a@x.org, b@y.org", "a@x.org"]) == ("a@x.org", "b@y.org")


def test_schedule_mail_puts_it_in_the_job_without_the_password(tmp_path: Path) -> None:
    project = _project(tmp_path)
    env = _env(587, "smtp+starttls", BRIEFER_SMTP_USER="analyst", BRIEFER_SMTP_PASSWORD=PASSWORD)
    done = run_cli(
        "schedule", "--cron", "--mail", "a@example.org,b@example.org", cwd=project, env=env
    )
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert "BRIEFER_SMTP_URL=smtp+starttls://127.0.0.1:587" in lines
    assert "BRIEFER_SMTP_USER=analyst" in lines
    assert lines[-1].endswith("--pdf --mail a@example.org,b@example.org -q")
    assert PASSWORD not in done.stdout + done.stderr
    assert "BRIEFER_SMTP_PASSWORD_FILE" in done.stderr
    units = run_cli("schedule", "--systemd", "--mail", "a@example.org", cwd=project, env=env)
    assert "Environment=BRIEFER_SMTP_USER=analyst" in units.stdout.splitlines()
    bad = run_cli("schedule", "--cron", "--mail", "nobody", cwd=project)
    assert bad.returncode == 2
