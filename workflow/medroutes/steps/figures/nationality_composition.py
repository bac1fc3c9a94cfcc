"""Nationality composition of detections by route."""

from medroutes import figures
from medroutes.io import read_parquet

INPUTS = {"nationality": "compare/nationality.parquet"}
CONFIG = ["routes", "compare.years", "data_label"]
REPORT = {"png": ["nationality_composition.rst", "Figures"], "csv": ["nationality_composition.rst", "Figure data"]}


def build(step):
    c = step.config
    table = read_parquet(step.input["nationality"])
    figures.nationality_composition(table, figures.route_labels(c["routes"]), stem=step.stem,
                                    data_label=c["data_label"], **c["compare.years"])
