"""The literature review's tag sheet (``config/literature/tags.csv``), validated against the reference
list and the code book: one row per (reference, route, study country, topic), with its raw row.

Its rejects (``tags.rejects.parquet``: one row per rejected tag row, with the column, value and reason)
come from the same job; every data row of the sheet is in exactly one of the two."""

from medroutes import literature
from medroutes.io import read_parquet
from medroutes.log import get_logger
from medroutes.schema import described

log = get_logger(__name__)

SHEET = "config/literature/tags.csv"
INPUTS = {"tags": "repo:config/literature/tags.csv", "references": "literature/references.parquet"}
OUTPUTS = {"parquet": "literature/tags.parquet", "rejects": "literature/tags.rejects.parquet"}
CONFIG = ["@codebook", "countries", "routes"]
LOCAL = True  # a table of the tag sheet: too small to submit
KEY = ["key", "route", "country", "topic"]
SCHEMA = described(literature.TAGS_SCHEMA, {
    "key": "citation key (literature/references)",
    "route": "study route the work covers the topic on; empty: none in particular (EU-wide or global)",
    "country": "ISO3 of the study country; empty: not country-specific",
    "topic": "code book topic (config/codebook.yaml: topics)",
    "evidence_type": "code book literature_evidence code",
    "year": "year of publication (checked against the reference list)",
    "raw_file": "the tag sheet, repository-relative",
    "raw_row": "line of the tag sheet (header = 1)",
}, __name__)
REJECTS_KEY = ["raw_file", "raw_row"]
REJECTS_SCHEMA = described(literature.TAG_REJECTS_SCHEMA, {
    "raw_file": "the tag sheet, repository-relative",
    "raw_row": "line of the tag sheet (header = 1)",
    "column": "the column that failed",
    "value": "its value",
    "reason": "reason code (missing_value, unknown_key, unknown_route, unknown_country, not_study_country, "
              "unknown_topic, unknown_evidence_type, bad_year, year_mismatch, duplicate_row)",
    "detail": "what was expected",
}, __name__)


def build(step):
    c = step.config
    references = read_parquet(step.input["references"])
    tags, rejects = literature.read_tags(step.input["tags"], references, c["@codebook"], list(c["countries"]),
                                         routes=list(c["routes"]), label=SHEET)
    step.write(tags)
    step.write(rejects, "rejects", schema=REJECTS_SCHEMA, key=REJECTS_KEY)
    log.info("%s: rows in %d, kept %d, rejected %d %s", SHEET, len(tags) + len(rejects), len(tags), len(rejects),
             rejects["reason"].value_counts().sort_index().to_dict())


def schema_of(output: str, spec=None):
    return (REJECTS_SCHEMA, REJECTS_KEY) if output == "rejects" else (SCHEMA, KEY)
