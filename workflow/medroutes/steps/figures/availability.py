"""Data availability heatmap: indicator x study country x year."""

from medroutes import figures
from medroutes.io import read_parquet

INPUTS = {"availability": "compare/availability.parquet"}
CONFIG = ["countries", "figures.availability_years", "@indicators", "@registry", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["availability.rst", "Figures"], "csv": ["availability.rst", "Figure data"]}


def build(step):
    c = step.config
    table = read_parquet(step.input["availability"])
    figures.availability_heatmap(table, figures.country_names(c["countries"]), stem=step.stem,
                                 indicator_labels={k: v["label"] for k, v in c["@indicators"].items()},
                                 source_labels=figures.source_labels(c["@registry"]),
                                 data_label=c["data_label"], **c["figures.availability_years"])
