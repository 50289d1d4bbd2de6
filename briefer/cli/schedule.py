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
@click.option("--fetch", is_flag=True, help="Fetch the feeds into the inbox first.")
@click.pass_obj
def schedule(settings: Settings, fmt: str | None, at: str, every: str, fetch: bool) -> None:
    """Print a ready-to-install schedule for unattended briefs.

    \b
    The job runs: briefer --log LOG render --since last --if-changed --pdf -q
    with absolute paths, so each brief covers the time since the previous one
    and nothing is written when nothing changed. With --fetch it first runs
    briefer --log LOG inbox fetch -q (a feed that fails does not stop the brief).
    """
    from briefer.schedule import Schedule, briefer_command, crontab_line, systemd_units

    if fmt is None:
        raise click.UsageError("choose --cron or --systemd")
    hh, sep, mm = at.partition(":")
    if not (sep and hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
        raise click.BadParameter(f"{at!r} is not a time of day (HH:MM)", param_hint="--at")
    log = Path(settings.log_path).resolve()
    if not log.is_file():
        raise InvalidInput(f"{settings.log_path}: no such log file")
    plan = Schedule(log, int(hh), int(mm), every, briefer_command(), fetch=fetch)
    if fmt == "cron":
        click.echo("# Install: crontab -e, then paste the last line (cron mails its output)")
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
