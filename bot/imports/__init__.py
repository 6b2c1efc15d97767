"""Spreadsheets and Partner Center exports into the profile: read, preview, apply (see README)."""

from bot.imports.chat import handle_import_turn, is_import_turn
from bot.imports.preview import PendingPreviews, Preview, ReceivedFile, apply_import, build_preview
from bot.imports.problems import ImportProblem

__all__ = ["ImportProblem", "PendingPreviews", "Preview", "ReceivedFile", "apply_import", "build_preview",
           "handle_import_turn", "is_import_turn"]
