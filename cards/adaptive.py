"""Small builders for Adaptive Card 1.5 elements, so card modules read as layouts, not JSON.

Every function returns a plain dict; nothing here knows about bots. `card()` wraps a body in the
1.5 envelope with Teams' `msteams` width hint (the only Teams extension we use).

Colour: Teams' host configs give `Good` text 2.1:1 on the light theme's white and `Attention` text
3.2:1 on the dark theme's grey (WCAG AA wants 4.5:1), and the same colours on tinted containers are
worse. So text keeps the default colour (or `Accent`, which reads in every theme) and a status is
shown by a tinted container (`status`) or a symbol (`GOOD_MARK`, `ATTENTION_MARK`) next to the words.
tests/cards/test_cards_render.py measures this in Teams' light, dark and high-contrast themes.
"""

from __future__ import annotations

from typing import Any

from scoring.jsonvalue import is_dict, is_list

SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
# The attachment content type of an Adaptive Card in a Bot Framework activity or invoke response.
ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
Element = dict[str, Any]
GOOD_MARK = "✓"
ATTENTION_MARK = "⚠"


def _set(out: Element, fields: dict[str, Any]) -> Element:
    """Adds the optional properties that are set (truthy): cards stay small and say only what differs
    from the Adaptive Cards defaults."""
    out.update((key, value) for key, value in fields.items() if value)
    return out


def card(
    body: list[Element],
    actions: list[Element] | None = None,
    *,
    refresh: Element | None = None,
    lang: str | None = None,
    fallback_text: str | None = None,
) -> Element:
    out: Element = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA_URL,
        "version": VERSION,
        "body": body,
        # Full width: scorecards and forms are unreadable in Teams' default narrow bubble.
        "msteams": {"width": "Full"},
    }
    # `lang` is an ISO 639-1 code in the schema (the SDK refuses "zh-TW"): the language, not the region.
    language = lang.split("-", 1)[0].lower() if lang else None
    return _set(
        out, {"actions": actions, "refresh": refresh, "lang": language, "fallbackText": fallback_text}
    )


def text(
    value: str,
    *,
    size: str | None = None,
    weight: str | None = None,
    color: str | None = None,
    subtle: bool = False,
    wrap: bool = True,
    spacing: str | None = None,
    separator: bool = False,
    style: str | None = None,
    element_id: str | None = None,
) -> Element:
    out: Element = {"type": "TextBlock", "text": value, "wrap": wrap}
    return _set(
        out,
        {
            "size": size,
            "weight": weight,
            "color": color,
            "isSubtle": subtle,
            "spacing": spacing,
            "separator": separator,
            "style": style,
            "id": element_id,
        },
    )


def literal(value: str) -> str:
    """User-typed text for a TextBlock or FactSet, where Adaptive Cards render markdown links.

    A zero-width space between "]" and "(" keeps a name such as "[Sign in](https://evil.example)"
    from becoming a link dressed up as something else; the text reads exactly as typed. (Bare URLs
    stay visible as what they are.)"""
    return value.replace("](", "]\u200b(")


def without_links(node: Any) -> Any:
    """A copy of a card with `literal` applied to everything Adaptive Cards render as markdown
    (TextBlock and TextRun text, FactSet titles and values, fallbackText). Our own texts contain no
    markdown links, so any link there came from user data (a person or organisation name). Input
    values and action data are left exactly as they are."""
    if is_list(node):
        return [without_links(item) for item in node]
    if not is_dict(node):
        return node
    out = {key: without_links(value) for key, value in node.items()}
    kind = out.get("type")
    if kind in ("TextBlock", "TextRun") and isinstance(out.get("text"), str):
        out["text"] = literal(out["text"])
    if kind == "FactSet" and isinstance(out.get("facts"), list):
        out["facts"] = [
            {k: literal(v) if k in ("title", "value") and isinstance(v, str) else v for k, v in fact.items()}
            if is_dict(fact)
            else fact
            for fact in out["facts"]
        ]
    if isinstance(out.get("fallbackText"), str):
        out["fallbackText"] = literal(out["fallbackText"])
    return out


