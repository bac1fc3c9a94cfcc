"""Seasonality of detections and deaths by route."""

from medroutes import figures
from medroutes.io import read_parquet

INPUTS = {"route_month": "compare/route_month.parquet"}
CONFIG = ["routes", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["seasonality.rst", "Figures"], "csv": ["seasonality.rst", "Figure data"]}


def build(step):
    c = step.config
    table = read_parquet(step.input["route_month"])
    figures.seasonality(table, figures.route_labels(c["routes"]), stem=step.stem, data_label=c["data_label"])
