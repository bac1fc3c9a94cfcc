"""Cross-route comparison: route x year and route x month tables, and per-capita rates,
built from the harmonised observations."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

TOTAL = {"counterpart_area": "_T", "sex": "_T", "age": "_T", "dimension": "_T", "category": "_T"}


@dataclass(frozen=True)
class Measure:
    """A column of the route tables: the sum of one source's indicator over the rows ``where`` selects.

    ``proxy_route`` attributes a source without routes to one route, openly (the column name says so).
    """

    column: str
    source: str
    indicator: str
    where: dict = field(default_factory=dict)
    proxy_route: str | None = None
    description: str = ""  # the column's meaning in the data dictionary


MEASURES = (
    Measure("detections_sea", "frontex_ibc", "irregular_border_crossings", {"category": "sea"},
            description='Frontex detections of illegal border crossings at sea'),
    Measure("detections_land", "frontex_ibc", "irregular_border_crossings", {"category": "land"},
            description='Frontex detections of illegal border crossings on land'),
    # UNHCR monthly totals; config maps Italy and Malta to the Central Mediterranean route
    Measure("arrivals_unhcr", "unhcr_med", "arrivals", {"category": "_T"},
            description='UNHCR monthly arrivals summed (persons; Italy and Malta on the Central Mediterranean)'),
    # the Italian Ministry's daily landings, as a proxy for Central Mediterranean arrivals
    Measure("landings_italy_moi", "italy_moi_landings", "sea_arrivals", {"ref_area": "ITA"},
            proxy_route="central_mediterranean",
            description="Italian Ministry of the Interior daily sea landings summed (proxy for the Central "
                        "Mediterranean; provisional)"),
    Measure("dead", "iom_mmp", "dead", TOTAL,
            description='IOM migrants recorded dead (persons)'),
    Measure("missing", "iom_mmp", "missing", TOTAL,
            description='IOM migrants recorded missing, minimum estimate (persons; net of split-incident adjustments)'),
    Measure("dead_and_missing", "iom_mmp", "dead_and_missing", TOTAL,
            description='IOM migrants recorded dead or missing (persons, minimum estimate)'),
    Measure("incidents", "iom_mmp", "incidents", TOTAL,
            description='IOM incidents in which migrants died or went missing'),
    Measure("dead_and_missing_female", "iom_mmp", "dead_and_missing", {**TOTAL, "sex": "F"},
            description='IOM dead and missing recorded as female (where IOM gives the split)'),
    Measure("dead_and_missing_child", "iom_mmp", "dead_and_missing", {**TOTAL, "age": "child"},
            description='IOM dead and missing recorded as children (where IOM gives the split)'),
)
# The route tables' columns that are measures, and their meaning.
MEASURE_DOCS = {m.column: m.description for m in MEASURES}
SOURCE_LABEL = {"frontex_ibc": "Frontex", "unhcr_med": "UNHCR", "italy_moi_landings": "Italian MoI",
                "iom_mmp": "IOM MMP"}

_F = pa.float64()
ROUTE_YEAR_SCHEMA = pa.schema([
    ("route", pa.string()), ("year", pa.int64()),
    *[(m.column, _F) for m in MEASURES], ("detections", _F), ("arrivals", _F), ("arrivals_source", pa.string()),
    ("dead_and_missing_per_1000_detections", _F), ("dead_and_missing_per_1000_arrivals", _F),
    ("share_female", _F), ("share_child", _F), ("detections_yoy", _F), ("arrivals_yoy", _F),
    ("dead_and_missing_yoy", _F), ("partial_year", pa.bool_()), ("coverage_note", pa.string()),
])
ROUTE_YEAR_KEY = ["route", "year"]

ROUTE_MONTH_SCHEMA = pa.schema([
    ("route", pa.string()), ("year", pa.int64()), ("month", pa.int64()), ("period", pa.string()),
    *[(m.column, _F) for m in MEASURES], ("detections", _F),
    ("detections_share_of_year", _F), ("dead_and_missing_share_of_year", _F), ("complete_year", pa.bool_()),
])
ROUTE_MONTH_KEY = ["route", "year", "month"]


def _select(obs: pd.DataFrame, m: Measure, routes: list[str]) -> pd.DataFrame:
    d = obs[(obs["source_id"] == m.source) & (obs["indicator"] == m.indicator)]
    for col, value in m.where.items():
        d = d[d[col] == value]
    if m.proxy_route:
        d = d.assign(route=m.proxy_route)
    return d[d["route"].isin(routes)]


def _coverage(obs: pd.DataFrame, routes: list[str]) -> dict[str, str]:
    """Where each source's data end (latest period among the rows the measures use)."""
    ends = {}
    for m in MEASURES:
        d = _select(obs, m, routes)
        if len(d):
            ends[m.source] = max(ends.get(m.source, ""), d["period"].max())
    return ends


