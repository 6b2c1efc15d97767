"""Narrowing for values read from JSON (or handed over as such) before a model checks them.

`isinstance(value, dict)` narrows to a dict of unknown keys and values, which strict type checking
refuses to use; these say what is known: a dict or list of any values, to be checked by the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # TypeIs is in `typing` from Python 3.13
    from typing_extensions import TypeIs


def is_dict(value: object) -> TypeIs[dict[Any, Any]]:
    return isinstance(value, dict)


def is_list(value: object) -> TypeIs[list[Any]]:
    return isinstance(value, list)
