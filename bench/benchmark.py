"""Measure the pipeline: cold full run, no-op rerun, one figure regenerated, per-rule time and memory.

Usage (from the repository root):
    MEDROUTES_RAW_DIR=../shared/data .venv/bin/python bench/benchmark.py [--cores 2] [--out bench.json]

Runs in a fresh temporary working directory, so it never touches results/. Per-rule seconds and peak
memory (max RSS) come from the `benchmark:` files Snakemake writes for heavy rules and from wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    if not os.environ.get("MEDROUTES_RAW_DIR"):
        sys.exit("set MEDROUTES_RAW_DIR to the raw-data directory (e.g. ../shared/data)")
    os.environ["MEDROUTES_RAW_DIR"] = str(Path(os.environ["MEDROUTES_RAW_DIR"]).resolve())
    with tempfile.TemporaryDirectory(prefix="medroutes-bench-") as tmp:
        wd = Path(tmp)
        options = ["-s", str(REPO / "Snakefile"), "-d", str(wd), "--cores", str(args.cores),
                   "--configfile", str(REPO / "config" / "config.yaml")]  # takes a list: targets go first
        full = [SNAKEMAKE, "all", *options]
        figures = {"cold_run_s": timed(full, wd), "noop_rerun_s": timed(full, wd)}
        release = next((wd / "results").iterdir())
        target = release / "figures" / "route_flows_deaths.png"
        target.unlink()
        figures["one_figure_s"] = timed([SNAKEMAKE, str(target.relative_to(wd)), *options], wd)
        rows = []
        for tsv in sorted((release / "benchmarks").rglob("*.tsv")):
            b = pd.read_csv(tsv, sep="\t").iloc[-1]
            rows.append({"job": f"{tsv.parent.name}/{tsv.stem}", "seconds": round(float(b["s"]), 2),
                         "max_rss_mb": round(float(b["max_rss"]), 1)})
        figures["jobs"] = rows
        figures["outputs"] = sum(1 for p in release.rglob("*") if p.is_file())
    print(f"cold full run: {figures['cold_run_s']:.1f} s; no-op rerun: {figures['noop_rerun_s']:.1f} s; "
          f"one figure regenerated: {figures['one_figure_s']:.1f} s; {figures['outputs']} files\n")
    print(pd.DataFrame(rows).to_markdown(index=False) if rows else "(no benchmark files)")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
