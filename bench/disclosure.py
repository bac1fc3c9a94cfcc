"""Measure disclosure control on the SYNTHETIC case files: how the cost of protecting the linked count
tables (cases and cases per modus-operandi code, route x year with totals) grows with the table.

Usage (from the repository root): ``.venv/bin/python bench/disclosure.py [--out bench-disclosure.json]``

It reads tests/fixtures/restricted/case_files_dcis/SYNTHETIC_case_files.xlsx with its template,
protects the tables as the pipeline does (medroutes.evidence.protect_cases), then again with the
cases copied into twice as many years, and reports seconds, cells, suppressions and the ratio of the
two times in one run (the audit's LPs grow with the number of suppressed cells and of unknowns).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow"))

from medroutes import disclosure, evidence, templates  # noqa: E402
from medroutes.resolve import CountryResolver  # noqa: E402


def cases():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    book = yaml.safe_load((REPO / "config" / "codebook.yaml").read_text(encoding="utf-8"))
    routes = list(config["routes"])
    t = templates.load("case_files", book, routes)
    path = REPO / "tests" / "fixtures" / "restricted" / "case_files_dcis" / "SYNTHETIC_case_files.xlsx"
    ctx = templates.Context(list(config["countries"]), CountryResolver({}), (2000, 2040), tuple(routes))
    kept, _ = templates.read(path, path.read_bytes(), t, ctx, label="bench")
    return kept, routes, list(book["modus_operandi"]), disclosure.Rules.from_config(config["disclosure"])


def measure(kept, routes, codes, rules) -> dict:
    years = list(range(int(kept["year_opened"].min()), int(kept["year_opened"].max()) + 1))
    tables = evidence.case_tables(kept, routes, years, codes)
    start = time.perf_counter()
    published, audit = evidence.protect_cases(tables, rules, where="bench")
    seconds = time.perf_counter() - start
    s = disclosure.summary(published)
    return {"years": len(years), "cells": s["cells"], "primary": s["primary"], "secondary": s["secondary"],
            "seconds": round(seconds, 2), "narrowest": float(audit["width"].min())}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", help="also write the figures as JSON")
    args = p.parse_args()
    kept, routes, codes, rules = cases()
    one = measure(kept, routes, codes, rules)
    span = int(kept["year_opened"].max()) - int(kept["year_opened"].min()) + 1
    doubled = pd.concat([kept, kept.assign(year_opened=kept["year_opened"] + span)], ignore_index=True)
    two = measure(doubled, routes, codes, rules)
    result = {"synthetic": one, "twice_the_years": two, "time_ratio": round(two["seconds"] / one["seconds"], 2),
              "cell_ratio": round(two["cells"] / one["cells"], 2)}
    print(json.dumps(result, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
