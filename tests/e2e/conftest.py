"""Fixtures for the end-to-end tests: the bot + the Agents Playground in a private network namespace,
headless Debian Chromium driven by Playwright, screenshots under test-artifacts/e2e/<run>/<test>/
(test-artifacts/e2e/latest is the newest run)."""

from __future__ import annotations

import os
import re
import shutil
import time
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

ARTIFACTS_ROOT = ROOT / "test-artifacts" / "e2e"
# One folder per run (several runs of the suite may share a work tree); `latest` points at the newest.
RUN_NAME = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
ARTIFACTS = ARTIFACTS_ROOT / RUN_NAME
KEEP_RUNS = 5


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the e2e tests and run them after every other test.

    The sync Playwright driver (a session fixture: one Chromium for all e2e tests) keeps an event loop
    running in the main thread until the session ends, so an asyncio test run after it fails with
    "cannot be called from a running event loop". Last is also where the slowest tests belong."""
    here = Path(__file__).parent
    e2e = [item for item in items if Path(str(item.fspath)).is_relative_to(here)]
    for item in e2e:
        item.add_marker(pytest.mark.e2e)
    chosen = set(e2e)
    items[:] = [item for item in items if item not in chosen] + e2e


def _prune_old_runs() -> None:
    runs = sorted(p for p in ARTIFACTS_ROOT.glob("2*-*") if p.is_dir() and p != ARTIFACTS)
    for old in runs[:-KEEP_RUNS]:
        shutil.rmtree(old, ignore_errors=True)


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.stash[FAILED] = report.failed


@pytest.fixture(scope="session")
def e2e_stack() -> Iterator[Stack]:
    ARTIFACTS_ROOT.mkdir(parents=True, exist_ok=True)
    _prune_old_runs()
    latest = ARTIFACTS_ROOT / "latest"
    try:
        ARTIFACTS.mkdir()
        latest.unlink(missing_ok=True)
        latest.symlink_to(RUN_NAME)
    except OSError:
        pass  # a concurrent run won the race for `latest`: harmless
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
def stack(e2e_stack: Stack) -> Stack:
    """The running stack with a bot restarted on an empty data directory: each test starts from a
    partner organisation that has never used the bot (tests set up what else they need)."""
    e2e_stack.restart_bot(wipe=True)
    return e2e_stack


@pytest.fixture
def chat(request: pytest.FixtureRequest, stack: Stack, browser: Browser) -> Iterator[PlaygroundChat]:
    """A browser page for the playground; `chat.open()` loads it, which installs the app in the chat."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    client = PlaygroundChat(page, stack.playground_url, ARTIFACTS / name)
    try:
        yield client
    finally:
        try:
            client.screenshot("final")
            if request.node.stash.get(FAILED, False):
                # What the page showed when the test failed, for the selectors and texts.
                (client.screenshots / "page-at-failure.html").write_text(page.content(), encoding="utf-8")
        finally:
            context.close()
