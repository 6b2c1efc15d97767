"""load_profile: dict | JSON text | Path -> Profile, or ProfileError naming every bad field."""

from __future__ import annotations

import json
import mmap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from pydantic import ValidationError

from scoring.catalog import Catalog, default_catalog
from scoring.errors import FieldError, ProfileError, field_path
from scoring.errors import short_value as _short
from scoring.fuzzy import close_matches
from scoring.jsonvalue import is_dict, is_list
from scoring.models import Profile
from scoring.records import AcrRecords

_TOP_FIELDS = list(Profile.model_fields)
_BOM = b"\xef\xbb\xbf"
MAX_ERRORS = 50


def load_profile(data: dict[str, Any] | str | bytes | Path, *, catalog: Catalog | None = None) -> Profile:
    """Validate a profile. `data` is a dict, JSON text, or a Path to a JSON file.

    In a file, `acr_records` may also name a CSV file (relative to the profile) with the same columns.
    """
    catalog = catalog or default_catalog()
    base_dir: Path | None = None
    if isinstance(data, Path):
        base_dir = data.parent
        data = _read_profile_file(data)
    elif isinstance(data, bytes):
        data = data.removeprefix(_BOM)
        data = _with_columnar_records(data) or data
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProfileError([FieldError("(file)", "(bytes)", f"cannot read the profile: {exc}")]) from exc
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ProfileError(
                [
                    FieldError(
                        "(profile)",
                        exc.doc[max(0, exc.pos - 20) : exc.pos + 20],
                        f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                    )
                ]
            ) from None
        except UnicodeDecodeError:
            raise ProfileError([FieldError("(profile)", "(bytes)", "not UTF-8 text")]) from None
    if not isinstance(data, dict):
        raise ProfileError([FieldError("(profile)", type(data).__name__, "a profile must be a JSON object")])

    errors: list[FieldError] = _duplicate_people(data.get("people"))
    data = dict(data)
    records = data.get("acr_records")
    if (isinstance(records, str) and base_dir is not None) or isinstance(records, Path):
        csv_path = Path(records)
        if not csv_path.is_absolute() and base_dir is not None:
            csv_path = base_dir / csv_path
        records = _records(lambda: AcrRecords.from_csv(csv_path), errors)
    elif isinstance(records, str):
        errors.append(
            FieldError(
                "acr_records",
                records,
                "must be a list of records (a CSV file name only works in a profile file, relative to it)",
            )
        )
        records = None
    elif isinstance(records, list):
        records = _records(lambda: AcrRecords.from_rows(records), errors)
    if records is not None:
        data["acr_records"] = records
    elif "acr_records" in data and errors:
        data.pop("acr_records")
        data.setdefault("usage", None)
    try:
        profile = Profile.model_validate(data, context={"catalog": catalog})
    except ValidationError as exc:
        errors.extend(_field_errors(exc))
        # The records were already reported; don't also complain they are "neither" given.
        if any(e.field.startswith("acr_records") for e in errors):
            errors = [e for e in errors if "not neither" not in e.message]
        raise ProfileError(_unique(errors)[:MAX_ERRORS]) from None
    if errors:
        raise ProfileError(errors[:MAX_ERRORS])
    return profile


# Below this many records the plain path is as quick, and its parse is the one that names errors.
COLUMNAR_MIN_RECORDS = 1000
COLUMNAR_MIN_BYTES = 40 * COLUMNAR_MIN_RECORDS  # a record takes more than 40 bytes of JSON


def _read_profile_file(path: Path) -> dict[str, Any] | bytes:
    """A profile file as `_with_columnar_records` reads it, else its bytes for the plain path. The file
    is mapped into memory, not copied (140 MB for a million records); the mapping is closed when its
    last view (msgspec's) is gone."""
    try:
        with path.open("rb") as handle:
            try:
                text = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
            except (OSError, ValueError):  # empty, or not a regular file (a pipe): read it
                text = memoryview(handle.read())
    except OSError as exc:
        raise ProfileError([FieldError("(file)", str(path), f"cannot read the profile: {exc}")]) from exc
    text = text[len(_BOM) :] if text[: len(_BOM)].tobytes() == _BOM else text
    return _with_columnar_records(text) or text.tobytes()


