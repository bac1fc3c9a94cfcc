"""The smuggling-trafficking nexus: detected trafficking victims (UNODC GLOTIP) in the study
countries, by citizenship and by form of exploitation. GLOTIP gives these two breakdowns
separately, never crossed.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from .composition import years_of

_F = pa.float64()

NEXUS_SCHEMA = pa.schema([
    ("country", pa.string()), ("year", pa.int64()), ("breakdown", pa.string()), ("category", pa.string()),
    ("victims", _F), ("obs_status", pa.string()), ("total_victims", _F), ("share", _F),
])
NEXUS_KEY = ["country", "year", "breakdown", "category"]


def nexus(obs: pd.DataFrame, countries: list[str], origins: list[str]) -> pd.DataFrame:
    """Detected trafficking victims reported by the study countries: by citizenship (study origins)
    and by form of exploitation, each with the country-year total and its share."""
    v = years_of(obs[(obs["indicator"] == "trafficking_victims_detected") & obs["ref_area"].isin(countries)
                   & (obs["sex"] == "_T") & (obs["age"] == "_T")])
    total = (v[(v["dimension"] == "_T") & (v["counterpart_area"] == "_T")]
             .set_index(["ref_area", "year"])["value"].rename("total_victims"))
    by_cit = v[(v["dimension"] == "_T") & v["counterpart_area"].isin(origins)].assign(
        breakdown="citizenship", category=lambda d: d["counterpart_area"])
    by_form = v[(v["dimension"] == "form_of_exploitation") & (v["counterpart_area"] == "_T")].assign(
        breakdown="form_of_exploitation")
    t = pd.concat([by_cit, by_form], ignore_index=True).rename(columns={"ref_area": "country", "value": "victims"})
    t = t.join(total, on=["country", "year"])
    t["share"] = t["victims"] / t["total_victims"].where(t["total_victims"] > 0)
    return t[NEXUS_SCHEMA.names]
