"""Modules imported on first use.

numpy serves ACR records only (`scoring.records`, `scoring.derive`, `scoring.money`); a process that
scores aggregate usage, as most stored profiles have, never needs it, and importing it cost the
service a tenth of its start-up.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for module `name`, imported when one of its attributes is first read. Thread-safe:
    `importlib.import_module` holds the module's import lock (the standard library's LazyLoader is
    not, before Python 3.12), and nothing here touches `sys.modules` for other importers."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: Any = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)


def lazy_module(name: str) -> Any:
    return LazyModule(name)
