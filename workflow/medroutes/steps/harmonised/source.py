"""One source's observations on the data contract: indicator, route, ISO3 areas, period, value, unit,
status and lineage, one row per value. Read off the clean table by the adapter's ``SPEC.observations``.

``<source>.route_labels.json``, from the same job: every raw route label with its row count and the
study route it maps to (none: outside the study routes), and each configured label no row carries."""

from medroutes import adapters
from medroutes import harmonise as harmonising
from medroutes.io import read_parquet, write_json
from medroutes.log import get_logger
from medroutes.resolve import CountryResolver

log = get_logger(__name__)

INPUTS = {"clean": "clean/{source}.parquet"}
OUTPUTS = {"parquet": "harmonised/{source}.parquet", "route_labels": "harmonised/{source}.route_labels.json"}
CONFIG = ["@source", "routes", "@aliases", "areas", "@indicators"]
RULE = "harmonise"
ADAPTER = True
SCHEMA = harmonising.OBS_SCHEMA
KEY = harmonising.OBS_KEY


def build(step):
    c = step.config
    source = c["@source"]
    spec = adapters.get(source["adapter"]).SPEC
    clean = read_parquet(step.input["clean"])
    obs = harmonising.harmonise(clean, spec, source["id"], c["routes"], CountryResolver(c["@aliases"], c["areas"]),
                                c["@indicators"])
    step.write(obs)
    labels = harmonising.route_labels(clean, spec, source["id"], c["routes"])
    harmonising.log_route_labels(labels)
    write_json(labels, step.output["route_labels"])
    log.info("%s: by indicator %s", source["id"], obs.groupby("indicator").size().to_dict())
