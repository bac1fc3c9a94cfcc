"""Review notebook: the comparison tables behind the figures, checked against each other."""

from medroutes.notebooks import run_step

INPUTS = {
    "notebook": "repo:notebooks/03_comparison.py",
    "route_year": "compare/route_year.parquet",
    "reconciliation": "compare/reconciliation.parquet",
    "per_capita": "compare/per_capita.parquet",
    "availability": "compare/availability.parquet",
}
CONFIG = ["@release_dir", "countries"]
REPORT = {"html": ["notebooks.rst", "Review notebooks"]}
PARAMETERS = {"release_dir": "@release_dir", "countries": "countries"}


def build(step):
    run_step(step, PARAMETERS)
