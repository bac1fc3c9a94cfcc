"""All sources' observations in one long table (the data contract)."""

import pandas as pd

from medroutes import harmonise as harmonising
from medroutes.io import read_parquet

INPUTS = {"parts": "harmonised/{source}.parquet"}
SCHEMA = harmonising.OBS_SCHEMA
KEY = harmonising.OBS_KEY


def build(step):
    parts = step.input["parts"]
    obs = pd.concat([read_parquet(p) for p in parts], ignore_index=True)
    step.write(obs, upstream=sorted(parts))
