"""Where mail goes and who sends it, from the environment; addresses checked before rendering.

``BRIEFER_SMTP_URL`` names the server and how to talk to it:
``smtp://host[:port]`` (plain, port 25: a relay on this machine or network,
never with a password), ``smtp+starttls://host[:port]`` (port 587, upgraded
with STARTTLS before anything else is said) or ``smtps://host[:port]`` (port
465, TLS from the first byte). ``BRIEFER_SMTP_USER`` logs in, with
``BRIEFER_SMTP_PASSWORD`` or, better in a crontab, ``BRIEFER_SMTP_PASSWORD_FILE``.
``BRIEFER_MAIL_FROM`` is the sender (default: the user, when it is an
address). ``BRIEFER_SMTP_CAFILE`` is a PEM file of the certificate
authorities to trust instead of the system's (a server with a private
CA); certificates and host names are always checked. ``BRIEFER_SMTP_TIMEOUT``
is how many seconds to wait for the server at each step (default 30).

Every problem is a :class:`MailSetupError`, a usage error (exit 2) raised
before anything is rendered, whose message never holds the password.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MailSetupError", "SmtpSettings", "parse_addresses"]

_SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
# A deliberately plain check: one @, no spaces, quotes, angle brackets or commas, a dot in
# the domain or a bare host name. Enough to refuse a typo before rendering; the
# server has the last word.
_ADDRESS = re.compile(r"[^@\s<>(),;:\"\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


class MailSetupError(ValueError):
    """The mail settings or an address are wrong (a usage error, exit 2)."""


def parse_addresses(values: Sequence[str], option: str = "--mail") -> tuple[str, ...]:
    """``a@x,b@y`` (comma-separated, repeatable) → the addresses, each checked."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            address = part.strip()
            if not address:
                raise MailSetupError(f"{option}: an empty address in {value!r}")
            if not _ADDRESS.fullmatch(address):
                raise MailSetupError(f"{option}: {address!r} is not a mail address")
            if address not in found:
                found.append(address)
    if not found:
        raise MailSetupError(f"{option}: no address given")
    return tuple(found)


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server, and as whom."""

    host: str
    port: int
    #: ``plain``, ``starttls`` or ``tls``.
    security: str
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: Path | None = None
    timeout: float = 30.0

    @property
    def server(self) -> str:
        """``host:port``, as messages name it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings:
        """The settings from ``environ`` (the process's by default); MailSetupError if wrong."""
        env = os.environ if environ is None else environ
        url = env.get("BRIEFER_SMTP_URL", "").strip()
        if not url:
            raise MailSetupError(
                "set BRIEFER_SMTP_URL to send mail (smtp+starttls://host:587, smtps://host, "
                "or smtp://host for a relay that needs no password)"
            )
        host, port, security = _server(url)
        user = env.get("BRIEFER_SMTP_USER") or None
        password = _password(env)
        if password is not None and user is None:
            raise MailSetupError("a password is set but BRIEFER_SMTP_USER is not")
        if user is not None and security == "plain":
            raise MailSetupError(
                "BRIEFER_SMTP_URL: smtp:// would send the password in clear; "
                "use smtp+starttls:// or smtps://"
            )
        if user is not None and password is None:
            raise MailSetupError(
                "BRIEFER_SMTP_USER is set: set BRIEFER_SMTP_PASSWORD_FILE "
                "(or BRIEFER_SMTP_PASSWORD) too"
            )
        sender = env.get("BRIEFER_MAIL_FROM") or (user if user and "@" in user else "")
        if not sender:
            raise MailSetupError("set BRIEFER_MAIL_FROM to the address briefs are sent from")
        parse_addresses([sender], "BRIEFER_MAIL_FROM")
        cafile = env.get("BRIEFER_SMTP_CAFILE") or None
        if cafile is not None and not Path(cafile).is_file():
            raise MailSetupError(f"BRIEFER_SMTP_CAFILE: {cafile}: no such file")
        return cls(
            host=host,
            port=port,
            security=security,
            sender=sender,
            user=user,
            password=password,
            cafile=Path(cafile) if cafile else None,
            timeout=_timeout(env.get("BRIEFER_SMTP_TIMEOUT")),
        )


def _server(url: str) -> tuple[str, int, str]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise MailSetupError(
            f"BRIEFER_SMTP_URL: scheme {parts.scheme or '(none)'!r} is not one of "
            "smtp, smtp+starttls, smtps"
        )
    if parts.username is not None or parts.password is not None:
        # A password in a URL ends up in crontabs, unit files and process lists.
        raise MailSetupError(
            "BRIEFER_SMTP_URL: put the user in BRIEFER_SMTP_USER and the password in "
            "BRIEFER_SMTP_PASSWORD_FILE, not in the URL"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise MailSetupError("BRIEFER_SMTP_URL: only smtp[s]://host[:port] is understood")
    security, default_port = _SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise MailSetupError("BRIEFER_SMTP_URL: the port is not a number 1..65535") from None
    if not parts.hostname:
        raise MailSetupError("BRIEFER_SMTP_URL: no host")
    return parts.hostname, port, security


def _password(env: Mapping[str, str]) -> str | None:
    name = env.get("BRIEFER_SMTP_PASSWORD_FILE")
    if name:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or type(exc).__name__
            raise MailSetupError(f"BRIEFER_SMTP_PASSWORD_FILE: cannot read {name}: {why}") from None
        return text.rstrip("\r\n")
    return env.get("BRIEFER_SMTP_PASSWORD") or None


def _timeout(text: str | None) -> float:
    if not text:
        return 30.0
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 < value <= 3600:
        raise MailSetupError(f"BRIEFER_SMTP_TIMEOUT: {text!r} is not a number of seconds (0..3600]")
    return value
