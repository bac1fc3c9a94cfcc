"""Availability matrix: evidence type x study country, coloured by the most open access of each cell."""

from medroutes import figures, inventory
from medroutes.io import read_parquet

INPUTS = {"inventory": "compare/inventory.parquet"}
CONFIG = ["@codebook", "countries", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["inventory.rst", "Figures"], "csv": ["inventory.rst", "Figure data"]}


def build(step):
    c = step.config
    inventory.figure(read_parquet(step.input["inventory"]), figures.country_names(c["countries"]),
                     c["@codebook"]["evidence_types"], step.stem, data_label=c["data_label"])
