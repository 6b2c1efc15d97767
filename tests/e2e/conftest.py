"""Fixtures for the end-to-end tests: the bot + the Agents Playground in a private network namespace,
headless Debian Chromium driven by Playwright, screenshots under test-artifacts/e2e/<test>/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_client import PlaygroundChat
from e2e_harness import (
    CHROMIUM_FLAGS,
    ROOT,
    EnvironmentUnavailable,
    Stack,
    chromium_wrapper,
    running_stack,
)
from playwright.sync_api import Browser, Playwright, sync_playwright

ARTIFACTS = ROOT / "test-artifacts" / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_stack() -> Iterator[Stack]:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    try:
        with running_stack(ARTIFACTS) as stack:
            yield stack
    except EnvironmentUnavailable as why:
        pytest.skip(f"end-to-end tests need the real client: {why}")


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(e2e_stack: Stack, playwright_driver: Playwright) -> Iterator[Browser]:
    executable = chromium_wrapper(e2e_stack.netns, e2e_stack.artifacts)
    browser = playwright_driver.chromium.launch(executable_path=str(executable), args=CHROMIUM_FLAGS,
                                                timeout=60_000)
    yield browser
    browser.close()


@pytest.fixture
def chat(request: pytest.FixtureRequest, e2e_stack: Stack, browser: Browser) -> Iterator[PlaygroundChat]:
    """A fresh browser page on the playground's personal chat; the page load installs the app."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    client = PlaygroundChat(page, e2e_stack.playground_url, ARTIFACTS / name)
    try:
        client.open()
        yield client
    finally:
        try:
            client.screenshot("final")
        finally:
            context.close()
