"""How the cleaning cost grows with the data: ``medroutes.clean.clean`` on 1x, 4x and 16x a source's
records, with 2% duplicate keys (half of them conflicting), timed in one run and reported as ratios.

Usage (from the repository root; no raw data needed, the records are generated):
    .venv/bin/python bench/scaling.py [--base 58769] [--out scaling.json]

A linear cost gives time ratios near the size ratios (4, 16); the duplicate loop this replaced
(one full-length mask per duplicate) grew with the square of the records.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow"))

from medroutes import clean  # noqa: E402
from medroutes.spec import Column, Observation, SourceSpec  # noqa: E402

SPEC = SourceSpec(
    columns=(Column("area", "text", required=True), Column("period", "period", required=True),
             Column("category", "text", required=True), Column("value", "count", required=True)),
    key=("area", "period", "category"),
    observations=(Observation(indicator="x", value="value", unit="persons", period="period", ref_area="area"),),
)


def records(n: int, seed: int = 7) -> pd.DataFrame:
    """n raw records of one file; 2% repeat an earlier key (every other one with another value)."""
    rng = np.random.default_rng(seed)
    unique = n - n // 50
    idx = np.arange(unique)
    df = pd.DataFrame({"area": "A" + (idx // 4000).astype(str), "period": (2000 + idx % 25).astype(str),
                       "category": "c" + ((idx // 25) % 160).astype(str),
                       "value": rng.integers(0, 1000, unique).astype(str)})
    dups = df.sample(n - unique, random_state=seed, replace=True).copy()
    dups.loc[dups.index[::2], "value"] = "1001"
    df = pd.concat([df, dups], ignore_index=True)
    df["raw_file"] = "bench/records.csv"
    df["raw_row"] = np.arange(1, len(df) + 1)
    df["raw_ref"] = "bench/records.csv row " + df["raw_row"].astype(str)
    return df


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=int, default=58_769, help="records at 1x (default: GLOTIP's)")
    ap.add_argument("--out")
    args = ap.parse_args()
    out = {}
    for factor in (1, 4, 16):
        raw = records(args.base * factor)
        t = time.perf_counter()
        _, rejects, ledger = clean.clean(raw, SPEC, raw_sha256={"bench/records.csv": "0" * 64})
        out[f"{factor}x"] = {"records": len(raw), "seconds": round(time.perf_counter() - t, 3),
                             "duplicates": int(rejects["reason"].isin(["duplicate_record",
                                                                       "conflicting_duplicate"]).sum())}
        assert ledger["rows_in"] == ledger["rows_kept"] + ledger["rows_rejected"]
    base = out["1x"]["seconds"]
    for v in out.values():
        v["time_ratio"] = round(v["seconds"] / base, 2)
    text = json.dumps(out, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
