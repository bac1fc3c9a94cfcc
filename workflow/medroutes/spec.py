"""How an adapter declares its source: the columns of its tidy table and the observations in it.

Cleaning and harmonisation read only these declarations, so they stay source-agnostic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
import pyarrow as pa

from .schema import described

Kind = Literal["text", "count", "number", "period"]

ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "count": pa.int64(),
    "number": pa.float64(),
    "period": pa.string(),
}

# Lineage columns every adapter adds to each raw record.
LINEAGE = ("raw_file", "raw_row", "raw_ref")
LINEAGE_DOCS = {
    "raw_file": "raw file the value comes from, as <source_id>/<file name>",
    "raw_sha256": "sha256 of that raw file, as verified at intake",
    "raw_row": "row of the raw file (header = row 1 for CSV; spreadsheet row for xlsx; record number for R/JSON)",
    "raw_ref": "human-readable place in the raw file (sheet, row, cell or record)",
}


@dataclass(frozen=True)
class Column:
    """One column of a source's tidy table.

    kind: ``text`` (kept as is), ``count`` (whole number, >= 0 unless ``signed``), ``number`` (float),
    ``period`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).
    """

    name: str
    kind: Kind = "text"
    required: bool = False
    description: str = ""
    signed: bool = False  # a count that may be negative: a source's own adjustment, not an error
    max_count: int | None = None  # a count's own ceiling instead of the run-wide one (e.g. populations)


@dataclass(frozen=True)
class Lit:
    """A constant in an :class:`Observation` where a column name would otherwise go."""

    value: str


@dataclass(frozen=True)
class Observation:
    """How one indicator is read off each kept row of a source's tidy table.

    Every field but ``indicator`` and ``unit`` names a column of the tidy table or is a :class:`Lit`.
    ``where`` optionally restricts the rows (e.g. only rows that carry the value).
    """

    indicator: str
    value: str
    unit: str
    period: str | Lit
    ref_area: str | Lit
    route: str | Lit | None = None
    counterpart_area: str | Lit = Lit("_T")
    sex: str | Lit = Lit("_T")
    age: str | Lit = Lit("_T")
    dimension: str | Lit = Lit("_T")
    category: str | Lit = Lit("_T")
    obs_status: str | Lit = Lit("A")
    where: Callable[[pd.DataFrame], pd.Series] | None = None


@dataclass(frozen=True)
class SourceSpec:
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # identifies a record; a second record with the same key is a duplicate
    observations: tuple[Observation, ...] = field(default_factory=tuple)
    # the column identifying an event when each record is one (an IOM incident): two events' observations
    # are distinct even where every other observation column agrees
    event_id: str | None = None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def arrow_schema(self) -> pa.Schema:
        """The clean table's schema; each column described by the adapter (or by its kind)."""
        fields = [pa.field(c.name, ARROW_TYPES[c.kind]) for c in self.columns]
        fields += [pa.field("raw_file", pa.string()), pa.field("raw_sha256", pa.string()),
                   pa.field("raw_row", pa.int64()), pa.field("raw_ref", pa.string())]
        docs = {c.name: (c.description or f"{c.kind} column as read from the source")
                + ("" if c.kind == "text" else f" [{c.kind}]") for c in self.columns}
        return described(pa.schema(fields), {**docs, **LINEAGE_DOCS}, "clean table")
