"""`deploy` is not an installed package (it is not shipped in the wheel): make it importable from the
repository root however pytest is started (`python -m pytest` or `.venv/bin/pytest`)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
