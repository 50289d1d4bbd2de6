"""Ready-to-install schedules for unattended briefs: a crontab line or systemd units.

Everything is spelled out with absolute paths (cron and systemd start jobs
with a bare environment and another working directory), and the job renders
``--since last --if-changed --pdf``: a brief only when something changed, each
covering the time since the previous one.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MAIL_VARIABLES",
    "Schedule",
    "briefer_command",
    "crontab_line",
    "mail_environment",
    "systemd_units",
]

_WEEKDAY = "Mon"


@dataclass(frozen=True)
class Schedule:
    """When and what to run."""

    log: Path
    hour: int
    minute: int
    every: str  # "daily" or "weekly"
    command: tuple[str, ...]
    #: Who gets each brief by mail (``render --mail``); none: no mail.
    mail: tuple[str, ...] = ()
    #: The mail settings the job needs ({name: value}); never a password.
    environment: tuple[tuple[str, str], ...] = ()
    #: Fetch the log's feeds into the inbox first (``schedule --fetch``).
    fetch: bool = False

    @property
    def project(self) -> Path:
        return self.log.parent

    def argv(self) -> list[str]:
        return [
            *self.command,
            "--log",
            str(self.log),
            "render",
            "--since",
            "last",
            "--if-changed",
            "--pdf",
            *(("--mail", ",".join(self.mail)) if self.mail else ()),
            "-q",
        ]

    def fetch_argv(self) -> list[str]:
        """The feed fetch run before the brief (its failure does not stop the brief)."""
        return [*self.command, "--log", str(self.log), "inbox", "fetch", "-q"]


#: The mail settings a job copies from the environment it is made in. The
#: password never: a job names the file that holds it (BRIEFER_SMTP_PASSWORD_FILE).
MAIL_VARIABLES = (
    "BRIEFER_SMTP_URL",
    "BRIEFER_SMTP_USER",
    "BRIEFER_SMTP_PASSWORD_FILE",
    "BRIEFER_SMTP_CAFILE",
    "BRIEFER_SMTP_TIMEOUT",
    "BRIEFER_MAIL_FROM",
)


def mail_environment(environ: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """The mail settings set in ``environ`` (this process's), for the job to carry."""
    env = os.environ if environ is None else environ
    return tuple((name, env[name]) for name in MAIL_VARIABLES if env.get(name))


def briefer_command() -> tuple[str, ...]:
    """The absolute command that runs this briefer (its console script, else ``python -m``)."""
    script = Path(sys.executable).parent / ("briefer.exe" if os.name == "nt" else "briefer")
    if script.is_file():
        return (str(script),)
    found = shutil.which("briefer")
    if found:
        return (str(Path(found).resolve()),)
    return (sys.executable, "-m", "briefer")


def crontab_line(s: Schedule) -> str:
    """A crontab entry (with a comment line saying what it does)."""
    dow = "1" if s.every == "weekly" else "*"
    command = " ".join(shlex.quote(a) for a in s.argv())
    if s.fetch:  # ';': a feed that fails is reported (cron mails it) and the brief still made;
        # in braces, so that neither runs if the cd fails
        command = "{ " + " ".join(shlex.quote(a) for a in s.fetch_argv()) + "; " + command + "; }"
    when = "every Monday" if s.every == "weekly" else "every day"
    # cron reads NAME=value lines as the environment of the jobs after them.
    settings = "".join(f"{name}={value}\n" for name, value in s.environment)
    return (
        f"# briefer: a brief of {s.log.name} {when} at {s.hour:02d}:{s.minute:02d}, only if "
        "something changed; cron mails any error output\n"
        f"{settings}"
        f"{s.minute} {s.hour} * * {dow} cd {shlex.quote(str(s.project))} && {command}\n"
    )


def systemd_units(s: Schedule, name: str = "briefer") -> dict[str, str]:
    """``{file name: contents}`` of a oneshot service and the timer that starts it."""
    calendar = (
        f"{_WEEKDAY + ' ' if s.every == 'weekly' else ''}*-*-* {s.hour:02d}:{s.minute:02d}:00"
    )
    exec_start = " ".join(_systemd_quote(a) for a in s.argv())
    service = (
        "[Unit]\n"
        f"Description=briefer: situation brief of {s.log}\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"WorkingDirectory={s.project}\n"
        + "".join(f"Environment={_systemd_quote(f'{n}={v}')}\n" for n, v in s.environment)
        + (  # '-': a feed that fails is logged, and the brief is still made
            f"ExecStartPre=-{' '.join(_systemd_quote(a) for a in s.fetch_argv())}\n"
            if s.fetch
            else ""
        )
        + f"ExecStart={exec_start}\n"
        "Nice=10\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=briefer: {s.every} brief of {s.log}\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar={calendar}\n"
        "Persistent=true\n"
        "RandomizedDelaySec=60\n"
        f"Unit={name}.service\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{name}.service": service, f"{name}.timer": timer}


def _systemd_quote(arg: str) -> str:
    if arg and all(c.isalnum() or c in "/._-:=+,@" for c in arg):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{escaped}"'
