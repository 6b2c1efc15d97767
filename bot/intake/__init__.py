"""Guided intake: Adaptive Card dialogs that collect a partner's profile (issue 4).

The handler calls `run_intake_turn` for every message (True = consumed), `start_intake` on
install / "start" / "update my data", and `on_card_action` for `adaptiveCard/action` invokes.
"""

from bot.intake.runner import on_card_action, run_intake_turn, start_intake

__all__ = ["on_card_action", "run_intake_turn", "start_intake"]
