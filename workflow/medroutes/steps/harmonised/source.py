"""One source's observations on the data contract: indicator, route, ISO3 areas, period, value, unit,
status and lineage, one row per value. Read off the clean table by the adapter's ``SPEC.observations``."""

from medroutes import adapters
from medroutes import harmonise as harmonising
from medroutes.io import read_parquet
from medroutes.log import get_logger
from medroutes.resolve import CountryResolver

log = get_logger(__name__)

INPUTS = {"clean": "clean/{source}.parquet"}
CONFIG = ["@source", "routes", "@aliases", "areas", "@indicators"]
RULE = "harmonise"
ADAPTER = True
SCHEMA = harmonising.OBS_SCHEMA
KEY = harmonising.OBS_KEY


def build(step):
    c = step.config
    source = c["@source"]
    spec = adapters.get(source["adapter"]).SPEC
    obs = harmonising.harmonise(read_parquet(step.input["clean"]), spec, source["id"], c["routes"],
                                CountryResolver(c["@aliases"], c["areas"]), c["@indicators"])
    step.write(obs)
    log.info("%s: by indicator %s", source["id"], obs.groupby("indicator").size().to_dict())
