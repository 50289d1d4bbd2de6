"""The browser's tradecraft keys (SPEC §7): ``J`` the key judgments, ``I`` the indicators.

:class:`TradecraftActions` holds the actions; :class:`~briefer.tui.app.BrieferApp`
is one. The screens follow reloads and the clock as panels do (``tui/panel.py``).
"""

from __future__ import annotations

from textual.screen import Screen

from briefer.tui.filtering import FilterActions

__all__ = ["TradecraftActions"]


class TradecraftActions(FilterActions):
    """Open the judgments and the indicators; act on what is chosen there."""

    def _open(self, screen_type: type[Screen[str | None]]) -> bool:
        """True when ``screen_type`` should be pushed: a log is shown and it is not open yet."""
        from briefer.tui.indicators import IndicatorsScreen
        from briefer.tui.judgments import JudgmentsScreen

        if self.view is None:
            self.notify("No log is shown yet.", severity="warning", timeout=3)
            return False
        if self.still_loading():  # the boards count observations over every event
            return False
        if isinstance(self.screen, screen_type):
            return False
        if isinstance(self.screen, JudgmentsScreen | IndicatorsScreen):
            self.screen.dismiss(None)  # one of the two at a time
        return True

    # The screens are imported when first opened: not on the way to the first paint.

    def action_judgments(self) -> None:
        from briefer.tui.judgments import JudgmentsScreen

        if self.view is not None and self._open(JudgmentsScreen):
            self.push_screen(JudgmentsScreen(self.view, self.now()), self._basis_chosen)

    def action_indicators(self) -> None:
        from briefer.tui.indicators import IndicatorsScreen

        if self.view is not None and self._open(IndicatorsScreen):
            self.push_screen(IndicatorsScreen(self.view, self.now()), self._indicator_chosen)

    def _basis_chosen(self, event_id: str | None) -> None:
        if event_id is not None:
            self.select_event(event_id)

    def _indicator_chosen(self, indicator_id: str | None) -> None:
        if indicator_id is not None:
            self.set_filter(f"indicator:{indicator_id}")
