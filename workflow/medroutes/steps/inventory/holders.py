"""The database inventory (``config/inventory.yaml``): one row per national database or data holder
of a study country, with only what its cited public documents support (every other field ``unknown``)."""

from medroutes import inventory
from medroutes.schema import described

INPUTS = {"inventory": "repo:config/inventory.yaml"}
CONFIG = ["@codebook"]
LOCAL = True  # a table of config/inventory.yaml: too small to submit
KEY = ["id"]
SCHEMA = described(inventory.HOLDERS_SCHEMA, {
    "id": "inventory entry id",
    "country": "ISO3 of the study country",
    "agency": "the data holder (agency, and the database where it has a name)",
    "agency_types": "code book agency_types, '; '-joined, or unknown",
    "records": "what it records: code book records codes, '; '-joined, or unknown",
    "disaggregation": "documented breakdowns: code book disaggregation codes, '; '-joined, or unknown",
    "documented_years": "years for which a cited document gives figures, '; '-joined, or unknown",
    "years": "years the database covers (from-to), or unknown",
    "access": "code book access code (public: the holder publishes the counts)",
    "format": "how the counts are published or held",
    "note": "what the cited documents say it holds",
    "citations": "the public documents: 'title. publisher, date. url', ' | '-joined",
}, __name__)


def build(step):
    step.write(inventory.holders_table(inventory.load(step.input["inventory"], step.config["@codebook"])))
