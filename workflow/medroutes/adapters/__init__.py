"""Adapters: the only code that knows a source's native format.

Each adapter module exposes ``SPEC`` (a :class:`medroutes.spec.SourceSpec`) and
``read(paths) -> DataFrame``, one row per raw record with the spec's columns as read plus the
lineage columns ``raw_file``, ``raw_row`` and ``raw_ref``. The registry names the adapter.
To reject a record for a native-format reason, an adapter fills ``adapter_reject`` with a
reason code (e.g. ``questionnaire_code``) and ``adapter_detail`` with a sentence naming the value.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from ..errors import ConfigError


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def get(name: str) -> ModuleType:
    if name not in available():
        raise ConfigError(f"unknown adapter {name!r}; available adapters: {', '.join(available())}")
    return importlib.import_module(f"{__name__}.{name}")
