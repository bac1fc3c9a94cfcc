"""How the whole study scales with the data: the study run on synthetic copies of every public source
at 1x, 4x and 16x its real size, in its native format, with wall time, CPU time and peak memory per
stage and in total (issue 13, part 3).

Usage (from the repository root; the real raw files are read, never copied into the repository):
    MEDROUTES_RAW_DIR=../shared/data .venv/bin/python bench/benchmark_scale.py \
        [--factors 1 4 16] [--cores 2] [--out scale.json] [--keep DIR]

For each factor, in a fresh temporary folder: bench/synthetic_scale.py writes the k-times raw files
and their registry; a config (config/config.yaml with that registry and the year windows of the
comparison tables opened back to the replicas' first year, so their years flow through
every table) is written beside them; then ``snakemake all --cores N`` runs the study there with
MEDROUTES_RAW_DIR pointing at the synthetic files. Measured:

- total: wall seconds and CPU seconds (user + system of Snakemake and every job) of that command, and
  the largest process's peak RSS;
- per job, then per stage (the job's folder under ``benchmarks/``: intake, clean, harmonised,
  countries, compare, figures, notebooks, ...): seconds from Snakemake's ``benchmark:`` file, and CPU
  seconds and peak RSS as the job's own process saw them (ru_maxrss, recorded at exit by a
  sitecustomize hook put on PYTHONPATH for the run only). Snakemake samples memory every 30 s once a
  job has run 15 s, which can miss a peak; the kernel's high-water mark cannot. Stage seconds and
  CPU seconds are sums over its jobs; its peak is its largest job's.

The targets (issue 13): a data-bound stage's 16x/4x ratio of seconds at most 4.5 (linear growth), no
job above 3 GiB at 16x. Both are flagged in the output. Wall seconds are noisy on a shared machine;
CPU seconds less so, and a flag says which ratio crossed. bench/scaling.py is the micro-benchmark of
cleaning alone on generated records.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import synthetic_scale  # noqa: E402

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
# stages whose work grows with the records; inventory and literature read config files only
DATA_BOUND = ("intake", "clean", "harmonised", "countries", "compare", "figures", "notebooks", "paper",
              "dictionary", "manifest", "protected")
MAX_RATIO = 4.5
MAX_PEAK_MB = 3 * 1024
# The comparison tables' year window opens back to the replicas' first year. The figures keep the
# paper's windows: they still read the k-times tables, but a 300-year axis is no figure (at 16x the
# reconciliation figure's one note per partial year no longer fits its page: constrained layout fails).
WINDOWS = (("compare", "years"),)

HOOK = '''\
# Written by bench/benchmark_scale.py for one benchmark run: record this process's peak RSS and CPU
# time at exit, with the Snakemake job's log path when the process is a job's script.
import atexit, json, os, resource, sys

_OUT = os.environ.get("MEDROUTES_BENCH_PEAKS")


def _record():
    sm = getattr(sys.modules.get("__main__"), "snakemake", None)
    logs = list(getattr(sm, "log", None) or []) if sm is not None else []
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    rec = {"pid": os.getpid(), "log": str(logs[0]) if logs else None, "argv": sys.argv[:2],
           "max_rss_mb": max(me.ru_maxrss, kids.ru_maxrss) / 1024,
           "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}
    with open(os.path.join(_OUT, f"{os.getpid()}.json"), "w") as f:
        json.dump(rec, f)


if _OUT:
    atexit.register(_record)
'''


def year_floor() -> int:
    """The earliest first_year the config schema accepts (the windows are opened no further)."""
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text(encoding="utf-8"))
    return schema["$defs"]["years"]["properties"]["first_year"].get("minimum", 0)


def write_config(tmp: Path, registry: Path, factor: int) -> tuple[Path, list[str]]:
    """config/config.yaml with the synthetic registry and the year windows opened; notes on clamping."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["sources"] = str(registry)
    notes, floor = [], year_floor()
    for section, key in WINDOWS:
        window = config[section][key]
        want = synthetic_scale.first_year(window["first_year"], factor)
        window["first_year"] = max(want, floor)
        if want < floor:
            notes.append(f"{section}.{key} opened to {floor}, not {want}: the config schema's minimum")
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, notes


