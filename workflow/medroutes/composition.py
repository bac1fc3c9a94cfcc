"""Who travels and how they die: composition tables.

- nationality: Frontex detections by route, year and nationality, with top-N shares, the share of
  the study's origin countries and a Herfindahl-Hirschman concentration index;
- causes: IOM dead and missing by route, year and cause of death.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

_F = pa.float64()
NATIONALITY_SCHEMA = pa.schema([
    ("route", pa.string()), ("year", pa.int64()), ("nationality", pa.string()), ("detections", _F),
    ("share", _F), ("rank", pa.int64()), ("study_origin", pa.bool_()),
])
NATIONALITY_KEY = ["route", "year", "nationality"]
CONCENTRATION_SCHEMA = pa.schema([
    ("route", pa.string()), ("year", pa.int64()), ("detections", _F), ("nationalities", pa.int64()),
    ("top1_nationality", pa.string()), ("top1_share", _F), ("top3_share", _F), ("top5_share", _F),
    ("study_origins_share", _F), ("unknown_or_other_share", _F), ("hhi", _F),
])
CONCENTRATION_KEY = ["route", "year"]
CAUSES_SCHEMA = pa.schema([
    ("route", pa.string()), ("year", pa.int64()), ("cause_of_death", pa.string()), ("dead_and_missing", _F),
    ("share", _F),
])
CAUSES_KEY = ["route", "year", "cause_of_death"]
UNIDENTIFIED = {"_U", "_O", "_T"}


def years_of(d: pd.DataFrame) -> pd.DataFrame:
    """``d`` with ``year``, the first four characters of ``period``, as an integer."""
    return d.assign(year=d["period"].str[:4].astype(int))


def nationality(obs: pd.DataFrame, routes: list[str], origins: list[str]) -> pd.DataFrame:
    """Frontex detections by route x year x nationality, with shares, ranks and study origins."""
    d = years_of(obs[(obs["source_id"] == "frontex_ibc") & (obs["indicator"] == "irregular_border_crossings")
                   & obs["route"].isin(routes)])
    by = d.groupby(["route", "year", "counterpart_area"])["value"].sum().rename("detections").reset_index()
    by = by.rename(columns={"counterpart_area": "nationality"})
    total = by.groupby(["route", "year"])["detections"].transform("sum")
    by["share"] = by["detections"] / total
    by["rank"] = (by.sort_values(["detections", "nationality"], ascending=[False, True])
                  .groupby(["route", "year"]).cumcount() + 1).reindex(by.index)
    by["study_origin"] = by["nationality"].isin(origins)
    return by


def concentration(by: pd.DataFrame) -> pd.DataFrame:
    """Per route-year concentration measures, from the :func:`nationality` table."""
    rows = []
    for (route, year), g in by.groupby(["route", "year"]):
        known = g[~g["nationality"].isin(UNIDENTIFIED)].sort_values(["detections", "nationality"],
                                                                       ascending=[False, True])
        k = known["detections"] / known["detections"].sum() if len(known) else known["detections"]
        rows.append({
            "route": route, "year": year, "detections": g["detections"].sum(), "nationalities": len(known),
            "top1_nationality": known["nationality"].iloc[0] if len(known) else None,
            # top-N shares are of all detections, unknown included, so they never overstate
            **{f"top{n}_share": known["detections"].head(n).sum() / g["detections"].sum() for n in (1, 3, 5)},
            "study_origins_share": g.loc[g["study_origin"], "detections"].sum() / g["detections"].sum(),
            "unknown_or_other_share": g.loc[g["nationality"].isin(UNIDENTIFIED), "detections"].sum()
            / g["detections"].sum(),
            # HHI over identified nationalities (0: evenly spread .. 1: a single nationality)
            "hhi": float((k**2).sum()) if len(known) else np.nan,
        })
    return pd.DataFrame(rows, columns=CONCENTRATION_SCHEMA.names)


def causes(obs: pd.DataFrame, routes: list[str]) -> pd.DataFrame:
    d = years_of(obs[(obs["source_id"] == "iom_mmp") & (obs["indicator"] == "dead_and_missing")
                   & (obs["dimension"] == "cause_of_death") & obs["route"].isin(routes)])
    t = d.groupby(["route", "year", "category"])["value"].sum().rename("dead_and_missing").reset_index()
    t = t.rename(columns={"category": "cause_of_death"})
    t["share"] = t["dead_and_missing"] / t.groupby(["route", "year"])["dead_and_missing"].transform("sum")
    return t
