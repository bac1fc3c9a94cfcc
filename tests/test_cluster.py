"""The demo on a real SLURM cluster (tests/cluster/start-slurm.sh starts a single-node one), through the
maintained executor plugin and profiles/slurm: byte-identical to a local run. And the profiles' own
consistency: every submitted rule has measured resources, job groups name submitted rules only."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from medroutes import plan

from .conftest import DEMO_WALL, REPO, run_snakemake

NOT_COMPARED = ("logs/", "benchmarks/")
SLURM_PROFILE = REPO / "profiles" / "slurm"


def cluster_up() -> bool:
    if not shutil.which("sinfo"):
        return False
    res = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    return res.returncode == 0 and "idle" in res.stdout


def release_bytes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith(".")
            and not p.relative_to(root).as_posix().startswith(NOT_COMPARED) and p.name != "report.html"}


def profile(name: str) -> dict:
    return yaml.safe_load((REPO / "profiles" / name / "config.yaml").read_text(encoding="utf-8"))


def test_every_submitted_rule_has_resources_and_a_group_and_no_local_rule_is_listed():
    prof = profile("slurm")
    submitted = {s.rule for s in plan.steps() if not s.local}
    local = {s.rule for s in plan.steps() if s.local}
    assert set(prof["set-resources"]) == submitted, "run bench/cluster_resources.py --write"
    for rule, res in prof["set-resources"].items():
        assert res["mem_mb"] >= 512 and res["runtime"] >= 5, rule
    assert set(prof["groups"]) <= submitted, "a job group names a rule that does not exist or is LOCAL"
    assert set(prof["group-components"]) == set(prof["groups"].values())
    assert local >= {"manifest", "intake", "dictionary", "figure_nexus"}


@pytest.mark.slow
def test_cluster_resources_derives_every_submitted_rule_from_a_runs_benchmarks(demo_runs, tmp_path):
    """The README's command (bench/cluster_resources.py), on the demo's public and restricted folders."""
    wd = demo_runs[0]
    res = subprocess.run([sys.executable, str(REPO / "bench" / "cluster_resources.py"),
                          str(wd / "demo-results" / "demo"), str(wd / "demo-restricted" / "demo")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    derived = yaml.safe_load(res.stdout)["set-resources"]
    assert set(derived) == set(profile("slurm")["set-resources"])
    assert all(r["mem_mb"] >= 512 and r["runtime"] >= 5 for r in derived.values())

    # --write replaces the generated block of a profile and nothing else
    copy = tmp_path / "config.yaml"
    shutil.copyfile(SLURM_PROFILE / "config.yaml", copy)
    res = subprocess.run([sys.executable, str(REPO / "bench" / "cluster_resources.py"),
                          str(wd / "demo-results" / "demo"), str(wd / "demo-restricted" / "demo"),
                          "--write", "--profile", str(copy)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    written = yaml.safe_load(copy.read_text(encoding="utf-8"))
    assert written.pop("set-resources") == derived
    original = profile("slurm")
    del original["set-resources"]
    assert written == original


def test_plain_snakemake_reads_the_default_profile(tmp_path):
    prof = profile("default")
    assert prof["rerun-incomplete"] is True and "cores" in prof
    res = run_snakemake(tmp_path, "--dry-run", "--cores", "1")
    assert res.returncode == 0, res.stderr[-2000:]
    assert re.search(r"workflow specific profile \S*profiles/default", res.stdout + res.stderr)


@pytest.mark.slow
def test_the_demo_on_slurm_is_byte_identical_to_a_local_run(tmp_path, capsys, demo_runs):
    if not cluster_up():
        if os.environ.get("MEDROUTES_REQUIRE_SLURM"):
            pytest.fail("MEDROUTES_REQUIRE_SLURM is set but no SLURM node is idle (tests/cluster/start-slurm.sh)")
        pytest.skip("no SLURM cluster here: start a single-node one with tests/cluster/start-slurm.sh (as root)")
    local = demo_runs[1]  # the suite's second local demo: the first also pays for cold caches
    t1 = time.perf_counter()
    cluster = run_snakemake(tmp_path / "cluster", "--workflow-profile", str(SLURM_PROFILE), timeout=1500, cores=None)
    t2 = time.perf_counter()
    subprocess.run(["scancel", "--me"], capture_output=True)  # nothing of a failed run stays queued
    assert cluster.returncode == 0, cluster.stderr[-3000:]
    log = cluster.stdout + cluster.stderr
    submitted = len(re.findall(r"has been submitted with SLURM jobid", log))
    assert submitted > 0, "no job went through sbatch"
    a = release_bytes(local / "demo-results" / "demo")
    b = release_bytes(tmp_path / "cluster" / "demo-results" / "demo")
    assert set(a) == set(b) and len(a) > 100
    assert [k for k in a if a[k] != b[k]] == []
    local_s, slurm_s = DEMO_WALL[local], t2 - t1
    with capsys.disabled():  # in CI's log whatever pytest captures
        print(f"\nSLURM demo: {submitted} sbatch submissions, {len(a)} files byte-identical; wall time local "
              f"{local_s:.0f} s, SLURM {slurm_s:.0f} s: ratio {slurm_s / local_s:.2f} (target <= 2)")
