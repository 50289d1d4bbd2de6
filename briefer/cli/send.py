"""``briefer send``: mail a recorded brief again; the mail steps ``render --mail`` shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefer.cli.base import Settings, cli, lock_wait_option
from briefer.errors import DeliveryFailed, InvalidInput
from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.delivery.deliver import Recorded
    from briefer.delivery.message import BriefFiles
    from briefer.delivery.settings import SmtpSettings
    from briefer.series.manifest import ReportRecord

__all__ = ["MailPlan", "mail_setup", "send", "send_brief"]


@dataclass(frozen=True)
class MailPlan:
    """Who gets the brief, and through which server."""

    recipients: tuple[str, ...]
    settings: SmtpSettings


def mail_setup(values: tuple[str, ...], option: str) -> MailPlan:
    """The addresses and the server settings, or a usage error (exit 2) before any work."""
    from briefer.delivery.settings import MailSetupError, SmtpSettings, parse_addresses

    try:
        recipients = parse_addresses(values, option)
    except MailSetupError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"{option}: "), param_hint=option) from None
    try:
        settings = SmtpSettings.from_env()
    except MailSetupError as exc:
        raise click.UsageError(str(exc)) from None
    return MailPlan(recipients, settings)


def send_brief(
    files: BriefFiles,
    *,
    subject: str,
    mail: MailPlan,
    record: Recorded | None,
    number: int | None,
    quiet: bool,
) -> None:
    """Mail the brief; a failure is DeliveryFailed (exit 5) saying how to retry."""
    from briefer.delivery.deliver import deliver

    done = deliver(
        files, subject=subject, recipients=mail.recipients, settings=mail.settings, record=record
    )
    to = ", ".join(mail.recipients)
    if done.outcome != "sent":
        retry = ""
        if record is not None and number is not None:
            retry = (
                f"; the brief is written and recorded: retry with 'briefer send {number} --to {to}'"
            )
        elif record is None:
            retry = "; the brief is written"
        raise DeliveryFailed(f"mail to {to} via {mail.settings.server} failed: {done.reply}{retry}")
    if not quiet:
        click.echo(printable(f"Mailed to {to} ({done.message_id})"))


@cli.command()
@click.argument("report", metavar="REPORT")
@click.option(
    "--to",
    "to",
    multiple=True,
    required=True,
    metavar="ADDR[,ADDR…]",
    help="Who gets it (repeatable, or comma-separated).",
)
@lock_wait_option("a render")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@click.pass_obj
def send(
    settings: Settings, report: str, to: tuple[str, ...], lock_wait: float, quiet: bool
) -> None:
    """Mail a brief recorded in reports/ again (or to someone else).

    REPORT is its number in the series, `last`, or one of its files. The mail
    is the one `render --mail` sends: the HTML brief (when it was written)
    with the Markdown as plain text, the PDF attached when there is one.
    Every attempt is recorded in reports/manifest.json. Exit codes: 1 no such
    report; 2 usage (a bad address, mail settings); 3 a brief file cannot be
    read; 5 the server did not take the mail.
    """
    from briefer.delivery.deliver import Recorded
    from briefer.delivery.message import BriefFiles
    from briefer.series.manifest import load_manifest

    mail = mail_setup(to, "--to")
    reports = Path(settings.log_path).parent / "reports"
    records = load_manifest(reports)
    record = _find(records, report, settings)
    try:
        files = BriefFiles.from_outputs(record.outputs)
    except ValueError as exc:
        raise InvalidInput(f"report {record.number}: {exc}") from None
    subject = record.subject or f"{record.log} — Report {record.number}"
    send_brief(
        files,
        subject=subject,
        mail=mail,
        record=Recorded(reports, record.log, record.as_of, lock_wait),
        number=record.number,
        quiet=quiet,
    )


def _find(records: list[ReportRecord], report: str, settings: Settings) -> ReportRecord:
    """The record REPORT names, in the log's series."""
    if not records:
        raise InvalidInput("no brief is recorded in reports/ yet")
    logs = {r.log for r in records}
    if len(logs) > 1:  # several series share the folder: the log says which
        from briefer.series.manifest import log_slug

        slug = log_slug(settings.load_valid().title)
        records = [r for r in records if r.log == slug]
    if report == "last" and records:
        return records[-1]
    if report.isdigit():
        found = [r for r in records if r.number == int(report)]
    else:
        name = Path(report).name
        found = [r for r in records if name in {Path(o).name for o in r.outputs}]
    if not found:
        numbers = ", ".join(str(r.number) for r in records[-5:])
        raise InvalidInput(f"no recorded brief {report!r} (the latest: {numbers or 'none'})")
    return found[-1]
