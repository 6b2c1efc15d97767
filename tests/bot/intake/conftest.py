"""Intake test fixtures (the harness itself is in intake_harness.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from intake_harness import TENANT, FakeServices, Harness, contoso_profile_data


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def services(data_dir: Path) -> FakeServices:
    return FakeServices.over(data_dir)


@pytest.fixture
def harness(services: FakeServices) -> Harness:
    return Harness(services)


@pytest.fixture
async def saved(services: FakeServices) -> Any:
    """A tenant that already has a saved profile."""
    from scoring import load_profile

    profile = load_profile(contoso_profile_data())
    await services.profiles.put(TENANT, profile)
    return profile
