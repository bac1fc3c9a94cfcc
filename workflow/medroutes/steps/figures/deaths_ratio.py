"""Dead and missing, and dead and missing per 1,000 detections, by route."""

from medroutes import figures
from medroutes.io import read_parquet

INPUTS = {"route_year": "compare/route_year.parquet"}
CONFIG = ["routes", "compare.min_denominator", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["deaths_ratio.rst", "Figures"], "csv": ["deaths_ratio.rst", "Figure data"]}


def build(step):
    c = step.config
    table = read_parquet(step.input["route_year"])
    figures.deaths_ratio(table, figures.route_labels(c["routes"]), stem=step.stem,
                         min_denominator=c["compare.min_denominator"], data_label=c["data_label"])
