"""Cross-route comparison: route x year and route x month tables, and per-capita rates,
built from the harmonised observations."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from . import coverage

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
    ("dead_and_missing_yoy", _F),
    ("detections_months", pa.int64()), ("arrivals_months", pa.int64()), ("dead_and_missing_months", pa.int64()),
    ("ratio_detections_months", pa.int64()), ("ratio_arrivals_months", pa.int64()),
    ("low_base_detections", pa.bool_()), ("low_base_arrivals", pa.bool_()),
    ("partial_year", pa.bool_()), ("coverage_note", pa.string()),
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


def _coverage(obs: pd.DataFrame) -> dict[str, dict[int, frozenset[int]]]:
    """Source -> year -> the months its measures' observations cover (all areas and routes: an
    incident source covers a month whether or not a death was recorded on a given route)."""
    cov: dict[str, dict[int, set[int]]] = {}
    for m in MEASURES:
        d = obs[(obs["source_id"] == m.source) & (obs["indicator"] == m.indicator)]
        for year, months in coverage.complete_months(d["period"], events=bool((d["event_id"] != "_T").any())).items():
            cov.setdefault(m.source, {}).setdefault(year, set()).update(months)
    return {s: {y: frozenset(ms) for y, ms in years.items()} for s, years in cov.items()}


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


# The headline measures, the source behind each, and the ratios drawn from them.
MEASURE_SOURCE = {"detections": "frontex_ibc", "dead_and_missing": "iom_mmp"}
RATIOS = {"dead_and_missing_per_1000_detections": ("detections", "ratio_detections_months", "low_base_detections"),
          "dead_and_missing_per_1000_arrivals": ("arrivals", "ratio_arrivals_months", "low_base_arrivals")}
FULL_YEAR = frozenset(range(1, 13))


def route_year(obs: pd.DataFrame, routes: list[str], first_year: int, last_year: int,
               min_denominator: float = 1000) -> pd.DataFrame:
    """One row per study route and year; a measure with no observation stays null, not zero.

    Coverage is read from the observations (``coverage.complete_months``): each headline measure
    records the months of the year its source covers, and a year where any of them covers fewer
    than 12 is partial. A ratio is taken over the months both of its sources cover, so that 10 months
    of deaths are never divided by 12 months of crossings; a year-on-year change is null where either
    year is partial or the source of arrivals changes. ``min_denominator`` flags ratios on small bases.
    """
    years = range(first_year - 1, last_year + 1)
    grid = pd.MultiIndex.from_product([routes, years], names=ROUTE_YEAR_KEY)
    t = _measures(obs, routes, ROUTE_YEAR_KEY, grid)
    t["arrivals"] = t["arrivals_unhcr"].fillna(t["landings_italy_moi"])
    t["arrivals_source"] = np.where(t["arrivals_unhcr"].notna(), "unhcr_med",
                                    np.where(t["landings_italy_moi"].notna(), "italy_moi_landings", None))
    cov = _coverage(obs)
    year = t.index.get_level_values("year")

    def months(col: str, sources) -> list[frozenset[int] | None]:
        return [cov.get(s, {}).get(y, frozenset()) if s and pd.notna(v) else None
                for s, y, v in zip(sources, year, t[col], strict=True)]

    covered = {"detections": months("detections", [MEASURE_SOURCE["detections"]] * len(t)),
               "dead_and_missing": months("dead_and_missing", [MEASURE_SOURCE["dead_and_missing"]] * len(t)),
               "arrivals": months("arrivals", t["arrivals_source"])}
    for col, ms in covered.items():
        t[f"{col}_months"] = pd.array([None if m is None else len(m) for m in ms], dtype="Int64")

    # ratios over the months both sources cover, from monthly sums
    monthly = _measures(obs, routes, ROUTE_MONTH_KEY, pd.MultiIndex.from_product(
        [routes, years, range(1, 13)], names=ROUTE_MONTH_KEY)).sort_index()
    for ratio, (den, months_col, low_col) in RATIOS.items():
        num_v, den_v, n_months = [], [], []
        for i, key in enumerate(t.index):
            common = (covered["dead_and_missing"][i] or frozenset()) & (covered[den][i] or frozenset())
            rows = monthly.loc[key]
            rows = rows[rows.index.isin(sorted(common))]
            if den == "arrivals":  # one source per year: the one the annual arrivals come from
                src = t["arrivals_source"].iat[i]
                d_series = rows["arrivals_unhcr" if src == "unhcr_med" else "landings_italy_moi"]
            else:
                d_series = rows[den]
            # IOM records incidents: a covered month without one on the route is a month of no deaths
            num_v.append(rows["dead_and_missing"].sum() if common else np.nan)
            den_v.append(d_series.sum(min_count=1) if common else np.nan)
            n_months.append(len(common) if common else None)
        num_s, den_s = pd.Series(num_v, index=t.index), pd.Series(den_v, index=t.index)
        t[ratio] = _ratio(num_s, den_s, 1000)
        t[months_col] = pd.array([None if pd.isna(r) else n for r, n in zip(t[ratio], n_months, strict=True)],
                                 dtype="Int64")
        t[low_col] = t[ratio].notna() & (den_s < min_denominator)
    # shares of the dead and missing recorded as female / as children: lower bounds, IOM often lacks the split
    t["share_female"] = _ratio(t["dead_and_missing_female"], t["dead_and_missing"])
    t["share_child"] = _ratio(t["dead_and_missing_child"], t["dead_and_missing"])
    for col in ("detections", "arrivals", "dead_and_missing"):
        by_route = t.groupby(level="route")
        previous, previous_months = by_route[col].shift(1), by_route[f"{col}_months"].shift(1)
        comparable = (t[f"{col}_months"] == 12) & (previous_months == 12)
        if col == "arrivals":
            comparable &= t["arrivals_source"] == by_route["arrivals_source"].shift(1)
        t[f"{col}_yoy"] = _ratio(t[col] - previous, previous).where(comparable.fillna(False).astype(bool))
    t = t[year >= first_year].copy()

    notes, partial = [], []
    for i in range(len(t)):
        row, parts, short = t.iloc[i], [], False
        for col, label in (("detections", "detections"), ("arrivals", "arrivals"),
                           ("dead_and_missing", "dead and missing")):
            n = row[f"{col}_months"]
            if pd.notna(n) and n < 12:
                short = True
                src = MEASURE_SOURCE.get(col) or row["arrivals_source"]
                ms = cov.get(src, {}).get(int(row.name[1]), frozenset())
                parts.append(f"{label} ({SOURCE_LABEL[src]}) cover {coverage.months_text(ms)} only")
        for ratio, (_, months_col, low_col) in RATIOS.items():
            n = row[months_col]
            if pd.notna(n) and n < 12:
                parts.append(f"{ratio} over the {n} months both sources cover")
            if row[low_col]:
                parts.append(f"{ratio} on fewer than {min_denominator:,.0f} {RATIOS[ratio][0]}")
        notes.append("; ".join(parts) or None)
        partial.append(short)
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
    # seasonality is read for detections and deaths: a year is complete where both cover all 12 months
    cov = _coverage(obs)
    full = {y for y in years if all(cov.get(s, {}).get(y) == FULL_YEAR for s in MEASURE_SOURCE.values())}
    t = t.reset_index()
    t["complete_year"] = t["year"].isin(full)
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
