"""Fixtures for the question tests (helpers live in qa_profiles.py, importable by name)."""

from __future__ import annotations

import pytest
from qa_profiles import ADA_ONLY_ARCHITECT, context, make_profile

from bot.questions import AnswerContext
from scoring import Profile


@pytest.fixture
def contoso() -> Profile:
    return make_profile(ADA_ONLY_ARCHITECT)


@pytest.fixture
def ctx(contoso: Profile) -> AnswerContext:
    return context(contoso)
