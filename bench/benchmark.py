"""Measure the pipeline: cold full run, no-op rerun, one figure regenerated, the one-process floor,
and per-job time and memory.

Usage (from the repository root):
    MEDROUTES_RAW_DIR=../shared/data .venv/bin/python bench/benchmark.py [--cores 2] [--out bench.json]

Everything runs in fresh temporary working directories, so results/ is never touched:

- cold: ``snakemake all --cores N`` from nothing;
- no-op: the same command again (nothing to do);
- one figure: one figure's PNG deleted, then rebuilt by naming it;
- one process: the same step modules called in dependency order in one Python process (medroutes.
  runner.run_in_process; no scheduler, one interpreter, one core), checked to give the same bytes.

The ratio cold / one-process is what orchestration costs. CPU seconds are the children's user + system
time. Per-job seconds and peak memory (max RSS) come from the ``benchmark:`` files Snakemake writes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
NOT_COMPARED = ("logs/", "benchmarks/", "manifest.json")  # per-run records; the manifest needs Snakemake


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def digests(release: Path) -> dict[str, str]:
    return {p.relative_to(release).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(release.rglob("*")) if p.is_file() and not p.name.startswith(".")
            and not p.relative_to(release).as_posix().startswith(NOT_COMPARED)}


def one_process(workdir: Path, configfile: Path) -> None:
    """The body of the one-process run (in its own interpreter, so its imports are counted)."""
    import yaml

    sys.path.insert(0, str(REPO / "workflow"))
    from medroutes import plan, runner
    from medroutes.errors import MedroutesError

    os.chdir(workdir)
    config = yaml.safe_load(configfile.read_text(encoding="utf-8"))
    try:
        study = plan.Study.load(config, REPO)
        n = runner.run_in_process(study)
    except MedroutesError as exc:
        sys.exit(str(exc))
    print(f"{n} jobs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--one-process", type=Path, metavar="WORKDIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    configfile = REPO / "config" / "config.yaml"
    if args.one_process:
        return one_process(args.one_process, configfile)
    if not os.environ.get("MEDROUTES_RAW_DIR"):
        sys.exit("set MEDROUTES_RAW_DIR to the raw-data directory (e.g. ../shared/data)")
    os.environ["MEDROUTES_RAW_DIR"] = str(Path(os.environ["MEDROUTES_RAW_DIR"]).resolve())
    with tempfile.TemporaryDirectory(prefix="medroutes-bench-") as tmp:
        wd, floor = Path(tmp) / "snakemake", Path(tmp) / "one-process"
        wd.mkdir()
        floor.mkdir()
        options = ["-s", str(REPO / "Snakefile"), "-d", str(wd), "--cores", str(args.cores),
                   "--configfile", str(configfile)]  # takes a list: targets go first
        full = [SNAKEMAKE, "all", *options]
        f: dict = {}
        f["cold_run_s"], f["cold_run_cpu_s"] = timed(full, wd)
        f["noop_rerun_s"], _ = timed(full, wd)
        release = next((wd / "results").iterdir())
        target = release / "figures" / "route_flows_deaths.png"
        target.unlink()
        f["one_figure_s"], _ = timed([SNAKEMAKE, str(target.relative_to(wd)), *options], wd)
        f["one_process_s"], f["one_process_cpu_s"] = timed(
            [sys.executable, str(Path(__file__).resolve()), "--one-process", str(floor)], floor)
        f["cold_over_one_process"] = round(f["cold_run_s"] / f["one_process_s"], 2)
        f["cold_over_one_process_cpu"] = round(f["cold_run_cpu_s"] / f["one_process_cpu_s"], 2)
        ours, theirs = digests(release), digests(next((floor / "results").iterdir()))
        f["one_process_same_bytes"] = ours == theirs
        if ours != theirs:
            f["one_process_differs"] = sorted(k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))
        rows = []
        for tsv in sorted((release / "benchmarks").rglob("*.tsv")):
            b = pd.read_csv(tsv, sep="\t").iloc[-1]
            rows.append({"job": tsv.relative_to(release / "benchmarks").with_suffix("").as_posix(),
                         "seconds": round(float(b["s"]), 2), "max_rss_mb": round(float(b["max_rss"]), 1)})
        f["jobs"] = rows
        f["outputs"] = sum(1 for p in release.rglob("*") if p.is_file())
    print(f"cold full run: {f['cold_run_s']:.1f} s wall, {f['cold_run_cpu_s']:.1f} s CPU ({args.cores} cores); "
          f"no-op rerun: {f['noop_rerun_s']:.2f} s; one figure regenerated: {f['one_figure_s']:.2f} s; "
          f"{f['outputs']} files")
    print(f"one process (1 core, no scheduler): {f['one_process_s']:.1f} s wall, {f['one_process_cpu_s']:.1f} s CPU; "
          f"cold / one-process: {f['cold_over_one_process']}x wall, {f['cold_over_one_process_cpu']}x CPU; "
          f"same bytes: {f['one_process_same_bytes']}\n")
    print(pd.DataFrame(rows).to_markdown(index=False) if rows else "(no benchmark files)")
    if args.out:
        args.out.write_text(json.dumps(f, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
