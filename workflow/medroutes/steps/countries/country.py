"""One file per study country: every observation where it reports or is the citizenship, with its
relation and role."""

from medroutes import profiles
from medroutes.io import read_parquet

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = ["countries.{country}.roles"]
RULE = "country_profile"
SCHEMA = profiles.PROFILE_SCHEMA
KEY = profiles.PROFILE_KEY


def build(step):
    country = step.wildcards["country"]
    profile = profiles.country_profile(read_parquet(step.input["observations"]), country,
                                       step.config["countries.{country}.roles"])
    step.write(profile)
