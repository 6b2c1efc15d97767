"""The bot server processes the HTTP benches start (bench_load.py, bench_turn_cost.py): stopping them."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable


def stop(processes: Iterable[subprocess.Popen]) -> None:
    """Terminate every process and wait for it (10 s each), so no server outlives its bench."""
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
