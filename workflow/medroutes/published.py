"""Publishers' own headline figures against the pipeline's numbers (``compare/published_check``).

``config/published_figures.yaml`` lists each figure as published, with its document, date and a
verbatim quote, and names the pipeline's counterpart (table, key, column). A difference within the
tolerance matches; beyond it the entry must say why (a revision, a preliminary figure, a different
coverage or definition), or the check reports it as unexplained.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from .config import load_yaml, require_unique, validate
from .errors import MedroutesError

TOLERANCE = {False: 0.005, True: 0.025}  # relative; exact figures, rounded ("about 23 000") figures
STATUSES = ("matched", "explained", "unexplained", "no pipeline value")
SCHEMA = pa.schema([
    ("id", pa.string()), ("publisher", pa.string()), ("measure", pa.string()), ("area", pa.string()),
    ("period", pa.string()), ("published_value", pa.float64()), ("approx", pa.bool_()),
    ("pipeline_table", pa.string()), ("pipeline_key", pa.string()), ("pipeline_column", pa.string()),
    ("pipeline_value", pa.float64()), ("difference", pa.float64()), ("relative_difference", pa.float64()),
    ("tolerance", pa.float64()), ("status", pa.string()), ("difference_kind", pa.string()),
    ("explanation", pa.string()), ("note", pa.string()), ("document", pa.string()), ("url", pa.string()),
    ("published", pa.string()), ("secondary", pa.string()), ("quote", pa.string()),
])
KEY = ["id"]


class PublishedFigureError(MedroutesError):
    """An entry of config/published_figures.yaml names a pipeline value that does not exist."""


def load(path) -> list[dict]:
    data = load_yaml(path)
    validate(data, "published_figures.schema.yaml", str(path))
    require_unique([f["id"] for f in data["figures"]], f"{path}: figure ids must be unique; repeated")
    return data["figures"]


def _period(p) -> str:
    return p if isinstance(p, str) else f"{p['start']}/{p['end']}"


def pipeline_value(entry: dict, tables: dict[str, pd.DataFrame], where: str = "") -> float | None:
    """The pipeline's number an entry is compared with (a sum over ``months`` for route_month)."""
    pipe = entry["pipeline"]
    t = tables[pipe["table"]]
    if pipe["column"] not in t.columns:
        raise PublishedFigureError(f"{where}figure {entry['id']}: compare/{pipe['table']} has no column "
                                   f"{pipe['column']!r}")
    for k, v in pipe["key"].items():
        if k not in t.columns:
            raise PublishedFigureError(f"{where}figure {entry['id']}: compare/{pipe['table']} has no key column {k!r}")
        t = t[t[k].astype(str) == str(v)]
    if "months" in pipe:
        first, last = pipe["months"]
        t = t[t["month"].between(first, last)]
        return None if t.empty else float(t[pipe["column"]].sum(min_count=1))
    if len(t) > 1:
        raise PublishedFigureError(f"{where}figure {entry['id']}: {len(t)} rows of compare/{pipe['table']} match "
                                   f"{pipe['key']}; give the whole key")
    if t.empty or pd.isna(t[pipe["column"]].iloc[0]):
        return None
    return float(t[pipe["column"]].iloc[0])


def check(entries: list[dict], tables: dict[str, pd.DataFrame], where: str = "") -> pd.DataFrame:
    rows = []
    for e in entries:
        pipe, diff = e["pipeline"], e.get("difference") or {}
        ours = pipeline_value(e, tables, where)
        tol = TOLERANCE[bool(e["approx"])]
        d = None if ours is None else e["value"] - ours
        rel = None if ours in (None, 0) else d / ours
        if ours is None:
            status = "no pipeline value"
        elif abs(rel) <= tol:
            status = "matched"
        else:
            status = "explained" if diff else "unexplained"
        key = ", ".join(f"{k}={v}" for k, v in pipe["key"].items())
        if "months" in pipe:
            key += f", months {pipe['months'][0]}-{pipe['months'][1]}"
        rows.append({
            "id": e["id"], "publisher": e["publisher"], "measure": e["measure"], "area": e["area"],
            "period": _period(e["period"]), "published_value": float(e["value"]), "approx": bool(e["approx"]),
            "pipeline_table": pipe["table"], "pipeline_key": key, "pipeline_column": pipe["column"],
            "pipeline_value": ours, "difference": d, "relative_difference": rel, "tolerance": tol, "status": status,
            "difference_kind": diff.get("kind"), "explanation": diff.get("explanation"), "note": e.get("note"),
            "document": e["document"], "url": e["url"], "published": e["published"],
            "secondary": e.get("secondary"), "quote": e["quote"],
        })
    return pd.DataFrame(rows, columns=SCHEMA.names)
