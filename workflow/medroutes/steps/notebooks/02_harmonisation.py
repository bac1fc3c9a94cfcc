"""Review notebook: from clean tables to observations, source by source and route by route."""

from medroutes.notebooks import run_step

INPUTS = {
    "notebook": "repo:notebooks/02_harmonisation.py",
    "observations": "harmonised/observations.parquet",
    "clean": "clean/{source}.parquet",
    "provenance": "intake/{source}.provenance.json",
}
CONFIG = ["@release_dir", "routes"]
REPORT = {"html": ["notebooks.rst", "Review notebooks"]}
PARAMETERS = {"release_dir": "@release_dir", "routes": "routes"}


def build(step):
    run_step(step, PARAMETERS)
