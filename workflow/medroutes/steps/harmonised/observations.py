"""All sources' observations in one long table (the data contract); national statistics supplied by
data holders join it only disclosure-controlled (protected/national_statistics)."""

import pandas as pd

from medroutes import harmonise as harmonising
from medroutes.io import read_parquet

INPUTS = {"parts": "harmonised/{source}.parquet", "protected": "?protected/national_statistics.parquet"}
SCHEMA = harmonising.OBS_SCHEMA
KEY = harmonising.OBS_KEY


def build(step):
    parts = step.input["parts"]
    obs = pd.concat([read_parquet(p) for p in parts], ignore_index=True)
    # supplied national statistics, disclosure-controlled (their conf_status stays in protected/)
    protected = [read_parquet(p).drop(columns="conf_status") for p in step.input["protected"]]
    if protected:
        obs = pd.concat([obs, *protected], ignore_index=True)
        parts = [*parts, *step.input["protected"]]
    step.write(obs, upstream=sorted(parts))
