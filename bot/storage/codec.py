"""Items as plain JSON, the same for every backend.

A stored item is `{"key", "e_tag", "value"}` with `value` plain JSON. botbuilder's conversation state
holds one kind of object, the dialog stack (`DialogState` of `DialogInstance`s), written as
`{"$dialog_stack": [{"id": ..., "state": {...}}]}`; dialog instance states are plain JSON already
(the intake keeps its draft as `model_dump(mode="json")`). Anything else that is not JSON is
refused with TypeError when written: a silent fallback (jsonpickle) would store Python class paths
that a refactoring breaks.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

_DIALOG_STACK = "$dialog_stack"
# botbuilder.dialogs (the intake's) is imported by the first turn that needs it, not at start-up
# (bot/intake/runner.py): until then no DialogState can exist to be written, and the first one read
# imports it here.
_DIALOGS = "botbuilder.dialogs"


def _is_dialog_state(value: Any) -> bool:
    dialogs = sys.modules.get(_DIALOGS)
    return dialogs is not None and isinstance(value, dialogs.DialogState)


def _to_json(value: Any, where: str) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if _is_dialog_state(value):
        return {_DIALOG_STACK: [{"id": instance.id, "state": _to_json(instance.state, f"{where}.state")}
                                for instance in value.dialog_stack]}
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: key {key!r} is not a string; stored items are plain JSON")
            out[key] = _to_json(item, f"{where}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_to_json(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if hasattr(value, "__dict__") and not isinstance(value, type):
        # botbuilder StoreItem-like objects: their public attributes, read back as a dict.
        return _to_json({k: v for k, v in vars(value).items() if not k.startswith("_")}, where)
    raise TypeError(f"{where}: {type(value).__name__} is not JSON; stored items are plain JSON")


def _is_empty_stack(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and value.get(_DIALOG_STACK) == []


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if _DIALOG_STACK in value and len(value) == 1:
            from botbuilder.dialogs import DialogInstance, DialogState

            return DialogState([DialogInstance(entry.get("id"), _from_json(entry.get("state") or {}))
                                for entry in value[_DIALOG_STACK]])
        # An empty dialog stack (every conversation's state held one before the intake stopped
        # opening its dialog on every message) is read as no dialog state: the same to botbuilder,
        # which starts an empty one when a dialog runs, without importing botbuilder.dialogs.
        return {key: _from_json(item) for key, item in value.items() if not _is_empty_stack(item)}
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    return value


def plain_json(value: Any) -> Any:
    """A value a JSON encoder does not know (a dialog stack, a StoreItem-like object) as plain JSON;
    TypeError for anything else (msgspec's `enc_hook`)."""
    if _is_dialog_state(value) or (hasattr(value, "__dict__") and not isinstance(value, type)):
        return _to_json(value, "item")
    raise TypeError(f"{type(value).__name__} is not JSON; stored items are plain JSON")


def encode(item: Any) -> Any:
    """The JSON value stored for `item` (its `e_tag` left out); a private copy. TypeError if an
    object in it is not JSON."""
    value = _to_json(item, "item")
    if isinstance(value, dict):
        value.pop("e_tag", None)
    json.dumps(value, allow_nan=False)  # NaN/inf are not JSON: refuse them here, not when reading
    return value


def decode(value: Any, e_tag: str) -> Any:
    """The item for a stored JSON value: a private copy (dict items get their `e_tag`). `_from_json`
    builds every dict and list anew and JSON scalars are immutable, so it is the copy."""
    item = _from_json(value)
    if isinstance(item, dict):
        item["e_tag"] = e_tag
    return item
