"""The data dictionary: every column of every dataset, with type, meaning, codes, key and rule.

Generated from the step modules' schemas (medroutes.dictionary), as Parquet, Markdown and HTML."""

from medroutes import dictionary
from medroutes.io import write_parquet, write_text

OUTPUTS = {"parquet": "dictionary.parquet", "md": "dictionary.md", "html": "dictionary.html"}
CONFIG = ["@source_adapters", "@indicators", "countries", "areas"]
LOCAL = True  # built from the step modules and code lists, no data: too small to submit
REPORT = {"html": ["dictionary.rst", "Data dictionary"]}
SCHEMA = dictionary.DICTIONARY_SCHEMA
KEY = dictionary.DICTIONARY_KEY


def build(step):
    c = step.config
    adapters = c["@source_adapters"]
    table = dictionary.build(adapters, c["@indicators"], list(c["countries"]), c["areas"])
    write_parquet(table, step.output["parquet"], SCHEMA, KEY,
                  {"dataset": "dictionary", "key": ",".join(KEY), "release": step.release})
    descriptions = dictionary.descriptions(adapters)
    write_text(dictionary.to_markdown(table, descriptions), step.output["md"])
    write_text(dictionary.to_html(table, descriptions, step.release), step.output["html"])
