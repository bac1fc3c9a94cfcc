"""The literature review's evidence map: for every code book topic x study route (and one column of
works on no particular route), the number of distinct references tagged there and their keys."""

from medroutes import literature
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"tags": "literature/tags.parquet"}
CONFIG = ["@codebook", "routes"]
LOCAL = True  # counts of the tag sheet: too small to submit
KEY = ["topic", "route"]
SCHEMA = described(literature.EVIDENCE_MAP_SCHEMA, {
    "topic": "code book topic (config/codebook.yaml: topics)",
    "route": "study route; empty: works on no particular study route (EU-wide or global)",
    "n_references": "distinct references tagged with the topic on the route (zeros included)",
    "keys": "their citation keys, sorted, '; '-joined (literature/references)",
}, __name__)


def build(step):
    c = step.config
    tags = read_parquet(step.input["tags"])
    step.write(literature.evidence_map(tags, c["@codebook"]["topics"], list(c["routes"]), unrouted=True))
