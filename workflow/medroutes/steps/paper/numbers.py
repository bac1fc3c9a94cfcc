"""The numbers the paper cites: ``numbers.json`` (each with its formatted text, unit, the table, key
and column it came from, and its coverage note) and ``numbers.tex`` (one LaTeX macro per number,
used as ``\\mrnum{name}``)."""

from medroutes import numbers
from medroutes.io import read_parquet, write_text

INPUTS = {"route_year": "compare/route_year.parquet", "nationality": "compare/nationality.parquet"}
OUTPUTS = {"json": "paper/numbers.json", "tex": "paper/numbers.tex"}
CONFIG = ["routes", "countries", "release"]
LOCAL = True  # reads the route and nationality tables (a few hundred rows at any data size): too small to submit


def build(step):
    c = step.config
    found = numbers.headline(read_parquet(step.input["route_year"]), read_parquet(step.input["nationality"]),
                             c["routes"], c["countries"])
    write_text(numbers.to_json(found, c["release"]), step.output["json"])
    write_text(numbers.to_tex(found, c["release"]), step.output["tex"])
