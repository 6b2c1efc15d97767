"""Small builders for Adaptive Card 1.5 elements, so card modules read as layouts, not JSON.

Every function returns a plain dict; nothing here knows about bots. `card()` wraps a body in the
1.5 envelope with Teams' `msteams` width hint (the only Teams extension we use).
"""

from __future__ import annotations

from typing import Any

SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
Element = dict[str, Any]


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
    if actions:
        out["actions"] = actions
    if refresh:
        out["refresh"] = refresh
    if lang:
        out["lang"] = lang
    if fallback_text:
        out["fallbackText"] = fallback_text
    return out


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
    if size:
        out["size"] = size
    if weight:
        out["weight"] = weight
    if color:
        out["color"] = color
    if subtle:
        out["isSubtle"] = True
    if spacing:
        out["spacing"] = spacing
    if separator:
        out["separator"] = True
    if style:
        out["style"] = style
    if element_id:
        out["id"] = element_id
    return out


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
    if isinstance(node, list):
        return [without_links(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: without_links(value) for key, value in node.items()}
    kind = out.get("type")
    if kind in ("TextBlock", "TextRun") and isinstance(out.get("text"), str):
        out["text"] = literal(out["text"])
    if kind == "FactSet" and isinstance(out.get("facts"), list):
        out["facts"] = [
            {k: literal(v) if k in ("title", "value") and isinstance(v, str) else v for k, v in fact.items()}
            if isinstance(fact, dict)
            else fact
            for fact in out["facts"]
        ]
    if isinstance(out.get("fallbackText"), str):
        out["fallbackText"] = literal(out["fallbackText"])
    return out


def heading(value: str, *, size: str = "Large") -> Element:
    return text(value, size=size, weight="Bolder", style="heading")


def error_text(message: str, *, element_id: str | None = None) -> Element:
    """A validation message placed right under the input it is about."""
    return text(message, color="Attention", size="Small", spacing="None", element_id=element_id)


def container(
    items: list[Element],
    *,
    style: str | None = None,
    spacing: str | None = None,
    separator: bool = False,
    bleed: bool = False,
) -> Element:
    out: Element = {"type": "Container", "items": items}
    if style:
        out["style"] = style
    if spacing:
        out["spacing"] = spacing
    if separator:
        out["separator"] = True
    if bleed:
        out["bleed"] = True
    return out


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
    if style:
        out["style"] = style
    if spacing:
        out["spacing"] = spacing
    if vertical:
        out["verticalContentAlignment"] = vertical
    if min_height:
        out["minHeight"] = min_height
    return out


def columns(cols: list[Element], *, spacing: str | None = None, separator: bool = False) -> Element:
    out: Element = {"type": "ColumnSet", "columns": cols}
    if spacing:
        out["spacing"] = spacing
    if separator:
        out["separator"] = True
    return out


def facts(pairs: list[tuple[str, str]]) -> Element:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}


def action_set(actions: list[Element], *, spacing: str | None = None) -> Element:
    out: Element = {"type": "ActionSet", "actions": actions}
    if spacing:
        out["spacing"] = spacing
    return out


def submit(
    title: str, data: dict[str, Any], *, style: str | None = None, associated_inputs: str | None = None
) -> Element:
    out: Element = {"type": "Action.Submit", "title": title, "data": data}
    if style:
        out["style"] = style
    if associated_inputs:
        out["associatedInputs"] = associated_inputs
    return out


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
    out: Element = {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": data,
        "fallback": submit(title, data, style=style, associated_inputs=associated_inputs),
    }
    if style:
        out["style"] = style
    if associated_inputs:
        out["associatedInputs"] = associated_inputs
    return out


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
    if value:
        out["value"] = value
    if placeholder:
        out["placeholder"] = placeholder
    if multiline:
        out["isMultiline"] = True
    if max_length:
        out["maxLength"] = max_length
    if required:
        out["isRequired"] = True
    if error_message:
        out["errorMessage"] = error_message
    return out


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
    if multi:
        out["isMultiSelect"] = True
    joined = ",".join(value) if isinstance(value, list) else value
    if joined:
        out["value"] = joined
    if placeholder:
        out["placeholder"] = placeholder
    if required:
        out["isRequired"] = True
    return out
