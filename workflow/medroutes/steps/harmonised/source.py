"""One source's observations on the data contract: indicator, route, ISO3 areas, period, value, unit,
status and lineage, one row per value. Read off the clean table by the adapter's ``SPEC.observations``.

From the same job: ``<source>.rejects.parquet``, observations left out because another raw row gives the
same observation (``harmonise.dedupe``), and ``<source>.ledger.json``, their count (observations in = kept +
rejected); ``<source>.route_labels.json``, every raw route label with its row count and the study route
it maps to (none: outside the study routes), and each configured label no row carries."""

from medroutes import adapters
from medroutes import clean as cleaning
from medroutes import harmonise as harmonising
from medroutes.io import read_parquet, write_json
from medroutes.log import get_logger
from medroutes.resolve import CountryResolver

log = get_logger(__name__)

INPUTS = {"clean": "clean/{source}.parquet"}
OUTPUTS = {"parquet": "harmonised/{source}.parquet", "rejects": "harmonised/{source}.rejects.parquet",
           "ledger": "harmonised/{source}.ledger.json", "route_labels": "harmonised/{source}.route_labels.json"}
CONFIG = ["@source", "routes", "@aliases", "areas", "@indicators"]
RULE = "harmonise"
ADAPTER = True
SCHEMA = harmonising.OBS_SCHEMA
KEY = harmonising.OBS_KEY
REJECTS_KEY = ["raw_file", "raw_row", "raw_ref", "value"]


def build(step):
    c = step.config
    source = c["@source"]
    spec = adapters.get(source["adapter"]).SPEC
    clean = read_parquet(step.input["clean"])
    obs, rejects = harmonising.harmonise(clean, spec, source["id"], c["routes"],
                                         CountryResolver(c["@aliases"], c["areas"]), c["@indicators"])
    step.write(obs, vintage=source.get("vintage"))
    step.write(rejects, "rejects", schema=cleaning.REJECTS_SCHEMA, key=REJECTS_KEY, vintage=source.get("vintage"))
    ledger = {"source_id": source["id"], **cleaning.check_row_counts(len(obs) + len(rejects), len(obs),
                                                                      rejects["reason"])}
    write_json(ledger, step.output["ledger"])
    for r in rejects.itertuples():
        log.warning("%s: %s %s: %s", source["id"], r.reason, r.raw_ref, r.detail)
    labels = harmonising.route_labels(clean, spec, source["id"], c["routes"])
    harmonising.log_route_labels(labels)
    write_json(labels, step.output["route_labels"])
    log.info("%s: by indicator %s", source["id"], obs.groupby("indicator").size().to_dict())


def schema_of(output: str, spec):
    """(schema, key) of an output (the data dictionary)."""
    return (cleaning.REJECTS_SCHEMA, REJECTS_KEY) if output == "rejects" else (SCHEMA, KEY)