def run(cmd: list[str], cwd: Path, env: dict, log: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the command and its children, largest child's peak RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with log.open("w") as out:
        res = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:  # name the failed jobs' logs: they are deleted with the temporary folder
        text = log.read_text()
        failed = [cwd / m for m in re.findall(r"log: (\S+) \(check log file", text)]
        tails = "\n".join(f"--- {p}:\n{p.read_text()[-3000:]}" for p in failed if p.is_file())
        sys.exit(f"failed ({res.returncode}): {' '.join(cmd)}\n{text[-3000:]}\n{tails}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024  # ru_maxrss: the largest child so far (in KiB)


def jobs(release: Path, peaks: Path) -> pd.DataFrame:
    """One row per job: stage, job, seconds (Snakemake), CPU seconds and peak MB (the job's own)."""
    own = {}
    for f in peaks.glob("*.json"):
        rec = json.loads(f.read_text())
        if rec["log"]:
            name = rec["log"].split("/logs/", 1)[-1].removesuffix(".log")
            own[name] = rec
    rows = []
    for tsv in sorted((release / "benchmarks").rglob("*.tsv")):
        b = pd.read_csv(tsv, sep="\t").iloc[-1]
        job = tsv.relative_to(release / "benchmarks").with_suffix("").as_posix()
        rec = own.get(job, {})
        rows.append({"stage": job.split("/")[0], "job": job, "seconds": float(b["s"]),
                     "cpu_s": float(rec.get("cpu_s", b["cpu_time"])),
                     "peak_mb": max(float(rec.get("max_rss_mb", 0)), float(pd.to_numeric(b["max_rss"], errors="coerce")
                                                                                or 0))})
    return pd.DataFrame(rows)


def one_factor(factor: int, raw: Path, cores: int, keep: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"medroutes-scale-{factor}x-") as name:
        tmp = Path(name)
        t = time.perf_counter()
        sources = synthetic_scale.generate(factor, tmp / "raw", raw)
        generated = time.perf_counter() - t
        configfile, notes = write_config(tmp, tmp / "raw" / "sources.yaml", factor)
        for hook_dir in (tmp / "hook", tmp / "peaks", tmp / "work"):
            hook_dir.mkdir()
        (tmp / "hook" / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
        env = {**os.environ, "MEDROUTES_RAW_DIR": str(tmp / "raw"), "MEDROUTES_BENCH_PEAKS": str(tmp / "peaks"),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp / "hook"), os.environ.get("PYTHONPATH")]))}
        cmd = [SNAKEMAKE, "all", "-s", str(REPO / "Snakefile"), "-d", str(tmp / "work"), "--cores", str(cores),
               "--configfile", str(configfile)]
        print(f"{factor}x: generated in {generated:.0f} s "
              f"({sum(s['records'] for s in sources.values()):,} records); running the study...", flush=True)
        wall, cpu, largest = run(cmd, tmp / "work", env, tmp / "snakemake.log")
        release = next((tmp / "work" / "results").iterdir())
        table = jobs(release, tmp / "peaks")
        out = {"factor": factor, "generate_s": round(generated, 1), "sources": sources, "notes": notes,
               "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "largest_process_mb": round(largest, 1),
               "release_bytes": sum(p.stat().st_size for p in release.rglob("*") if p.is_file()),
               "jobs": table.round(2).to_dict("records")}
        print(f"{factor}x: {wall:.0f} s wall, {cpu:.0f} s CPU, largest process {largest:.0f} MB", flush=True)
        if keep:
            dest = keep / f"{factor}x"
            dest.mkdir(parents=True, exist_ok=True)
            (dest / "snakemake.log").write_bytes((tmp / "snakemake.log").read_bytes())
            table.to_csv(dest / "jobs.csv", index=False)
            (dest / "result.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        return out


def stages(results: list[dict]) -> pd.DataFrame:
    """Stage x factor: seconds, CPU seconds, peak MB; plus the total row."""
    rows = []
    for r in results:
        t = pd.DataFrame(r["jobs"])
        g = t.groupby("stage").agg(seconds=("seconds", "sum"), cpu_s=("cpu_s", "sum"), peak_mb=("peak_mb", "max"),
                                   jobs=("job", "count")).reset_index()
        g.loc[len(g)] = {"stage": "TOTAL (run)", "seconds": r["wall_s"], "cpu_s": r["cpu_s"],
                         "peak_mb": max(r["largest_process_mb"], t["peak_mb"].max()), "jobs": len(t)}
        g["factor"] = r["factor"]
        rows.append(g)
    return pd.concat(rows, ignore_index=True)


def report(results: list[dict]) -> tuple[str, list[str]]:
    table = stages(results)
    factors = [r["factor"] for r in results]
    order = list(dict.fromkeys([*(s for s in table["stage"] if s != "TOTAL (run)"), "TOTAL (run)"]))
    lines, flags = [], []
    for metric, label, fmt in (("seconds", "seconds (stage: sum of its jobs; total: wall)", "{:.1f}"),
                               ("cpu_s", "CPU seconds", "{:.1f}"), ("peak_mb", "peak RSS, MB (largest job)", "{:.0f}")):
        wide = table.pivot(index="stage", columns="factor", values=metric).reindex(order)
        head = ["stage", *(f"{k}x" for k in factors)]
        pairs = list(zip(factors, factors[1:], strict=False))
        head += [f"{b}x/{a}x" for a, b in pairs]
        lines += [f"\n{label}\n", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for stage, row in wide.iterrows():
            cells = [stage, *(fmt.format(row[k]) if pd.notna(row[k]) else "" for k in factors)]
            cells += [f"{row[b] / row[a]:.2f}" if pd.notna(row[a]) and row[a] > 0 else "" for a, b in pairs]
            lines.append("| " + " | ".join(cells) + " |")
            if metric in ("seconds", "cpu_s") and stage in DATA_BOUND and 4 in factors and 16 in factors:
                ratio = row[16] / row[4] if row[4] else 0
                if ratio > MAX_RATIO:
                    what = label.split(" (")[0]
                    flags.append(f"{stage}: {what} grew {ratio:.2f}x from 4x to 16x (target <= {MAX_RATIO})")
    for r in results:
        for job in r["jobs"]:
            if r["factor"] == max(factors) and job["peak_mb"] > MAX_PEAK_MB:
                flags.append(f"{job['job']}: {job['peak_mb']:.0f} MB at {r['factor']}x (target <= {MAX_PEAK_MB} MB)")
    return "\n".join(lines), flags


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--factors", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--raw", type=Path, help="real raw folder (default $MEDROUTES_RAW_DIR or ../shared/data)")
    ap.add_argument("--out", type=Path, help="also write every measurement as JSON here")
    ap.add_argument("--keep", type=Path, help="keep each run's Snakemake log, job table and result.json here")
    ap.add_argument("--from", dest="saved", type=Path, nargs="+", metavar="RESULT_JSON",
                    help="no run: report on result.json files that --keep saved (e.g. one per factor)")
    args = ap.parse_args()
    if args.saved:
        results = sorted((json.loads(p.read_text()) for p in args.saved), key=lambda r: r["factor"])
        args.factors = [r["factor"] for r in results]
    else:
        raw = (args.raw or synthetic_scale.default_raw()).resolve()
        if not raw.is_dir():
            sys.exit(f"no raw-data folder at {raw}: set MEDROUTES_RAW_DIR or --raw")
        results = [one_factor(k, raw, args.cores, args.keep) for k in args.factors]
    text, flags = report(results)
    print("\nrecords per source: " + "; ".join(
        f"{s} " + "/".join(f"{r['sources'][s]['records']:,}" for r in results) for s in results[0]["sources"])
        + f" ({'/'.join(f'{k}x' for k in args.factors)}; population stops at "
          f"{1 + len(synthetic_scale.POPULATION_OFFSETS)}x)")
    for r in results:
        for note in r["notes"]:
            print(f"note ({r['factor']}x): {note}")
    print(text)
    if flags:
        print("\n" + "\n".join(f"FLAG {f}" for f in flags))
    elif {4, 16} <= set(args.factors):
        print(f"\nno flags: every data-bound stage within {MAX_RATIO}x from 4x to 16x, no job above {MAX_PEAK_MB} MB")
    else:
        print(f"\nno job above {MAX_PEAK_MB} MB at {max(args.factors)}x (the time target needs the 4x and 16x runs)")
    if args.out:
        args.out.write_text(json.dumps({"results": results, "flags": flags}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
