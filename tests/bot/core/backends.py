"""The storage backend a test's service runs on: TinyDB files (the default) or Azure Blob Storage on the
session's Azurite (a fresh container per test).

A conftest imports `backend` and `storage_settings` (and azurite's `azurite` and `blob_container`); a
test module (or a test) where what is stored matters runs on both with `pytestmark = both_backends`,
which overrides the `backend` fixture by direct parametrization. Imported by name (tests/bot/core is
on pytest's pythonpath).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

BACKENDS = ("tinydb", "blob")
both_backends = pytest.mark.parametrize("backend", BACKENDS)


@pytest.fixture
def backend() -> str:
    """TinyDB unless the test is marked `both_backends`."""
    return "tinydb"


def backend_fields(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> dict[str, Any]:
    """The Settings fields that put a service on `backend`."""
    fields: dict[str, Any] = {"storage": backend, "data_dir": tmp_path / "data"}
    if backend == "blob":
        fields["azure_storage_connection_string"] = request.getfixturevalue("azurite").connection_string
        fields["azure_storage_container"] = request.getfixturevalue("blob_container")
    return fields


@pytest.fixture
def storage_settings(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> dict[str, Any]:
    return backend_fields(request, backend, tmp_path)