def _with_columnar_records(data: bytes | memoryview) -> dict[str, Any] | None:
    """A profile whose `acr_records` array is read by Arrow, without a Python object per row: msgspec
    splits the JSON into its top-level values (validating all of it), Arrow reads the array. None when
    the text is not such a profile or a row is not a well-formed record: the plain path then parses
    everything and names every problem."""
    try:
        top = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None  # not JSON, or not an object
    array = top.get("acr_records")
    if array is None or len(array) < COLUMNAR_MIN_BYTES:
        return None
    try:
        records = AcrRecords.from_json_array(memoryview(array))
    except ProfileError:
        return None
    if records is None or len(records) < COLUMNAR_MIN_RECORDS:
        return None
    out: dict[str, Any] = {key: json.loads(bytes(raw)) for key, raw in top.items() if key != "acr_records"}
    out["acr_records"] = records
    return out


def _records(make: Callable[[], AcrRecords], errors: list[FieldError]) -> AcrRecords | None:
    try:
        return make()
    except ProfileError as exc:
        errors.extend(exc.errors)
        return None


def _field_errors(exc: ValidationError) -> list[FieldError]:
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        ctx = err.get("ctx") or {}
        kind = err["type"]
        value = _short(err.get("input"))
        suggestions: list[str] = list(ctx.get("suggestions", []))
        if len(loc) >= 3 and loc[-3] == "certifications" and loc[-1] == "id":
            loc = loc[:-1]  # "people[0].certifications[1]" whether written as text or {"id": ...}
        if kind in ("unknown_certification", "exam_alone"):
            message = err["msg"]
        elif kind == "duplicate_person":
            loc = ["people", ctx["i"], "id"]
            value = ctx["id"]
            message = f"duplicate person id '{ctx['id']}' (also people[{ctx['j']}])"
        elif kind == "usage_or_records":
            loc = ["usage"]
            value = None
            message = err["msg"]
        elif kind == "missing":
            message = "is required"
            value = None
        elif kind == "extra_forbidden":
            near = close_matches(str(loc[-1]), _TOP_FIELDS if len(loc) == 1 else [], n=1)
            message = f"unknown field '{loc[-1]}'" + (f"; did you mean '{near[0]}'?" if near else "")
            suggestions = near
        elif kind in ("greater_than_equal", "greater_than"):
            limit = ctx.get("ge", ctx.get("gt"))
            message = (
                f"cannot be negative (got {value})"
                if limit == 0
                else f"must be at least {limit} (got {value})"
            )
        elif kind.startswith("date") or kind == "date_type":
            message = f"'{value}' is not a date: expected YYYY-MM-DD, e.g. 2026-10-31"
        elif kind == "enum":
            message = f"'{value}' is not allowed: expected {ctx.get('expected')}"
        elif kind in ("finite_number",):
            message = f"must be a finite amount (got {value})"
        else:
            message = err["msg"][0].lower() + err["msg"][1:]
            if value is not None and not isinstance(value, (dict, list)):
                message += f" (got {value!r})"
        out.append(FieldError(field_path(loc), value, message, suggestions))
    return out


def _duplicate_people(people: Any) -> list[FieldError]:
    """Duplicate person ids, found before validation so they are reported with every other error."""
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for i, person in enumerate(people if is_list(people) else []):
        pid = person.get("id") if is_dict(person) else None
        if not isinstance(pid, str):
            continue
        key = pid.strip()
        if key in seen:
            errors.append(
                FieldError(f"people[{i}].id", pid, f"duplicate person id '{key}' (also people[{seen[key]}])")
            )
        else:
            seen[key] = i
    return errors


def _unique(errors: list[FieldError]) -> list[FieldError]:
    out: list[FieldError] = []
    for err in errors:
        if all((e.field, e.message) != (err.field, err.message) for e in out):
            out.append(err)
    return out
