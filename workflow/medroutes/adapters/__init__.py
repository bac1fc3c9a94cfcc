"""Adapters: the only code that knows a source's native format.

Each adapter module is its format knowledge and nothing else: ``SPEC`` (a
:class:`medroutes.spec.SourceSpec`) and ``read_one(path, data) -> DataFrame | None``, one row per
raw record of one file (``data``: its bytes, already checked against the pin; ``path`` only names
it, for lineage and errors: an adapter never reads the disk), with the spec's columns as read plus
the lineage columns ``raw_file``, ``raw_row`` and ``raw_ref`` (``_common.with_lineage``), or None
for a file with no records (metadata pinned at intake). :func:`read` reads all of a source's files.
The registry names the adapter. To reject a record for a native-format reason, an adapter fills
``adapter_reject`` with a reason code (e.g. ``questionnaire_code``) and ``adapter_detail`` with a
sentence naming the value (``_common.rejected``).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pandas as pd

from ..errors import ConfigError
from ..intake import read_pinned
from ..spec import LINEAGE

REJECT_COLUMNS = ("adapter_reject", "adapter_detail")


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def get(name: str) -> ModuleType:
    if name not in available():
        raise ConfigError(f"unknown adapter {name!r}; available adapters: {', '.join(available())}")
    return importlib.import_module(f"{__name__}.{name}")


def read(adapter: ModuleType, files) -> pd.DataFrame:
    """All records of a source's files, read by ``adapter.read_one``, with the reject columns present
    (None where the adapter rejects nothing).

    ``files``: the ``observed`` records of the source's provenance record, whose bytes are read once,
    checked against the record's sha256 and parsed (:func:`medroutes.intake.read_pinned`); or, in
    tests, plain paths, read as they are."""
    parts = []
    for f in files:
        if isinstance(f, dict):
            path, data = Path(f["path"]), read_pinned(f)
        else:
            path = Path(f)
            data = path.read_bytes()
        df = adapter.read_one(path, data)
        if df is not None:
            parts.append(df)
    out = (pd.concat(parts, ignore_index=True) if parts
           else pd.DataFrame(columns=[*adapter.SPEC.names, *LINEAGE]))
    for col in REJECT_COLUMNS:
        if col not in out:
            out[col] = None
    return out
