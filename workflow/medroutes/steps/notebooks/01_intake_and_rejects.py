"""Review notebook: what came in (provenance of every raw file) and what was rejected, and why."""

from medroutes.notebooks import run_step

INPUTS = {
    "notebook": "repo:notebooks/01_intake_and_rejects.py",
    "provenance": "intake/{source}.provenance.json",
    "ledgers": "clean/{source}.ledger.json",
    "rejects": "clean/{source}.rejects.parquet",
}
CONFIG = ["@release_dir", "use_sources"]
REPORT = {"html": ["notebooks.rst", "Review notebooks"]}
PARAMETERS = {"release_dir": "@release_dir", "sources": "use_sources"}


def build(step):
    run_step(step, PARAMETERS)
