"""Publishers' own headline figures against the pipeline's numbers: the difference of each, in per cent."""

from medroutes import figures
from medroutes.io import read_parquet

INPUTS = {"published_check": "compare/published_check.parquet"}
CONFIG = ["countries", "routes", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["published_check.rst", "Figures"], "csv": ["published_check.rst", "Figure data"]}


def build(step):
    c = step.config
    figures.published_check(read_parquet(step.input["published_check"]), step.stem,
                            country_names=figures.country_names(c["countries"]),
                            route_names={r["label"].split(" (")[0]: r["label"] for r in c["routes"].values()},
                            data_label=c["data_label"])
