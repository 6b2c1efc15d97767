"""Card test fixtures. Helpers live in card_schema.py / card_fixtures.py (importable by name,
since this folder is on sys.path for its tests)."""

from __future__ import annotations

import pytest
from card_fixtures import big_data, contoso_data, qualified_data, scored

from scoring import Profile, Scorecard


@pytest.fixture
def contoso() -> tuple[Scorecard, Profile]:
    return scored(contoso_data())


@pytest.fixture
def big() -> tuple[Scorecard, Profile]:
    return scored(big_data())


@pytest.fixture
def qualified() -> tuple[Scorecard, Profile]:
    return scored(qualified_data())
