"""Detections and dead and missing by route over time."""

from medroutes import figures
from medroutes.io import read_parquet

INPUTS = {"route_year": "compare/route_year.parquet"}
CONFIG = ["routes", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["route_flows_deaths.rst", "Figures"], "csv": ["route_flows_deaths.rst", "Figure data"]}


def build(step):
    c = step.config
    table = read_parquet(step.input["route_year"])
    figures.route_flows_deaths(table, figures.route_labels(c["routes"]), stem=step.stem, data_label=c["data_label"])
