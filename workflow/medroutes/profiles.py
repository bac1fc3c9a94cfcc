"""Per-country views of the harmonised observations.

A country appears in an observation as the reporting/observing area (``ref_area``) or as the
citizenship/origin (``counterpart_area``). Its *role* follows from that and from the study design
in config: as a citizenship it is an origin; as a reporting area it plays its configured
non-origin roles (transit, departure, destination), or origin for a country that is only one.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from .harmonise import OBS_KEY, OBS_SCHEMA
from .schema import described, description

PROFILE_SCHEMA = described(pa.schema([pa.field("country", pa.string()), pa.field("relation", pa.string()),
                                      pa.field("role", pa.string()), *OBS_SCHEMA]), {
    **{f.name: description(f) for f in OBS_SCHEMA},
    "country": "ISO3 of the study country the row is about",
    "relation": "reporting: the country is ref_area; citizenship: it is counterpart_area",
    "role": "the country's role in the study where it appears: origin, transit, departure, destination",
}, "country profile")
PROFILE_KEY = ["relation", *OBS_KEY]

def reporting_role(roles: list[str]) -> str:
    """The role a study country plays where it is the reporting area."""
    other = [r for r in ("transit", "departure", "destination") if r in roles]
    return "/".join(other) if other else "origin"


def country_profile(obs: pd.DataFrame, country: str, roles: list[str]) -> pd.DataFrame:
    """Every observation where ``country`` is the reporting area or the citizenship/origin."""
    as_ref = obs[obs["ref_area"] == country].assign(relation="reporting", role=reporting_role(roles))
    as_cp = obs[(obs["counterpart_area"] == country) & (obs["ref_area"] != country)].assign(
        relation="citizenship", role="origin")
    return pd.concat([as_ref, as_cp], ignore_index=True).assign(country=country)
