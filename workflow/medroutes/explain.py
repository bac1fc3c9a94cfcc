"""A trace for any number of the route tables: how ``compare/route_year`` or ``compare/route_month``
computed one value, down to the observations and raw rows that sum to it.

A measure column (``detections_sea``, ``dead_and_missing``, ...) is a sum of one source's observations
(:data:`medroutes.compare.MEASURES` says which): every contributing observation is listed with its
raw file, sha256 and row, and their sum must equal the value, or :class:`ExplainError` says by how
much it does not. A derived column (``detections``, ``arrivals``, ratios, shares, year-on-year
changes) is decomposed into the columns it is computed from, each traced in turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import compare, coverage
from .errors import MedroutesError

TABLES = {"route_year": compare.ROUTE_YEAR_KEY, "route_month": compare.ROUTE_MONTH_KEY}
MEASURES = {m.column: m for m in compare.MEASURES}
# derived column -> (formula shown, parts, function of the parts' values)
RATIOS = {
    "dead_and_missing_per_1000_detections": ("1000 x dead_and_missing / detections",
                                             ["dead_and_missing", "detections"], lambda a, b: 1000 * a / b),
    "dead_and_missing_per_1000_arrivals": ("1000 x dead_and_missing / arrivals",
                                           ["dead_and_missing", "arrivals"], lambda a, b: 1000 * a / b),
    "share_female": ("dead_and_missing_female / dead_and_missing",
                     ["dead_and_missing_female", "dead_and_missing"], lambda a, b: a / b),
    "share_child": ("dead_and_missing_child / dead_and_missing",
                    ["dead_and_missing_child", "dead_and_missing"], lambda a, b: a / b),
}
OBS_SHOWN = ["source_id", "indicator", "route_label", "ref_area", "counterpart_area", "sex", "age", "dimension",
             "category", "period", "value", "raw_file", "raw_sha256", "raw_row", "raw_ref"]


class ExplainError(MedroutesError):
    """The value cannot be traced, or its parts do not add up to it."""


@dataclass
class Trace:
    table: str
    key: dict
    column: str
    value: float | None
    lines: list[str] = field(default_factory=list)
    observations: pd.DataFrame | None = None  # the contributing observations of every measure traced

    def text(self) -> str:
        return "\n".join(self.lines)


def _fmt(v) -> str:
    return "null" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:,.6g}"


def _row(table: pd.DataFrame, key: dict, name: str) -> pd.Series:
    hit = table
    for k, v in key.items():
        hit = hit[hit[k].astype(str) == str(v)]
    if len(hit) != 1:
        raise ExplainError(f"compare/{name}: {len(hit)} rows for {key}; expected one (key: {', '.join(TABLES[name])})")
    return hit.iloc[0]


def explain(release_dir, table: str, key: dict, column: str) -> Trace:
    """The trace of ``column`` in the row of ``compare/<table>`` that ``key`` names."""
    release = Path(release_dir)
    if table not in TABLES:
        raise ExplainError(f"explain traces compare/route_year and compare/route_month; {table!r} is not one of "
                           "them yet (its values are documented in dictionary.md)")
    missing = [k for k in TABLES[table] if k not in key]
    if missing:
        raise ExplainError(f"compare/{table}: give every key column ({', '.join(TABLES[table])}); missing {missing}")
    data = pd.read_parquet(release / "compare" / f"{table}.parquet")
    if column not in data.columns:
        raise ExplainError(f"compare/{table} has no column {column!r}; columns: {', '.join(data.columns)}")
    obs = pd.read_parquet(release / "harmonised" / "observations.parquet")
    row = _row(data, key, table)
    trace = Trace(table, key, column, None if pd.isna(row[column]) else float(row[column]))
    trace.lines.append(f"compare/{table} {' '.join(f'{k}={v}' for k, v in key.items())} {column} = "
                       f"{_fmt(trace.value)}")
    parts = []
    _explain(trace, data, obs, row, column, table, parts, depth=0)
    trace.observations = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=OBS_SHOWN)
    return trace


def _say(trace: Trace, depth: int, text: str) -> None:
    trace.lines.append("  " * depth + text)


def _explain(trace, data, obs, row, column, table, parts, depth) -> float | None:
    value = None if pd.isna(row[column]) else float(row[column])
    if column in MEASURES:
        return _measure(trace, obs, row, MEASURES[column], table, value, parts, depth)
    if column == "detections":
        _say(trace, depth, f"detections = detections_sea + detections_land = {_fmt(value)}")
        got = [_explain(trace, data, obs, row, c, table, parts, depth + 1)
               for c in ("detections_sea", "detections_land")]
        _check(trace, "detections", value, None if all(g is None for g in got) else sum(g or 0 for g in got))
        return value
    if column == "arrivals":
        source = row.get("arrivals_source")
        col = {"unhcr_med": "arrivals_unhcr", "italy_moi_landings": "landings_italy_moi"}.get(source)
        _say(trace, depth, f"arrivals = {col or 'null'} (arrivals_source {source}: UNHCR where it has the year, "
                           f"else the Italian Ministry's landings) = {_fmt(value)}")
        if col:
            _check(trace, "arrivals", value, _explain(trace, data, obs, row, col, table, parts, depth + 1))
        return value
    if column in compare.RATIOS and table == "route_year" and _partial(row, column):
        return _partial_ratio(trace, obs, row, column, parts, depth)
    if column in RATIOS:
        formula, names, fn = RATIOS[column]
        vals = [None if pd.isna(row[n]) else float(row[n]) for n in names]
        _say(trace, depth, f"{column} = {formula} = {_fmt(value)} (a ratio: its parts are traced below)")
        for n in names:
            _explain(trace, data, obs, row, n, table, parts, depth + 1)
        want = fn(*vals) if None not in vals and vals[1] else None
        _check(trace, column, value, want)
        return value
    if column.endswith("_yoy"):
        base = column.removesuffix("_yoy")
        prev_key = {**{k: row[k] for k in TABLES[table]}, "year": int(row["year"]) - 1}
        try:
            prev = _row(data, prev_key, table)
            prev_value = None if pd.isna(prev[base]) else float(prev[base])
        except ExplainError:
            prev_value = None  # the year before the table's first year: the table kept it only to compute this
        cur = None if pd.isna(row[base]) else float(row[base])
        _say(trace, depth, f"{column} = ({base} - {base} of {prev_key['year']}) / {base} of {prev_key['year']} = "
                           f"({_fmt(cur)} - {_fmt(prev_value)}) / {_fmt(prev_value)} = {_fmt(value)}")
        _explain(trace, data, obs, row, base, table, parts, depth + 1)
        if prev_value is not None:
            _check(trace, column, value, (cur - prev_value) / prev_value if cur is not None and prev_value else None)
        return value
    raise ExplainError(f"compare/{table} column {column!r} is not a number computed from observations "
                       f"({column} = {row[column]!r}); explain traces the measure columns "
                       f"({', '.join(MEASURES)}), detections, arrivals, the ratios and shares "
                       f"({', '.join(RATIOS)}) and the *_yoy changes")


def _partial(row: pd.Series, ratio: str) -> bool:
    n = row[compare.RATIOS[ratio][1]]
    return pd.notna(n) and n < 12


def _partial_ratio(trace, obs, row, column, parts, depth) -> float | None:
    """A ratio of a partial year is taken over the months both its sources cover: trace its parts over
    those months, and check the ratio against the raw rows' sums."""
    value = None if pd.isna(row[column]) else float(row[column])
    den = compare.RATIOS[column][0]
    year = int(row["year"])
    cov = compare._coverage(obs)
    source = {"detections": "frontex_ibc", "arrivals": row["arrivals_source"]}[den]
    common = cov.get("iom_mmp", {}).get(year, frozenset()) & cov.get(source, {}).get(year, frozenset())
    in_months = obs["period"].str[:4].eq(str(year)) & obs["period"].str[5:7].isin([f"{m:02d}" for m in common])
    sub = obs[in_months]
    _say(trace, depth, f"{column} = 1000 x dead_and_missing / {den}, over the {len(common)} months both sources "
                       f"cover ({coverage.months_text(common)} {year}) = {_fmt(value)}; its parts, over those "
                       "months only, are traced below")
    cols = (["detections_sea", "detections_land"] if den == "detections"
            else [{"unhcr_med": "arrivals_unhcr", "italy_moi_landings": "landings_italy_moi"}[source]])
    num = _measure(trace, sub, row, MEASURES["dead_and_missing"], "route_year", None, parts, depth + 1, check=False)
    num = num or 0.0  # incidents: a covered month without one is a month of no deaths (compare.route_year)
    got = [_measure(trace, sub, row, MEASURES[c], "route_year", None, parts, depth + 1, check=False) for c in cols]
    den_v = None if all(g is None for g in got) else sum(g or 0 for g in got)
    _check(trace, column, value, 1000 * num / den_v if num is not None and den_v else None)
    return value


