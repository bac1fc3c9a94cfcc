"""Key-informant interviews: share of the interviews reporting each theme (coded yes), by study route,
from the disclosure-controlled interview tables."""

from medroutes import figures
from medroutes.io import read_parquet

EVIDENCE = "interviews"
INPUTS = {"by_route": "protected/interviews.by_route.parquet"}
CONFIG = ["@codebook", "routes", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["interviews.rst", "Figures"], "csv": ["interviews.rst", "Figure data"]}


def build(step):
    c = step.config
    table = read_parquet(step.input["by_route"])
    routes = [r for r in c["routes"] if r in set(table["route"])]
    themes = [t for t in c["@codebook"]["themes"] if t in set(table["theme"])]
    shares = table.pivot(index="theme", columns="route", values="share_yes").loc[themes, routes]
    counts = table.pivot(index="theme", columns="route", values="interviews").loc[themes, routes]
    figures.protected_heatmap(
        shares, counts, c["@codebook"]["themes"], figures.route_labels(c["routes"]), step.stem,
        title="What key informants report, by route: share answering yes",
        footer="Share of the interviews in which the informant reported the theme (coded yes; n = interviews on the "
               "route; an interview counts on every route it covered). Counts below the disclosure "
               "threshold, and enough others that they cannot be recomputed, are suppressed. Source: key-informant "
               "interviews (restricted), disclosure-controlled.",
        data=table, data_label=c["data_label"])
