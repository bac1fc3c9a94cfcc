"""The demo on a real SLURM cluster (tests/cluster/start-slurm.sh starts a single-node one), through the
maintained executor plugin and workflow/profiles/slurm: byte-identical to a local run."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import REPO, run_snakemake

NOT_COMPARED = ("logs/", "benchmarks/")


def cluster_up() -> bool:
    if not shutil.which("sinfo"):
        return False
    res = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    return res.returncode == 0 and "idle" in res.stdout


def release_bytes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith(".")
            and not p.relative_to(root).as_posix().startswith(NOT_COMPARED) and p.name != "report.html"}


@pytest.mark.slow
def test_the_demo_on_slurm_is_byte_identical_to_a_local_run(tmp_path):
    if not cluster_up():
        if os.environ.get("MEDROUTES_REQUIRE_SLURM"):
            pytest.fail("MEDROUTES_REQUIRE_SLURM is set but no SLURM node is idle (tests/cluster/start-slurm.sh)")
        pytest.skip("no SLURM cluster here: start a single-node one with tests/cluster/start-slurm.sh (as root)")
    t0 = time.perf_counter()
    local = run_snakemake(tmp_path / "local")
    t1 = time.perf_counter()
    assert local.returncode == 0, local.stderr[-3000:]
    cluster = run_snakemake(tmp_path / "cluster", "--workflow-profile", str(REPO / "workflow" / "profiles" / "slurm"))
    t2 = time.perf_counter()
    assert cluster.returncode == 0, cluster.stderr[-3000:]
    assert "sbatch" in cluster.stdout + cluster.stderr or "SLURM" in cluster.stdout + cluster.stderr
    a = release_bytes(tmp_path / "local" / "demo-results" / "demo")
    b = release_bytes(tmp_path / "cluster" / "demo-results" / "demo")
    assert set(a) == set(b) and len(a) > 100
    assert [k for k in a if a[k] != b[k]] == []
    print(f"\ndemo wall time: local {t1 - t0:.0f} s, SLURM {t2 - t1:.0f} s ({(t2 - t1) / (t1 - t0):.1f}x)")
