"""Adapters: the only code that knows a source's native format.

Each adapter module exposes ``SPEC`` (a :class:`medroutes.spec.SourceSpec`) and
``read(paths) -> DataFrame``, one row per raw record with the spec's columns as read plus the
lineage columns ``raw_file``, ``raw_row`` and ``raw_ref``. The registry names the adapter.
"""

from __future__ import annotations

import importlib
from types import ModuleType

ADAPTERS = ("iom_mmp", "frontex_ibc")


def get(name: str) -> ModuleType:
    if name not in ADAPTERS:
        raise KeyError(f"unknown adapter {name!r}; known adapters: {', '.join(ADAPTERS)}")
    return importlib.import_module(f"{__name__}.{name}")
