"""Library modules imported on first use, so that ``--help`` and light commands start fast.

pandas alone costs ≈ 0.4 s to import; a draw or a task listing never needs it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self.__name__)
        return getattr(self._module, attr)


def lazy_module(name: str) -> Any:
    return LazyModule(name)
