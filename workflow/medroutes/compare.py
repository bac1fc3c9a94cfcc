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


PER_CAPITA_SCHEMA = pa.schema([
    ("country", pa.string()), ("year", pa.int64()), ("indicator", pa.string()), ("source_id", pa.string()),
    ("value", pa.float64()), ("obs_status", pa.string()), ("population", pa.float64()),
    ("per_100k", pa.float64()), ("published_per_100k", pa.float64()),
])
PER_CAPITA_KEY = ["indicator", "country", "year"]
# numerator indicator -> the publisher's own rate, where it gives one
PER_CAPITA = {"smuggling_offences": "smuggling_offences_rate", "trafficking_victims_detected": None}


def _totals(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Country-year totals of an indicator: every breakdown at _T."""
    d = obs[obs["indicator"] == indicator]
    for col in ("counterpart_area", "sex", "age", "dimension", "category"):
        d = d[d[col] == "_T"]
    return d.assign(country=d["ref_area"], year=d["period"].str[:4].astype(int))


def per_capita(obs: pd.DataFrame) -> pd.DataFrame:
    """Offences of smuggling of migrants and detected trafficking victims per 100,000 population,
    for country-years with both the count and the World Bank population. A suppressed count
    (obs_status C) stays null: it is below 5, not zero."""
    pop = _totals(obs, "population").set_index(["country", "year"])["value"].rename("population")
    parts = []
    for indicator, published in PER_CAPITA.items():
        num = _totals(obs, indicator)[["country", "year", "source_id", "value", "obs_status"]]
        num = num.join(pop, on=["country", "year"], how="inner").assign(indicator=indicator)
        num["per_100k"] = 1e5 * num["value"] / num["population"]
        if published:
            rate = _totals(obs, published).set_index(["country", "year"])["value"].rename("published_per_100k")
            num = num.join(rate, on=["country", "year"])
        else:
            num["published_per_100k"] = np.nan
        parts.append(num)
    return pd.concat(parts, ignore_index=True)
