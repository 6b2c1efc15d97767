"""Spreadsheets and Partner Center exports into the profile: read, preview, apply (see README).

The names below are imported on first use (PEP 562): the handler checks every message with
`handle_import_turn`, and only a turn carrying a file loads the readers (numpy, Arrow).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.imports.chat import handle_import_turn, is_import_turn
    from bot.imports.preview import PendingPreviews, Preview, ReceivedFile, apply_import, build_preview
    from bot.imports.problems import ImportProblem

_HOME = {
    "handle_import_turn": "bot.imports.chat",
    "is_import_turn": "bot.imports.chat",
    "PendingPreviews": "bot.imports.preview",
    "Preview": "bot.imports.preview",
    "ReceivedFile": "bot.imports.preview",
    "apply_import": "bot.imports.preview",
    "build_preview": "bot.imports.preview",
    "ImportProblem": "bot.imports.problems",
}

__all__ = [
    "ImportProblem",
    "PendingPreviews",
    "Preview",
    "ReceivedFile",
    "apply_import",
    "build_preview",
    "handle_import_turn",
    "is_import_turn",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
