"""Sending a mail with :mod:`smtplib`; any failure becomes one line with the server's reply.

TLS is verified as the standard library does by default (certificate chain
and host name), against the system's authorities or ``BRIEFER_SMTP_CAFILE``;
nothing here turns verification off. The password goes to ``login`` and
nowhere else: smtplib's debug output stays off, and no message built here
holds it.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from email.message import EmailMessage

    from briefer.delivery.settings import SmtpSettings

__all__ = ["SendFailed", "send"]


class SendFailed(Exception):
    """The server did not take the mail; ``str()`` is what it replied, on one line."""


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    line = "".join(c if c.isprintable() else "?" for c in line)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return _one_line(f"{code} {text}")


def _context(settings: SmtpSettings) -> ssl.SSLContext:
    cafile = str(settings.cafile) if settings.cafile is not None else None
    return ssl.create_default_context(cafile=cafile)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "tls":
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=_context(settings)
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _converse(client: smtplib.SMTP, settings: SmtpSettings, message: EmailMessage,
              recipients: Sequence[str]) -> None:  # fmt: skip
    client.ehlo()
    if settings.security == "starttls":
        client.starttls(context=_context(settings))
        client.ehlo()
    if settings.user is not None:
        client.login(settings.user, settings.password or "")
    refused = client.send_message(message, from_addr=settings.sender, to_addrs=list(recipients))
    if refused:  # some recipients taken, some not: still a failed delivery
        raise smtplib.SMTPRecipientsRefused(refused)


def send(settings: SmtpSettings, message: EmailMessage, recipients: Sequence[str]) -> None:
    """Hand ``message`` to the server for ``recipients``; SendFailed saying why not."""
    try:
        client = _connect(settings)
    except Exception as exc:
        raise SendFailed(_why(exc, settings)) from None
    try:
        _converse(client, settings, message, recipients)
    except Exception as exc:
        client.close()
        raise SendFailed(_why(exc, settings)) from None
    with contextlib.suppress(smtplib.SMTPException, OSError):
        client.quit()
    client.close()


def _why(exc: BaseException, settings: SmtpSettings) -> str:
    """One line for what went wrong, with the server's reply when there was one."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {_reply(code, text)}" for address, (code, text) in exc.recipients.items()
        )
        return f"recipient refused: {refused}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"login refused: {_reply(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _one_line(f"the server does not support it: {exc}")
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return f"no reply within {settings.timeout:g} s"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _one_line(
            f"its certificate is not trusted ({exc.verify_message}); "
            "BRIEFER_SMTP_CAFILE names the authority to trust"
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _one_line(f"the server closed the connection ({exc})")
    if isinstance(exc, ssl.SSLError):
        return _one_line(f"TLS failed: {exc.reason or exc}")
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError):
        return _one_line(exc.strerror or str(exc) or type(exc).__name__)
    if isinstance(exc, smtplib.SMTPException):
        return _one_line(str(exc) or type(exc).__name__)
    raise exc
