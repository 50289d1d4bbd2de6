"""The Jinja environment: template search path, Markdown-safe filters, error mapping.

Templates are looked up by name in ``--templates DIR`` first, then the
project's ``templates/`` folder (beside the log), then the packaged defaults,
so a user overrides one file without copying the rest. Undefined variables
are errors (StrictUndefined), reported as ``brief.md.j2:LINE: message``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from briefer.errors import InvalidInput
from briefer.render.escape import md_escape
from briefer.tradecraft.grades import RELIABILITY

__all__ = ["PACKAGE_TEMPLATES", "make_environment", "render_template"]

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def md_block(value: object, key: object = None) -> str:
    """A summary's Markdown, kept, but unable to change the brief around it.

    Headings are demoted below the brief's own: an ATX heading becomes level
    4+ (never in the PDF outline) and a setext underline is escaped, so its
    paragraph stays a paragraph. Then the summary is made self-contained (see
    :func:`~briefer.render.summary.self_contained_markdown`): its link and
    footnote labels move into a namespace named after ``key`` (the event id)
    and a code fence left open is closed, so nothing in it reaches the
    citations, the other summaries or the sections after it.
    """
    from briefer.render.summary import brief_summary

    return brief_summary(str(value), str(key) if key is not None else None)


def md_code(value: object) -> str:
    """Text for inside an inline code span (backticks would end it)."""
    return " ".join(str(value).split()).replace("`", "'")


def md_url(value: object) -> str:
    """A URL for an autolink ``<…>``: no spaces or angle brackets inside."""
    return re.sub(r"[\s<>]", lambda m: f"%{ord(m.group()):02X}", str(value))


def number(value: float) -> str:
    """``4,500``, ``2.5``."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def signed(value: float) -> str:
    """``+800``, ``−800`` (a real minus sign), ``±0``."""
    if value == 0:
        return "±0"
    return ("+" if value > 0 else "−") + number(abs(value))


def cite(marks: Sequence[int | str]) -> str:
    """``[1][3 B2]``: reference numbers, or citation marks (already in number order)."""
    if all(isinstance(m, int) for m in marks):
        marks = sorted(marks)
    return "".join(f"[{m}]" for m in marks)


def _autoescape(name: str | None) -> bool:
    # select_autoescape() matches on the last suffix only and would miss ".html.j2".
    return name is not None and name.removesuffix(".j2").endswith((".html", ".htm", ".xml", ".svg"))


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once, kept beside the parsed-log cache: compiling the brief's
    two templates took ~60 ms of every render. Jinja files each under its template's
    name and path and uses it only while the template's source is the same; a cache
    that cannot be read or written only costs that time."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or damaged (Jinja checks only its header): compile
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            super().dump_bytecode(bucket)


def _compiled_templates() -> CompiledTemplates:
    """The cache for this briefer and Jinja: the code compiled depends on this module's
    settings (autoescaping, whitespace) as well as on the template's source."""
    from briefer import __version__
    from briefer.cache import cache_dir

    try:
        st = os.stat(__file__)
        here = f"{st.st_size}-{st.st_mtime_ns}"
    except OSError:
        here = "0"
    tag = f"{__version__}-{jinja2.__version__}-{here}"
    return CompiledTemplates(str(cache_dir() / "templates" / tag))


def make_environment(
    override_dirs: Sequence[Path] = (), *, compiled: bool = True
) -> jinja2.Environment:
    """An environment searching ``override_dirs`` (in order) before the packaged templates;
    with ``compiled``, keeping compiled templates in the cache folder."""
    search = [str(d) for d in override_dirs if d.is_dir()]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*search, str(PACKAGE_TEMPLATES)]),
        bytecode_cache=_compiled_templates() if compiled else None,
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters.update(
        md=md_escape,
        md_block=md_block,
        md_code=md_code,
        md_url=md_url,
        number=number,
        signed=signed,
        cite=cite,
        reliability=RELIABILITY.get,
    )
    return env


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render ``name``; any template problem becomes InvalidInput ``NAME:LINE: message``."""
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.name or name}:{exc.lineno}"
        raise InvalidInput(f"{where}: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise InvalidInput(f"template {exc.name} not found") from None
    except Exception as exc:  # undefined names, bad filters, errors raised inside a template
        if isinstance(exc, InvalidInput):
            raise
        line = _template_line(exc)
        where = f"{name}:{line}" if line else name
        message = getattr(exc, "message", None) or str(exc)
        raise InvalidInput(f"{where}: {message}") from None


def _template_line(exc: BaseException) -> int | None:
    """The innermost template line in the traceback (Jinja rewrites frames to point there)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
