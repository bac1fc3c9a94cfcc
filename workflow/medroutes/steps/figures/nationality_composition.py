"""Nationality composition of detections by route."""

from medroutes import figures
from medroutes.io import read_parquet
from medroutes.resolve import country_name

INPUTS = {"nationality": "compare/nationality.parquet", "route_year": "compare/route_year.parquet"}
CONFIG = ["routes", "compare.years", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["nationality_composition.rst", "Figures"], "csv": ["nationality_composition.rst", "Figure data"]}


def build(step):
    c = step.config
    table = read_parquet(step.input["nationality"])
    names = {iso: country_name(iso) for iso in sorted(set(table["nationality"]))}
    figures.nationality_composition(table, figures.route_labels(c["routes"]), stem=step.stem, names=names,
                                    months=read_parquet(step.input["route_year"]), data_label=c["data_label"],
                                    **c["compare.years"])
