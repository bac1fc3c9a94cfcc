"""Arrivals to Italy and Spain by year, measured by each source."""

from medroutes import figures
from medroutes.io import read_parquet

INPUTS = {"reconciliation": "compare/reconciliation.parquet"}
CONFIG = ["countries", "figures.reconciliation_years", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["reconciliation.rst", "Figures"], "csv": ["reconciliation.rst", "Figure data"]}


def build(step):
    c = step.config
    table = read_parquet(step.input["reconciliation"])
    figures.reconciliation(table, figures.country_names(c["countries"]), stem=step.stem,
                           data_label=c["data_label"], **c["figures.reconciliation_years"])
