"""What the SLURM cluster costs over a local run, and what the job groups save: the demo run locally, then
through profiles/slurm, then through the same profile without its job groups, in one go, as ratios.

Usage (from the repository root, with a SLURM cluster up, e.g. tests/cluster/start-slurm.sh as root):
    .venv/bin/python bench/cluster.py [--out cluster.json]

Each run starts from an empty working directory. The other levers are in the code, not the profile:
trivial steps are ``LOCAL`` (never submitted) and a job's own Snakemake skips the start-up checks the
main process made; the closing notes of issue 13 give what each saved, measured against the commit
before them.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
PROFILE = REPO / "profiles" / "slurm"


def run(workdir: Path, *args: str) -> tuple[float, int]:
    """(wall seconds, sbatch submissions) of the demo in ``workdir``."""
    cmd = [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--configfile", "config/config.yaml",
           "config/demo.yaml", "--config", f"raw_dir={REPO / 'tests' / 'fixtures' / 'raw'}", *args]
    start = time.perf_counter()
    res = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if res.returncode != 0:
        subprocess.run(["scancel", "--me"], capture_output=True)
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stderr[-3000:]}")
    return wall, len(re.findall(r"has been submitted with SLURM jobid", res.stdout + res.stderr))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="medroutes-cluster-") as tmp:
        tmp = Path(tmp)
        ungrouped = tmp / "profile-ungrouped"
        ungrouped.mkdir()
        prof = yaml.safe_load((PROFILE / "config.yaml").read_text(encoding="utf-8"))
        prof.pop("groups"), prof.pop("group-components")
        (ungrouped / "config.yaml").write_text(yaml.safe_dump(prof), encoding="utf-8")
        out = {"local_s": run(tmp / "local", "--cores", "2")[0]}
        out["slurm_s"], out["slurm_submissions"] = run(tmp / "slurm", "--workflow-profile", str(PROFILE))
        out["ungrouped_s"], out["ungrouped_submissions"] = run(tmp / "ungrouped", "--workflow-profile",
                                                               str(ungrouped))
    out["slurm_over_local"] = round(out["slurm_s"] / out["local_s"], 2)
    out["ungrouped_over_local"] = round(out["ungrouped_s"] / out["local_s"], 2)
    print(f"demo, local (2 cores): {out['local_s']:.0f} s\n"
          f"SLURM, profiles/slurm: {out['slurm_s']:.0f} s, {out['slurm_submissions']} submissions "
          f"({out['slurm_over_local']}x local)\n"
          f"SLURM, without job groups: {out['ungrouped_s']:.0f} s, {out['ungrouped_submissions']} submissions "
          f"({out['ungrouped_over_local']}x local)")
    if args.out:
        args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
