"""Cross-route comparison: route x year tables built from the harmonised observations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

ROUTE_YEAR_SCHEMA = pa.schema([
    ("route", pa.string()), ("year", pa.int64()),
    ("detections_sea", pa.float64()), ("detections_land", pa.float64()), ("detections", pa.float64()),
    ("dead", pa.float64()), ("missing", pa.float64()), ("dead_and_missing", pa.float64()),
    ("incidents", pa.float64()),
    ("dead_and_missing_per_1000_detections", pa.float64()),
    ("partial_year", pa.bool_()), ("coverage_note", pa.string()),
])
ROUTE_YEAR_KEY = ["route", "year"]

# (column, source_id, indicator, category); category None means every category
MEASURES = (
    ("detections_sea", "frontex_ibc", "irregular_border_crossings", "sea"),
    ("detections_land", "frontex_ibc", "irregular_border_crossings", "land"),
    ("dead", "iom_mmp", "dead", None),
    ("missing", "iom_mmp", "missing", None),
    ("dead_and_missing", "iom_mmp", "dead_and_missing", None),
    ("incidents", "iom_mmp", "incidents", None),
)
SOURCE_LABEL = {"frontex_ibc": "Frontex detections", "iom_mmp": "IOM dead and missing"}


def route_year(obs: pd.DataFrame, routes: list[str], first_year: int, last_year: int) -> pd.DataFrame:
    """One row per study route and year; a measure with no observation stays null, not zero."""
    obs = obs[obs["route"].isin(routes)].assign(year=lambda d: d["period"].str[:4].astype(int))
    grid = pd.MultiIndex.from_product([routes, range(first_year, last_year + 1)], names=ROUTE_YEAR_KEY)
    table = pd.DataFrame(index=grid)
    for column, source, indicator, category in MEASURES:
        sel = (obs["source_id"] == source) & (obs["indicator"] == indicator)
        if category is not None:
            sel &= obs["category"] == category
        table[column] = obs[sel].groupby(ROUTE_YEAR_KEY)["value"].sum(min_count=1).reindex(grid)
    has_detections = table[["detections_sea", "detections_land"]].notna().any(axis=1)
    table["detections"] = table[["detections_sea", "detections_land"]].sum(axis=1, min_count=1)
    table.loc[~has_detections, "detections"] = np.nan
    table["dead_and_missing_per_1000_detections"] = (
        1000 * table["dead_and_missing"] / table["detections"].where(table["detections"] > 0))

    # A year is partial where a source's coverage ends before December of that year.
    ends = {src: obs.loc[obs["source_id"] == src, "period"].max() for src in SOURCE_LABEL}
    notes = []
    for year in table.index.get_level_values("year"):
        parts = [f"{SOURCE_LABEL[s]} end {e}" for s, e in sorted(ends.items())
                 if isinstance(e, str) and int(e[:4]) == year and e < f"{year}-12"]
        notes.append("; ".join(parts) if parts else None)
    table["coverage_note"] = notes
    table["partial_year"] = table["coverage_note"].notna()
    return table.reset_index()