def heading(value: str, *, size: str = "Large") -> Element:
    return text(value, size=size, weight="Bolder", style="heading")


def status(items: list[Element], *, good: bool, spacing: str | None = None) -> Element:
    """A tinted banner (`good` or `attention` container) whose text keeps the container's own colour,
    which reads on the tint in every Teams theme."""
    return container(items, style="good" if good else "attention", spacing=spacing)


def error_text(*messages: str) -> Element:
    """Validation messages, placed right under the input they are about: an attention banner."""
    lines = [text(f"{ATTENTION_MARK} {message}", size="Small", spacing="None") for message in messages]
    return status(lines, good=False, spacing="Small")


def container(
    items: list[Element],
    *,
    style: str | None = None,
    spacing: str | None = None,
    separator: bool = False,
    bleed: bool = False,
) -> Element:
    out: Element = {"type": "Container", "items": items}
    return _set(out, {"style": style, "spacing": spacing, "separator": separator, "bleed": bleed})


def column(
    items: list[Element],
    *,
    width: str | int = "stretch",
    style: str | None = None,
    vertical: str | None = None,
    min_height: str | None = None,
    spacing: str | None = None,
) -> Element:
    out: Element = {"type": "Column", "width": width, "items": items}
    return _set(
        out,
        {"style": style, "spacing": spacing, "verticalContentAlignment": vertical, "minHeight": min_height},
    )


def columns(cols: list[Element], *, spacing: str | None = None, separator: bool = False) -> Element:
    return _set({"type": "ColumnSet", "columns": cols}, {"spacing": spacing, "separator": separator})


def facts(pairs: list[tuple[str, str]]) -> Element:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}


def action_set(actions: list[Element], *, spacing: str | None = None) -> Element:
    return _set({"type": "ActionSet", "actions": actions}, {"spacing": spacing})


def submit(
    title: str, data: dict[str, Any], *, style: str | None = None, associated_inputs: str | None = None
) -> Element:
    out: Element = {"type": "Action.Submit", "title": title, "data": data}
    return _set(out, {"style": style, "associatedInputs": associated_inputs})


def execute(
    title: str,
    verb: str,
    data: dict[str, Any],
    *,
    style: str | None = None,
    associated_inputs: str | None = None,
) -> Element:
    """Action.Execute (Universal Actions) falling back to an equivalent Action.Submit.

    Clients with Universal Actions send an `adaptiveCard/action` invoke and replace the card in
    place with our answer; older clients use the fallback, which arrives as a message `value`.
    Both carry the same data, so the server handles them with the same code.
    """
    fallback = submit(title, data, style=style, associated_inputs=associated_inputs)
    return {**fallback, "type": "Action.Execute", "verb": verb, "fallback": fallback}


def input_text(
    input_id: str,
    *,
    label: str,
    value: str = "",
    placeholder: str | None = None,
    multiline: bool = False,
    max_length: int | None = None,
    required: bool = False,
    error_message: str | None = None,
) -> Element:
    out: Element = {"type": "Input.Text", "id": input_id, "label": label}
    return _set(
        out,
        {
            "value": value,
            "placeholder": placeholder,
            "isMultiline": multiline,
            "maxLength": max_length,
            "isRequired": required,
            "errorMessage": error_message,
        },
    )


def choice_set(
    input_id: str,
    *,
    label: str,
    choices: list[tuple[str, str]],
    value: str | list[str] = "",
    multi: bool = False,
    style: str = "compact",
    placeholder: str | None = None,
    required: bool = False,
) -> Element:
    """`choices` are (title, value) pairs; `style` "compact" (dropdown) or "expanded" (the official 1.5
    schema has no "filtered" type-ahead style, so search-friendliness comes from titles with exam codes)."""
    out: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "choices": [{"title": title, "value": val} for title, val in choices],
        "style": style,
    }
    joined = ",".join(value) if isinstance(value, list) else value
    fields = {"isMultiSelect": multi, "value": joined, "placeholder": placeholder, "isRequired": required}
    return _set(out, fields)
