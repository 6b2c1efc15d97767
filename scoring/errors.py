"""ProfileError: every problem in a profile, each naming the field and the value."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str  # path as people read it: "people[0].certifications[1]"
    value: Any
    message: str
    suggestions: list[str] = dataclasses.field(default_factory=list[str])

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ProfileError(ValueError):
    """The profile is invalid. `errors` lists every problem found; str() gives one line per error."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors) or "invalid profile")


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """("people", 0, "certifications", 1) -> "people[0].certifications[1]"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(profile)"


def short_value(value: Any, limit: int = 80) -> Any:
    """A value fit to quote in an error: scalars as they are, text and structures cut to `limit`."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
