"""The availability matrix: for each study country and evidence type, every registered source (each
restricted one as 'restricted: supplied' or 'restricted: not supplied', never omitted), every documented
national database (config/inventory.yaml) and the public literature, with its access; a country with
nothing of a type has a 'none documented' row."""

from medroutes import inventory
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"inventory": "repo:config/inventory.yaml", "tags": "literature/tags.parquet"}
CONFIG = ["@registry", "@supplied", "@codebook", "countries"]
LOCAL = True  # a matrix of the inventory and the registry: too small to submit
KEY = ["country", "evidence_type", "entry"]
SCHEMA = described(inventory.MATRIX_SCHEMA, {
    "country": "ISO3 of the study country",
    "evidence_type": "code book evidence_types code",
    "entry": "registered source id, inventory entry id, config/literature, or empty (none documented)",
    "kind": "public_source | restricted_source | inventory | literature | none",
    "access": "public | on_request | restricted | unknown | none",
    "status": "public | on request | restricted: supplied | restricted: not supplied | unknown | none documented",
    "n_items": "literature: references tagged with the country; null otherwise",
    "description": "the source's title or the data holder",
    "citation": "the source's URL or citation, or the inventory entry's documents",
}, __name__)


def build(step):
    c = step.config
    holders = inventory.load(step.input["inventory"], c["@codebook"])
    step.write(inventory.matrix(c["@registry"], holders, c["@supplied"], list(c["countries"]),
                                c["@codebook"]["evidence_types"], read_parquet(step.input["tags"])))
