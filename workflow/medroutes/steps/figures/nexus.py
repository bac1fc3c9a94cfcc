"""Trafficking victims from origin countries detected in Italy and Spain; smuggling offences per capita."""

from medroutes import figures
from medroutes.io import read_parquet

INPUTS = {"nexus": "compare/nexus.parquet", "per_capita": "compare/per_capita.parquet"}
CONFIG = ["countries", "compare.origin_countries", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["nexus.rst", "Figures"], "csv": ["nexus.rst", "Figure data"]}


def build(step):
    c = step.config
    nexus, per_capita = read_parquet(step.input["nexus"]), read_parquet(step.input["per_capita"])
    figures.nexus(nexus, per_capita, figures.country_names(c["countries"]), stem=step.stem,
                  origins=c["compare.origin_countries"], data_label=c["data_label"])
