"""Why a file is refused as a whole: a locale key (namespace `imports`) and its parameters."""

from __future__ import annotations

from typing import Any


class ImportProblem(Exception):
    """The file cannot be previewed. `key` is a text of cards/locales/*/imports.json."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"ImportProblem({self.key!r}, {self.params!r})"
