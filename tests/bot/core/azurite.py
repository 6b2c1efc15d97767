"""Azurite (the Azure Storage emulator, npm `azurite`, pinned in package.json) for the blob tests.

`scripts/test` installs it (`scripts/e2e-setup` -> `scripts/e2e-playground`: `npm ci`). The fixtures
start it on a free 127.0.0.1 port with its data in a temporary folder. Missing Azurite is a failure
that says how to install it, never a skip: the blob backend is tested on every run.
Imported by name (tests/bot/core is on pytest's pythonpath); test modules import the fixtures.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
AZURITE = ROOT / "node_modules" / ".bin" / "azurite-blob"
ACCOUNT = "devstoreaccount1"
# Azurite's fixed, publicly documented development key (not a secret).
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Azurite:
    """One Azurite blob service; `stop()` and `start()` again keep its port and its data."""

    def __init__(self, location: Path, port: int | None = None) -> None:
        self.location = location
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                f"BlobEndpoint=http://127.0.0.1:{self.port}/{ACCOUNT};")

    def start(self, timeout_s: float = 30.0) -> None:
        if not AZURITE.exists():
            pytest.fail(f"Azurite is not installed ({AZURITE} missing): run `bash scripts/e2e-setup` "
                        "(npm ci installs the azurite pinned in package.json)", pytrace=False)
        self.location.mkdir(parents=True, exist_ok=True)
        # --skipApiVersionCheck: the Python SDK may speak a newer REST version than this Azurite.
        self.process = subprocess.Popen(
            [str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(self.port), "--location",
             str(self.location), "--skipApiVersionCheck", "--silent"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                pytest.fail(f"Azurite exited at start ({self.process.returncode}): {error[-500:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"Azurite did not listen on 127.0.0.1:{self.port} within {timeout_s} s")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: node and nothing else
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None


@contextlib.contextmanager
def running_azurite(location: Path) -> Iterator[Azurite]:
    azurite = Azurite(location)
    azurite.start()
    try:
        yield azurite
    finally:
        azurite.stop()
        shutil.rmtree(location, ignore_errors=True)


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    """One Azurite for the session; tests isolate themselves by container (`blob_container`)."""
    with running_azurite(tmp_path_factory.mktemp("azurite")) as running:
        yield running


@pytest.fixture
def blob_container() -> str:
    """A fresh container name per test (3-63 lower-case letters, digits, hyphens)."""
    return f"t-{uuid.uuid4().hex[:20]}"
