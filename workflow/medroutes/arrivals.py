"""Arrivals measured by different publishers, side by side (the reconciliation table).

Italy: Frontex Central Mediterranean detections, UNHCR arrivals to Italy, Ministry of the Interior
landings. Spain: UNHCR arrivals to Spain against Frontex Western Mediterranean plus Western African
detections. Differences are expected and explained in NOTES: they are part of the finding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from . import coverage

RECONCILIATION_SCHEMA = pa.schema([
    ("country", pa.string()), ("year", pa.int64()), ("measure", pa.string()), ("source_id", pa.string()),
    ("value", pa.float64()), ("reference_measure", pa.string()), ("reference_value", pa.float64()),
    ("difference", pa.float64()), ("relative_difference", pa.float64()), ("months_covered", pa.int64()),
    ("note", pa.string()),
])
RECONCILIATION_KEY = ["country", "year", "measure"]

# measure -> (country, source_id, indicator, selection, note)
MEASURES = {
    "frontex_detections_central_med": (
        "ITA", "frontex_ibc", "irregular_border_crossings", {"route": ["central_mediterranean"]},
        "Detections, not persons; the whole Central Mediterranean route (arrivals in Italy and Malta)."),
    "unhcr_arrivals": (
        None, "unhcr_med", "arrivals", {"category": ["_T"]},
        "UNHCR monthly totals of persons arriving by sea and land."),
    "moi_landings_daily": (
        "ITA", "italy_moi_landings", "sea_arrivals", {},
        "Sum of daily sea landings, each day from the latest report that reached it; provisional."),
    "moi_landings_ytd_dec31": (
        "ITA", "italy_moi_landings", "sea_arrivals_ytd", {"year_end_only": True},
        "Year-to-date landings in the 31 December report (top nationalities plus others)."),
    "frontex_detections_west_med_atlantic": (
        "ESP", "frontex_ibc", "irregular_border_crossings",
        {"route": ["western_mediterranean", "western_african"]},
        "Detections on the Western Mediterranean and Western African routes, sea and land "
        "(Ceuta and Melilla land crossings included)."),
}
# Each year is compared with the first of these that has a value for it: UNHCR ends in Nov. 2019,
# so later Italian years are compared with the Ministry's 31 December year-to-date figure.
REFERENCES = {"ITA": ["unhcr_arrivals", "moi_landings_ytd_dec31"], "ESP": ["unhcr_arrivals"]}


def _measure(obs: pd.DataFrame, name: str, country: str) -> pd.DataFrame:
    _, source, indicator, sel, _ = MEASURES[name]
    d = obs[(obs["source_id"] == source) & (obs["indicator"] == indicator)]
    if "route" in sel:
        d = d[d["route"].isin(sel["route"])]
    else:
        d = d[d["ref_area"] == country]
    if "category" in sel:
        d = d[d["category"].isin(sel["category"])]
    if sel.get("year_end_only"):
        d = d[d["period"].str.endswith("-12-31")]
    d = d.assign(year=d["period"].str[:4].astype(int))
    out = d.groupby("year").agg(value=("value", "sum")).reset_index()
    months = coverage.complete_months(d["period"])
    out["months_covered"] = pd.array([len(months.get(y, ())) for y in out["year"]], dtype="Int64")
    if sel.get("year_end_only"):
        # a stock read on one day, not months of flow (typed, so concatenating it never guesses a dtype)
        out["months_covered"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out


def reconciliation(obs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    plan = {"ITA": ["unhcr_arrivals", "frontex_detections_central_med", "moi_landings_daily",
                    "moi_landings_ytd_dec31"],
            "ESP": ["unhcr_arrivals", "frontex_detections_west_med_atlantic"]}
    for country, names in plan.items():
        chosen: dict[int, tuple[str, float]] = {}
        for name in REFERENCES[country]:
            for year, value in _measure(obs, name, country).set_index("year")["value"].items():
                chosen.setdefault(int(year), (name, value))
        ref = pd.DataFrame.from_dict(chosen, orient="index", columns=["reference_measure", "reference_value"])
        spans = {name: _measure(obs, name, country).set_index("year")["months_covered"] for name in REFERENCES[country]}
        ref["reference_months"] = pd.array([spans[m].get(y) for y, m in zip(ref.index, ref["reference_measure"],
                                                                               strict=True)], dtype="Int64")
        for name in names:
            m = _measure(obs, name, country)
            m = m.join(ref, on="year")
            m["country"], m["measure"], m["source_id"] = country, name, MEASURES[name][1]
            m["note"] = MEASURES[name][4]
            rows.append(m)
    out = pd.concat(rows, ignore_index=True)
    # a difference is taken only between measures of the same months (a year-end stock counts as 12):
    # 4 months of landings against 11 of UNHCR arrivals is no finding
    span = out["months_covered"].astype("Float64").fillna(12)
    ref_span = pd.to_numeric(out["reference_months"], errors="coerce").astype("Float64").fillna(12)
    same = (span == ref_span).fillna(False).astype(bool)
    out["difference"] = (out["value"] - out["reference_value"]).where(same)
    out["relative_difference"] = out["difference"] / out["reference_value"].replace(0, np.nan)
    return out.drop(columns="reference_months")