def _measure(trace, obs, row, m, table, value, parts, depth, check=True) -> float | None:
    d = compare._select(obs, m, [row["route"]])
    d = d[d["period"].str[:4] == str(int(row["year"]))]
    if table == "route_month":
        d = d[d["period"].str[5:7] == f"{int(row['month']):02d}"]
    where = ", ".join(f"{k} == {v!r}" for k, v in m.where.items())
    total = d["value"].sum(min_count=1)
    total = None if pd.isna(total) else float(total)
    proxy = f" (proxy for {m.proxy_route})" if m.proxy_route else ""
    _say(trace, depth, f"{m.column} = sum of {len(d)} observation(s) of {m.source} / {m.indicator}"
                       f"{' where ' + where if where else ''}{proxy} = {_fmt(total)}")
    shown = d.sort_values(["raw_file", "raw_row", "period"], kind="mergesort")
    for r in shown.itertuples(index=False):
        _say(trace, depth + 1, f"{r.period} {r.route_label} {r.category} value {_fmt(r.value)}  <- {r.raw_ref} "
                               f"(sha256 {r.raw_sha256[:12]}, row {r.raw_row})")
    parts.append(shown[OBS_SHOWN].assign(measure=m.column))
    if not check:
        return total
    _check(trace, m.column, value, total)
    return value


def _check(trace: Trace, column: str, value, computed) -> None:
    if value is None and computed is None:
        return
    if value is None or computed is None or not np.isclose(value, computed, rtol=1e-9, atol=1e-9):
        raise ExplainError(f"compare/{trace.table} {trace.key}: {column} is {_fmt(value)} but its parts give "
                           f"{_fmt(computed)}:\n{trace.text()}")


def records(release_dir, observations: pd.DataFrame) -> pd.DataFrame:
    """The clean records (as read from the raw file) behind traced observations."""
    release = Path(release_dir)
    out = []
    for source, group in observations.groupby("source_id", sort=True):
        clean = pd.read_parquet(release / "clean" / f"{source}.parquet")
        hit = clean.merge(group[["raw_file", "raw_row"]].drop_duplicates(), on=["raw_file", "raw_row"])
        out.append(hit.assign(source_id=source))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()
