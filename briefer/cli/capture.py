"""``briefer add``: a new event in a new file of the capture folder (SPEC §8).

The flags of an entry are declared once here (:func:`entry_options`) and
shared by ``briefer inbox accept``, which goes through :func:`run_capture` too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from briefer.cli.base import Settings, cli, count
from briefer.errors import InvalidInput
from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.capture.entry import Entry
    from briefer.capture.place import Placed
    from briefer.model import EventLog, Pos

__all__ = ["add", "entry_from_flags", "entry_options", "run_capture"]

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS: tuple[Callable[[F], F], ...] = (
    click.option("--title", help="The event's title (without it, the editor opens)."),
    click.option(
        "--date",
        metavar="WHEN",
        help="When it happened: now (the default), 7d (back), 2023-09-24T07:30, 2023-11~ …",
    ),
    click.option("--kind", help="incident, deployment, political, … or a kind the log declares."),
    click.option("--summary", help="What happened (Markdown)."),
    click.option("--tag", "tags", multiple=True, help="A tag (repeatable)."),
    click.option("--actor", "actors", multiple=True, help="An actor (repeatable)."),
    click.option("--place", help="Where it happened."),
    click.option("--sig", type=click.IntRange(1, 5), help="Significance, 1..5 (default 3)."),
    click.option("--conf", type=click.Choice(["high", "moderate", "low"]), help="Confidence."),
    click.option(
        "--source",
        "sources",
        multiple=True,
        metavar="ID|URL",
        help="A source id, or a URL (an existing source with that URL, else a new one).",
    ),
    click.option("--source-title", help="The title of the first new source (else its URL)."),
    click.option("--related", multiple=True, metavar="ID", help="A related event (repeatable)."),
    click.option("--edit", is_flag=True, help="Open the editor even with --title."),
)


def entry_options(function: F) -> F:
    """The flags of an entry, on ``add`` and on ``inbox accept``."""
    for option in reversed(_OPTIONS):
        function = option(function)
    return function


def entry_from_flags(flags: dict[str, Any], **more: Any) -> Entry:
    """The entry the flags describe (``more`` fills what they leave out)."""
    from briefer.capture.entry import Entry

    values: dict[str, Any] = {
        "title": flags.get("title"),
        "date": flags.get("date"),
        "kind": flags.get("kind"),
        "summary": flags.get("summary"),
        "tags": tuple(flags.get("tags") or ()),
        "actors": tuple(flags.get("actors") or ()),
        "place": flags.get("place"),
        "significance": flags.get("sig"),
        "confidence": flags.get("conf"),
        "sources": tuple(flags.get("sources") or ()),
        "source_title": flags.get("source_title"),
        "related": tuple(flags.get("related") or ()),
    }
    for key, value in more.items():
        if not values.get(key):
            values[key] = value
    return Entry(**values)


@cli.command()
@entry_options
@click.option("--resume", is_flag=True, help="Open the last kept draft again.")
@click.pass_obj
def add(settings: Settings, /, resume: bool, edit: bool, **flags: Any) -> None:
    """Add an event to the log, as a new file in the log's capture: folder.

    \b
    With --title it is written at once; without it (or with --edit) $VISUAL or
    $EDITOR opens on a commented template, as git commit does. The entry is
    checked with the whole log first: an invalid one writes nothing, prints the
    problems and keeps the draft (--resume opens it again).
    Prints the new file and the event's id.
    """
    entry = entry_from_flags(flags)
    placed = run_capture(settings, entry, edit=edit or resume or not entry.title, resume=resume)
    click.echo(f"{placed.display} {placed.event_id}")


def run_capture(
    settings: Settings,
    entry: Entry,
    *,
    edit: bool,
    resume: bool = False,
    notes: Sequence[str] = (),
    after: Callable[[Placed], None] | None = None,
) -> Placed:
    """Write ``entry`` (through the editor when ``edit``) as ``add`` does; the placed file.

    InvalidInput (exit 1) after printing the problems of an invalid entry.
    ``after`` runs once the file is in place (the inbox marks its item).
    """
    from briefer.capture.editor import run_editor, strip_comments, template, with_id
    from briefer.capture.entry import build, dump
    from briefer.capture.place import (
        InvalidLogError,
        Rejected,
        capture,
        capture_folder,
        last_draft,
        new_draft,
    )

    now = int(time.time())
    stem = _stem(entry, now)
    draft = None
    if edit:
        log = settings.load_valid(events=False)  # the template needs none of its events
        folder = capture_folder(settings.log_path, log)
        _check_date(entry, log, now)
        if resume:
            draft = last_draft(folder)
            if draft is None:
                raise InvalidInput(f"no draft to resume in {_shown(folder)}/.drafts/")
            body = strip_comments(draft.read_text(encoding="utf-8"))
        else:
            body = dump(build(log, entry, now, template=True))
        full = template(log, body, notes)
        if draft is None:
            draft = new_draft(folder, stem, full)
        else:
            draft.write_text(full, encoding="utf-8")
        try:
            status = run_editor(str(draft), full.count("\n") - body.count("\n") + 1)
        except OSError as exc:
            raise InvalidInput(f"cannot run the editor: {exc.strerror}") from None
        if status != 0:
            raise InvalidInput(
                f"the editor exited with status {status}; nothing written "
                f"(the draft is kept in {_shown(draft)})"
            )
        edited = strip_comments(draft.read_text(encoding="utf-8"))
        if not edited.strip():
            draft.unlink()
            raise InvalidInput("the entry is empty; nothing written")

        def make_text(current: EventLog, ids: Mapping[str, Pos]) -> str:
            return with_id(edited, current.tzinfo, ids)

    else:
        # One load of the log, under the capture lock (see capture()).

        def make_text(current: EventLog, ids: Mapping[str, Pos]) -> str:
            _check_date(entry, current, now)
            return dump(build(current, entry, now, taken=ids))

    try:
        outcome = capture(
            settings.log_path,
            make_text,
            now=now,
            draft=draft,
            draft_stem=stem,
            use_cache=settings.use_cache,
        )
    except InvalidLogError as exc:
        for problem in exc.problems:
            click.echo(printable(str(problem)), err=True)
        raise
    if isinstance(outcome, Rejected):
        for problem in outcome.problems:
            click.echo(printable(str(problem)), err=True)
        raise InvalidInput(
            f"the entry is invalid ({count(len(outcome.problems), 'problem')}); nothing "
            f"written; the draft is kept in {outcome.display} ('briefer add --resume' opens it)"
        )
    if after is not None:
        after(outcome)
    return outcome


def _stem(entry: Entry, now: int) -> str:
    """A draft's name: when it was started (UTC), and its title."""
    from briefer.slugs import slugify

    words = slugify(entry.title or "", limit=40)
    stamp = time.strftime("%Y-%m-%dT%H%MZ", time.gmtime(now))
    return f"{stamp}-{words}" if words else stamp


def _check_date(entry: Entry, log: EventLog, now: int) -> None:
    """A usage error (exit 2) for a ``--date`` that is no date."""
    from briefer.capture.entry import entry_date
    from briefer.dates import DateError

    try:
        entry_date(entry.date, log.tzinfo, now)
    except DateError as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from None


def _shown(path: object) -> str:
    from briefer.loader import display_name

    return display_name(str(path))
