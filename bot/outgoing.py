"""A direct JSON path for the activities the bot sends.

msrest's `Serializer.body()` first deserialises the model it is given (a full round trip through
its generic, validating type walker) and then serialises it again: about a quarter of a question
turn's CPU. The activities we send are models we built ourselves, so `DirectSerializer.body()`
writes their JSON in one walk over the same `_attribute_map`s, producing the same JSON as msrest
(tests/bot/core/test_outgoing.py compares the two on every kind of activity the bot sends). Any
other body (a dict, a type we do not know) goes to msrest unchanged.
"""

from __future__ import annotations

import copy
import datetime as dt
from enum import Enum
from typing import Any

from botbuilder.schema import Attachment
from msrest.serialization import Model, Serializer

_BASIC = {"str": str, "bool": bool, "int": int, "float": float}


def model_json(model: Model) -> dict[str, Any]:
    """The JSON object msrest writes for `model` (None attributes left out, readonly ones too)."""
    out: dict[str, Any] = {}
    validation = model._validation
    for attr, desc in model._attribute_map.items():
        value = getattr(model, attr, None)
        if value is None or (validation and validation.get(attr, {}).get("readonly")):
            continue
        key = desc["key"]
        if attr == "additional_properties" and key == "":
            out.update(value)
            continue
        out[key] = value_json(value, desc["type"])
    return out


def value_json(value: Any, data_type: str) -> Any:
    """`value` as JSON for msrest's `data_type` ('str', 'iso-8601', '[Attachment]', 'object'...)."""
    if value is None:
        return None
    if isinstance(value, Model):
        return model_json(value)
    if isinstance(value, Enum):
        return value.value
    if data_type.startswith("[") and isinstance(value, list | tuple):
        inner = data_type[1:-1]
        return [value_json(item, inner) for item in value]
    if data_type.startswith("{") and isinstance(value, dict):
        inner = data_type[1:-1]
        return {key: value_json(item, inner) for key, item in value.items()}
    basic = _BASIC.get(data_type)
    if basic is not None:
        return basic(value)
    if data_type == "iso-8601" and isinstance(value, dt.datetime):
        return Serializer.serialize_iso(value)
    return object_json(value)


def object_json(value: Any) -> Any:
    """An untyped value ('object': card content, channelData, value) as msrest writes it: models
    inside become JSON, enums their value, the rest is copied as it is."""
    if isinstance(value, Model):
        return model_json(value)
    if isinstance(value, dict):
        return {key: object_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [object_json(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return Serializer.serialize_iso(value)
    return value


class SentAttachment(Attachment):
    """A reply's attachment whose content (a card built for that reply alone, never changed once
    built) is shared by copies of it.

    botbuilder's `TurnContext.send_activities` deep-copies every outgoing activity so that filling in
    the conversation reference cannot touch the caller's object; that only sets the activity's own
    top-level fields, yet the copy walks the whole card (for the scorecard card it costs more than
    writing its JSON). A copy of this attachment is a new attachment over the same content. It stays
    an `Attachment` model, so msrest and `DirectSerializer` write it as they write any attachment."""

    def __deepcopy__(self, memo: dict[int, Any]) -> SentAttachment:
        return copy.copy(self)


class DirectSerializer(Serializer):
    """msrest's Serializer with request bodies of our own models written directly (see above)."""

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        model_class = self.dependencies.get(data_type)
        if type(data) is model_class and not kwargs:
            return model_json(data)
        return super().body(data, data_type, **kwargs)


def use_direct_serializer(client: Any) -> Any:
    """Give a ConnectorClient's operations the direct JSON path for the bodies they send."""
    serializer = DirectSerializer(client._serialize.dependencies)
    client._serialize = serializer
    for name in ("conversations", "attachments"):
        operations = getattr(client, name, None)
        if operations is not None:
            operations._serialize = serializer
    return client
