"""What data exist where: which indicator x study country x year has observations, from which sources.

A country counts as the reporting area (``ref_area``) or as the citizenship (``counterpart_area``).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

AVAILABILITY_SCHEMA = pa.schema([
    ("indicator", pa.string()), ("country", pa.string()), ("relation", pa.string()), ("year", pa.int64()),
    ("sources", pa.string()), ("n_sources", pa.int64()), ("n_observations", pa.int64()),
])
AVAILABILITY_KEY = ["indicator", "country", "relation", "year"]


def availability(obs: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Which indicator x study country x year has data, from which sources (not typed by hand)."""
    parts = []
    for relation, col in (("reporting", "ref_area"), ("citizenship", "counterpart_area")):
        sel = obs[obs[col].isin(countries)]
        if relation == "citizenship":
            sel = sel[sel["ref_area"] != sel["counterpart_area"]]
        parts.append(pd.DataFrame({"indicator": sel["indicator"], "country": sel[col], "relation": relation,
                                   "year": sel["period"].str[:4].astype(int), "source_id": sel["source_id"]}))
    both = pd.concat(parts, ignore_index=True)
    grouped = both.groupby(AVAILABILITY_KEY)
    out = grouped["source_id"].agg(lambda s: ",".join(sorted(set(s)))).rename("sources").to_frame()
    out["n_sources"] = grouped["source_id"].nunique()
    out["n_observations"] = grouped.size()
    return out.reset_index()
