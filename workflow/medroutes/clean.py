"""Cleaning, for any source: type every column its spec declares, keep or reject each raw record.

Every record that comes in is either kept or rejected with a reason code and a detail naming the
column and the value; ``rows_in == rows_kept + rows_rejected`` is checked before anything is written.
An adapter may pre-reject a record by filling ``adapter_reject`` with a reason code and
``adapter_detail`` with the detail (a native-format rule, e.g. a questionnaire code where a
category belongs, or a daily figure superseded by a later report).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import RowCountError
from .schema import described
from .spec import LINEAGE, LINEAGE_DOCS, SourceSpec

ADAPTER_REJECT = "adapter_reject"  # reason code set by an adapter for a native-format rule
ADAPTER_DETAIL = "adapter_detail"
DEFAULT_MAX_COUNT = 10_000_000

REJECTS_SCHEMA = described(pa.schema([
    ("raw_file", pa.string()), ("raw_sha256", pa.string()), ("raw_row", pa.int64()),
    ("raw_ref", pa.string()), ("reason", pa.string()), ("column", pa.string()),
    ("value", pa.string()), ("detail", pa.string()), ("record", pa.string()),
]), {
    **LINEAGE_DOCS,
    "reason": "rejection reason code",
    "column": "column whose value caused the rejection (comma-joined key columns for duplicates)",
    "value": "the rejected value, as text (cut to 1,000 characters, marked '… [truncated: N characters, see "
             "the raw row]')",
    "detail": "what is wrong, in words",
    "record": "the rejected raw record, as JSON (cut like `value`)",
}, "rejects")

_PERIOD = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.astype("string").str.strip().fillna("").eq("")


def _period_start(s: pd.Series) -> pd.Series:
    """First day of each ``YYYY``/``YYYY-MM``/``YYYY-MM-DD`` period; NaT where it is not a real one."""
    text = s.astype("string").str.strip()
    shaped = text.str.match(_PERIOD).fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for length, fmt in ((4, "%Y"), (7, "%Y-%m"), (10, "%Y-%m-%d")):
        m = shaped & text.str.len().eq(length).fillna(False).astype(bool)
        if m.any():
            out[m] = pd.to_datetime(text[m], format=fmt, errors="coerce")
    return out


def clean(raw: pd.DataFrame, spec: SourceSpec, *, raw_sha256: dict[str, str],
          max_count: int = DEFAULT_MAX_COUNT, max_period: str | None = None):
    """Return ``(kept, rejects, ledger)`` for one source's raw records.

    ``raw`` has one row per raw record: the spec's columns (as read) plus ``raw_file``,
    ``raw_row``, ``raw_ref`` and optionally ``adapter_reject``. ``raw_sha256`` maps raw_file to the
    checksum observed at intake. ``max_period`` (``YYYY-MM-DD``) rejects periods that start later.
    """
    raw = raw.reset_index(drop=True)
    n_in = len(raw)
    reason = pd.Series(pd.NA, index=raw.index, dtype="string")
    column = pd.Series(pd.NA, index=raw.index, dtype="string")
    detail = pd.Series(pd.NA, index=raw.index, dtype="string")

    def flag(mask: pd.Series, code: str, col: str | None, text: str) -> None:
        mask = mask.fillna(False).astype(bool) & reason.isna()
        reason[mask] = code
        if col is not None:
            column[mask] = col
        detail[mask] = text

    if ADAPTER_REJECT in raw:
        marked = raw[ADAPTER_REJECT].notna()
        reason[marked] = raw.loc[marked, ADAPTER_REJECT].astype("string")
        detail[marked] = (raw.loc[marked, ADAPTER_DETAIL].astype("string")
                          if ADAPTER_DETAIL in raw else "rejected by the source adapter")

    typed = {}
    for col in spec.columns:
        s = raw[col.name]
        blank = _blank(s)
        if col.required:
            flag(blank, "missing_value", col.name, f"required column {col.name!r} is empty")
        if col.kind in ("count", "number"):
            num = pd.to_numeric(s.where(~blank), errors="coerce")
            flag(~blank & num.isna(), "not_a_number", col.name, f"{col.name!r} is not a number")
            if col.kind == "count":
                finite = num.notna() & np.isfinite(num)
                flag(finite & (num != np.round(num)), "not_whole_number", col.name,
                     f"{col.name!r} is not a whole number")
                if not col.signed:
                    flag(finite & (num < 0), "negative_count", col.name, f"{col.name!r} is negative")
                limit = col.max_count if col.max_count is not None else max_count
                flag(finite & (num.abs() > limit), "implausible_count", col.name,
                     f"{col.name!r} exceeds {limit:,}")
                flag(num.notna() & ~finite, "not_a_number", col.name, f"{col.name!r} is not finite")
                num = num.where(reason.isna())
                typed[col.name] = num.round().astype("Int64")
            else:
                typed[col.name] = num.astype("Float64")
        elif col.kind == "period":
            start = _period_start(s.where(~blank))
            valid = start.notna()
            flag(~blank & ~valid, "invalid_period", col.name,
                 f"{col.name!r} is not a real date as YYYY, YYYY-MM or YYYY-MM-DD")
            if max_period is not None:
                flag(valid & (start > pd.Timestamp(max_period)), "future_period", col.name,
                     f"{col.name!r} is after the study cutoff {max_period}")
            typed[col.name] = s.where(~blank).astype("string").str.strip()
        else:
            typed[col.name] = s.where(~blank).astype("string")

    # Duplicates: a later record with the key of an earlier kept record.
    key = list(spec.key)
    candidates = reason.isna()
    keyframe = pd.DataFrame({k: typed[k].astype("string") for k in key})
    dup = keyframe[candidates].duplicated(keep="first").reindex(raw.index, fill_value=False)
    if dup.any():
        # each duplicate against the first record of its key, all at once (a loop over duplicates
        # with a full-length mask each was quadratic in the rows)
        cand = keyframe[candidates]
        first = cand.reset_index().groupby(key, sort=False, dropna=False)["index"].transform("first")
        first.index = cand.index
        dups = raw.index[dup]
        j = first.loc[dups].to_numpy()
        cols = [c.name for c in spec.columns]
        same = (raw.loc[dups, cols].astype(str).to_numpy() == raw.loc[j, cols].astype(str).to_numpy()).all(axis=1)
        reason.loc[dups] = np.where(same, "duplicate_record", "conflicting_duplicate")
        column.loc[dups] = ",".join(key)
        detail.loc[dups] = [f"same {'+'.join(key)} as {ref}" + ("" if s else " with different values")
                            for ref, s in zip(raw.loc[j, "raw_ref"], same, strict=True)]

    rejected = reason.notna()
    kept = pd.DataFrame(typed)[~rejected].copy()
    for c in LINEAGE:
        kept[c] = raw.loc[~rejected, c]
    kept["raw_sha256"] = kept["raw_file"].map(raw_sha256)

    rec_cols = [c for c in spec.names if c in raw]
    records = raw.loc[rejected, rec_cols].astype("string").fillna("")
    rejects = pd.DataFrame({
        "raw_file": raw.loc[rejected, "raw_file"], "raw_row": raw.loc[rejected, "raw_row"],
        "raw_ref": raw.loc[rejected, "raw_ref"], "reason": reason[rejected],
        "column": column[rejected], "detail": detail[rejected],
        "record": [json.dumps(dict(zip(rec_cols, row, strict=True)), ensure_ascii=False, sort_keys=True)
                   for row in records.itertuples(index=False)],
    })
    rejects["raw_sha256"] = rejects["raw_file"].map(raw_sha256)
    # a duplicate names its key columns "a,b,c": give the key's values in the same order
    rejects["value"] = [None if pd.isna(c) else ",".join(str(raw.loc[i, k]) for k in str(c).split(","))
                        for i, c in column[rejected].items()]
    for col in ("value", "record"):  # one huge raw cell must not make the rejects table huge
        rejects[col] = rejects[col].map(truncate)

    ledger = check_row_counts(n_in, len(kept), rejects["reason"])
    return kept, rejects, ledger


REJECT_CELL_MAX = 1000  # characters of a raw value or record a reject keeps; the raw row has the rest


def truncate(text):
    """``text`` cut to ``REJECT_CELL_MAX`` characters, with a marker saying how long it was."""
    if text is None or (not isinstance(text, str) and pd.isna(text)) or len(text) <= REJECT_CELL_MAX:
        return text
    return f"{text[:REJECT_CELL_MAX]}… [truncated: {len(text):,} characters, see the raw row]"


def check_row_counts(rows_in: int, rows_kept: int, reasons: pd.Series) -> dict:
    by_reason = {str(k): int(v) for k, v in sorted(reasons.value_counts().items())}
    ledger = {"rows_in": int(rows_in), "rows_kept": int(rows_kept),
              "rows_rejected": int(len(reasons)), "rejected_by_reason": by_reason}
    if rows_in != rows_kept + len(reasons):
        raise RowCountError(f"rows in ({rows_in}) != kept ({rows_kept}) + rejected ({len(reasons)})")
    return ledger
