"""What the app asks of a panel that follows the log and the clock (header, watch list).

A new panel implements these two methods and is found by the app: it needs no
line in the app's loading or clock code. A screen implementing them (the
judgments, the indicators) is found too while it is on the screen stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from briefer.tui.view import LogView

__all__ = ["Panel"]


@runtime_checkable
class Panel(Protocol):
    """A widget showing part of the loaded log, some of it as of the clock."""

    def set_view(self, view: LogView, now: float) -> None:
        """Show the newly loaded log (called after every successful load)."""

    def tick(self, now: float) -> None:
        """Redraw what depends on the time (called every second, before any load too)."""
