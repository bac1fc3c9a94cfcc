"""Evidence map of the literature review: topics x study routes, the number of references in each cell."""

from medroutes import figures, literature
from medroutes.io import read_parquet

INPUTS = {"evidence_map": "compare/evidence_map.parquet"}
CONFIG = ["@codebook", "routes", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["evidence_map.rst", "Figures"], "csv": ["evidence_map.rst", "Figure data"]}


def build(step):
    c = step.config
    literature.figure(read_parquet(step.input["evidence_map"]), c["@codebook"]["topics"],
                      figures.route_labels(c["routes"]), step.stem, data_label=c["data_label"])
