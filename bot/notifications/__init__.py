"""Proactive monthly score notifications (issue 5).

The handler calls `on_activity` on every turn and `set_subscription` for "stop/start
notifications"; the app calls `attach_scheduler`; `python -m bot notify` calls `run_notify` and
prints the returned `NotifySummary`.
"""

from bot.notifications.job import MonthNotDueError, run_notify
from bot.notifications.models import NotifySummary
from bot.notifications.references import on_activity, set_subscription
from bot.notifications.schedule import attach_scheduler

__all__ = [
    "MonthNotDueError",
    "NotifySummary", "attach_scheduler", "on_activity", "run_notify", "set_subscription"]
