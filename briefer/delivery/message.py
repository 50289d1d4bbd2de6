"""The mail that carries a brief: subject, HTML body, plain-text alternative, PDF attached."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from email.message import EmailMessage

    from briefer.brief import BriefContext

__all__ = ["BriefFiles", "bluf_lines", "build_message", "mail_subject"]


def mail_subject(ctx: BriefContext) -> str:
    """``[MARKING] TITLE — Report N — DTG`` (SPEC §9); no brackets without a marking."""
    parts = [ctx.title]
    if ctx.report_number is not None:
        parts.append(f"Report {ctx.report_number}")
    parts.append(ctx.dtg)
    subject = " — ".join(parts)
    if ctx.marking:
        subject = f"[{ctx.marking}] {subject}"
    return " ".join(subject.split())  # one line, whatever the log's title holds


def bluf_lines(ctx: BriefContext) -> tuple[str, ...]:
    """The bottom line as plain text, one line an item: ``Title (24 Sep 2023)``."""
    return tuple(" ".join(f"{item.event.title} ({item.date})".split()) for item in ctx.bluf)


@dataclass(frozen=True)
class BriefFiles:
    """A written brief's files, as a mail carries them."""

    markdown: Path
    html: Path | None = None
    pdf: Path | None = None

    @classmethod
    def from_outputs(cls, outputs: Sequence[str | Path]) -> BriefFiles:
        """The files among a brief's outputs (as the manifest lists them)."""
        paths = [Path(o) for o in outputs]
        by_suffix = {p.suffix: p for p in paths}
        markdown = by_suffix.get(".md")
        if markdown is None:
            raise ValueError("the brief has no Markdown file to send")
        return cls(markdown, by_suffix.get(".html"), by_suffix.get(".pdf"))


def build_message(
    files: BriefFiles,
    *,
    subject: str,
    sender: str,
    recipients: Sequence[str],
    now: float | None = None,
) -> EmailMessage:
    """The mail: multipart/alternative (Markdown text, then the HTML brief), the PDF attached.

    ``Message-ID`` is made on the sender's domain; ``Date`` is ``now`` (the clock
    by default). Reading a file may raise OSError; the caller reports it.
    """
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(time.time() if now is None else now, localtime=False)
    domain = sender.rpartition("@")[2].strip(">") or None
    message["Message-ID"] = make_msgid(idstring="briefer", domain=domain)
    text = files.markdown.read_text(encoding="utf-8")
    message.set_content(text, subtype="plain", charset="utf-8")
    if files.html is not None:
        message.add_alternative(files.html.read_text(encoding="utf-8"), subtype="html")
    if files.pdf is not None:
        message.add_attachment(
            files.pdf.read_bytes(),
            maintype="application",
            subtype="pdf",
            filename=files.pdf.name,
        )
    return message