def _measures(obs: pd.DataFrame, routes: list[str], by: list[str], grid: pd.MultiIndex) -> pd.DataFrame:
    table = pd.DataFrame(index=grid)
    for m in MEASURES:
        d = _select(obs, m, routes)
        d = d.assign(year=d["period"].str[:4].astype(int), month=d["period"].str[5:7].replace("", "0").astype(int))
        table[m.column] = d.groupby(by)["value"].sum(min_count=1).reindex(grid)
    has = table[["detections_sea", "detections_land"]].notna().any(axis=1)
    table["detections"] = table[["detections_sea", "detections_land"]].sum(axis=1, min_count=1).where(has)
    return table


def _ratio(num: pd.Series, den: pd.Series, scale: float = 1.0) -> pd.Series:
    return scale * num / den.where(den > 0)


def route_year(obs: pd.DataFrame, routes: list[str], first_year: int, last_year: int) -> pd.DataFrame:
    """One row per study route and year; a measure with no observation stays null, not zero."""
    grid = pd.MultiIndex.from_product([routes, range(first_year - 1, last_year + 1)], names=ROUTE_YEAR_KEY)
    t = _measures(obs, routes, ROUTE_YEAR_KEY, grid)
    t["arrivals"] = t["arrivals_unhcr"].fillna(t["landings_italy_moi"])
    t["arrivals_source"] = np.where(t["arrivals_unhcr"].notna(), "unhcr_med",
                                    np.where(t["landings_italy_moi"].notna(), "italy_moi_landings", None))
    t["dead_and_missing_per_1000_detections"] = _ratio(t["dead_and_missing"], t["detections"], 1000)
    t["dead_and_missing_per_1000_arrivals"] = _ratio(t["dead_and_missing"], t["arrivals"], 1000)
    # shares of the dead and missing recorded as female / as children: lower bounds, IOM often lacks the split
    t["share_female"] = _ratio(t["dead_and_missing_female"], t["dead_and_missing"])
    t["share_child"] = _ratio(t["dead_and_missing_child"], t["dead_and_missing"])
    for col in ("detections", "arrivals", "dead_and_missing"):
        previous = t.groupby(level="route")[col].shift(1)
        t[f"{col}_yoy"] = _ratio(t[col] - previous, previous)
    t = t[t.index.get_level_values("year") >= first_year]

    # The note names every source whose data end inside the year; the year is partial where the core
    # measures (detections, dead and missing) end before December.
    ends = _coverage(obs, routes)
    notes, partial = [], []
    for year in t.index.get_level_values("year"):
        inside = {s: e for s, e in sorted(ends.items()) if int(e[:4]) == year and e < f"{year}-12"}
        notes.append("; ".join(f"{SOURCE_LABEL[s]} data end {e}" for s, e in inside.items()) or None)
        partial.append(bool(set(inside) & {"frontex_ibc", "iom_mmp"}))
    t["coverage_note"] = notes
    t["partial_year"] = partial
    return t.reset_index()


def route_month(obs: pd.DataFrame, routes: list[str], first_year: int, last_year: int) -> pd.DataFrame:
    """Route x month flows and deaths, with each month's share of its year (seasonality)."""
    years = range(first_year, last_year + 1)
    grid = pd.MultiIndex.from_product([routes, years, range(1, 13)], names=ROUTE_MONTH_KEY)
    t = _measures(obs, routes, ROUTE_MONTH_KEY, grid)
    for col in ("detections", "dead_and_missing"):
        year_total = t.groupby(level=["route", "year"])[col].transform("sum")
        t[f"{col}_share_of_year"] = _ratio(t[col].fillna(0), year_total)
    # seasonality is read for detections and deaths: a year counts as complete where both cover December
    ends = [e for s, e in _coverage(obs, routes).items() if s in ("frontex_ibc", "iom_mmp")]
    last_full = min((int(e[:4]) if e[5:7] == "12" else int(e[:4]) - 1) for e in ends) if ends else 0
    t = t.reset_index()
    t["complete_year"] = t["year"] <= last_full
    t["period"] = t["year"].astype(str) + "-" + t["month"].astype(str).str.zfill(2)
    return t


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
