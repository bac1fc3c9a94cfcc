"""The publishers' own headline figures (config/published_figures.yaml) set against the pipeline's
numbers: Frontex detections by route, UNHCR and the Italian Ministry of the Interior's arrivals,
IOM's dead and missing; each matched within the tolerance, or its difference explained."""

from medroutes import published
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"figures": "repo:config/published_figures.yaml", "route_year": "compare/route_year.parquet",
          "route_month": "compare/route_month.parquet", "reconciliation": "compare/reconciliation.parquet"}
CONFIG = []
LOCAL = True  # reads other comparison tables (a few hundred rows at any data size): too small to submit
KEY = published.KEY
SCHEMA = described(published.SCHEMA, {
    "id": "the figure's id in config/published_figures.yaml",
    "publisher": "who published the figure",
    "measure": "what it counts, as published",
    "area": "study route or ISO3 country",
    "period": "year, or start/end dates of a part of a year",
    "published_value": "the figure as published",
    "approx": "true where the publisher rounded it ('about', 'over', 'almost')",
    "pipeline_table": "the comparison table holding the pipeline's counterpart (compare/<table>)",
    "pipeline_key": "the counterpart's row in that table",
    "pipeline_column": "the counterpart's column",
    "pipeline_value": "the pipeline's number (`medroutes explain` traces route_year and route_month values)",
    "difference": "published_value - pipeline_value",
    "relative_difference": "difference / pipeline_value",
    "tolerance": "the relative difference within which the two match (0.5% exact, 2.5% rounded)",
    "status": "matched, explained (beyond the tolerance, with its reason), unexplained, or no pipeline value",
    "difference_kind": "why the two differ: revision, preliminary, coverage or definition",
    "explanation": "the reason, in words",
    "note": "how the counterpart was chosen, where not obvious",
    "document": "the publisher's document or page",
    "url": "where it was read",
    "published": "the document's date (YYYY-MM-DD, YYYY-MM, or unknown)",
    "secondary": "the outlet quoting the publisher, where the figure is not from the publisher's own page",
    "quote": "the sentence that states the figure, verbatim",
}, __name__)


def build(step):
    entries = published.load(step.input["figures"])
    tables = {name: read_parquet(step.input[name]) for name in ("route_year", "route_month", "reconciliation")}
    step.write(published.check(entries, tables, where=f"{step.input['figures']}: "))
