"""Which kind of file a header is, and which header cell is which column (data: columns.toml)."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.imports.problems import ImportProblem

COLUMNS_FILE = Path(__file__).with_name("columns.toml")
TEMPLATES_DIR = Path(__file__).with_name("templates")
_IGNORED = re.compile(r"[\s_\-.]+")


def header_key(text: str) -> str:
    """A header cell as compared: case, spaces, "_", "-" and "." ignored ("Customer Tenant-Id")."""
    return _IGNORED.sub("", text).casefold()


class ColumnSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    required: bool = False
    aliases: list[str] = Field(default_factory=list)


class KindSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    template: str
    max_rows: int = Field(gt=0)
    columns: dict[str, ColumnSpec]

    @property
    def required(self) -> list[str]:
        return [name for name, spec in self.columns.items() if spec.required]

    def template_header(self) -> str:
        """The first line of the kind's template: the columns a user copies."""
        with (TEMPLATES_DIR / self.template).open(encoding="utf-8") as handle:
            return handle.readline().strip()


class ColumnMap(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kinds: dict[str, KindSpec]


@cache
def column_map() -> ColumnMap:
    with COLUMNS_FILE.open("rb") as handle:
        return ColumnMap.model_validate(tomllib.load(handle))


class Recognised(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: str
    index: dict[str, int]  # column name -> position in the header


def recognise(header: list[str], expected: str | None = None) -> Recognised:
    """The kind of a file from its header (or check it is `expected`), else ImportProblem listing the
    columns found and the ones expected."""
    keys = [header_key(cell) for cell in header]
    best: Recognised | None = None
    for kind, spec in column_map().kinds.items():
        if expected is not None and kind != expected:
            continue
        index: dict[str, int] = {}
        for name, column in spec.columns.items():
            # The first of the column's names the header has (exports carry both CustomerName and
            # CustomerTenantName: the one listed first wins); the same name twice is ambiguous.
            for wanted in (header_key(alias) for alias in [name, *column.aliases]):
                found = [i for i, key in enumerate(keys) if key == wanted]
                if len(found) > 1:
                    raise ImportProblem("repeated_column", column=name,
                                        found=", ".join(header[i] for i in found))
                if found:
                    index[name] = found[0]
                    break
        if all(name in index for name in spec.required) and (
                best is None or len(spec.required) > len(column_map().kinds[best.kind].required)):
            best = Recognised(kind=kind, index=index)
    if best is None:
        raise ImportProblem("columns_not_recognised",
                            found=", ".join(cell for cell in header if cell.strip()) or "-",
                            expected=expected or "")
    return best
