"""``briefer schedule``: print a cron line or systemd units for unattended briefs."""

from __future__ import annotations

from pathlib import Path

import click

from briefer.cli.base import Settings, cli
from briefer.errors import InvalidInput

__all__ = ["schedule"]


@cli.command()
@click.option("--cron", "fmt", flag_value="cron", help="Print a crontab line.")
@click.option("--systemd", "fmt", flag_value="systemd", help="Print a systemd service and timer.")
@click.option(
    "--at",
    "at",
    default="07:00",
    show_default=True,
    metavar="HH:MM",
    help="Time of day (the machine's local time for cron; the timer's for systemd).",
)
@click.option("--every", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
@click.option(
    "--mail",
    "mail_to",
    multiple=True,
    metavar="ADDR[,ADDR…]",
    help="Mail each brief (the job carries the BRIEFER_SMTP_* settings set here, no password).",
)
@click.option("--fetch", is_flag=True, help="Fetch the feeds into the inbox first.")
@click.pass_obj
def schedule(
    settings: Settings,
    fmt: str | None,
    at: str,
    every: str,
    mail_to: tuple[str, ...],
    fetch: bool,
) -> None:
    """Print a ready-to-install schedule for unattended briefs.

    \b
    The job runs: briefer --log LOG render --since last --if-changed --pdf -q
    with absolute paths, so each brief covers the time since the previous one
    and nothing is written when nothing changed. With --fetch it first runs
    briefer --log LOG inbox fetch -q (a feed that fails does not stop the brief).
    """
    import os

    from briefer.schedule import (
        Schedule,
        briefer_command,
        crontab_line,
        mail_environment,
        systemd_units,
    )

    if fmt is None:
        raise click.UsageError("choose --cron or --systemd")
    hh, sep, mm = at.partition(":")
    if not (sep and hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
        raise click.BadParameter(f"{at!r} is not a time of day (HH:MM)", param_hint="--at")
    log = Path(settings.log_path).resolve()
    if not log.is_file():
        raise InvalidInput(f"{settings.log_path}: no such log file")
    mail: tuple[str, ...] = ()
    if mail_to:
        from briefer.delivery.settings import MailSetupError, parse_addresses

        try:
            mail = parse_addresses(mail_to)
        except MailSetupError as exc:
            message = str(exc).removeprefix("--mail: ")
            raise click.BadParameter(message, param_hint="--mail") from None
        if os.environ.get("BRIEFER_SMTP_PASSWORD") and not os.environ.get(
            "BRIEFER_SMTP_PASSWORD_FILE"
        ):
            click.echo(
                "briefer: note: the job does not carry BRIEFER_SMTP_PASSWORD: put the password "
                "in a file only you can read and set BRIEFER_SMTP_PASSWORD_FILE to it",
                err=True,
            )
    environment = mail_environment() if mail else ()
    plan = Schedule(log, int(hh), int(mm), every, briefer_command(), mail, environment, fetch=fetch)
    if fmt == "cron":
        what = "the lines below" if plan.environment else "the last line"
        click.echo(f"# Install: crontab -e, then paste {what} (cron mails its output)")
        click.echo(crontab_line(plan), nl=False)
        return
    units = systemd_units(plan)
    target = "~/.config/systemd/user/"
    click.echo(f"# Save these two files in {target} (or /etc/systemd/system/), then run:")
    click.echo("#   systemctl --user daemon-reload && systemctl --user enable --now briefer.timer")
    click.echo("# Failures: systemctl --user status briefer.service; journalctl --user -u briefer")
    for name, text in units.items():
        click.echo(f"\n# ---- {name} ----")
        click.echo(text, nl=False)
