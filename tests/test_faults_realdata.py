"""Kill and recover on the real data in ../shared/data: same bytes as an uninterrupted run.

The real files make jobs long enough (the IOM workbook cleans in seconds, its Parquet is ~0.5 MB)
for a kill to land in a real write. To stay within a few minutes the runs target the largest two
sources' chains, intake -> clean -> harmonise of ``iom_mmp`` and ``frontex_ibc``, not the whole study
(the whole-study run is test_workflow.py::test_study_on_real_data). The same kill cycle as the demo's
(tests/test_faults.py): a fault injector hangs a Parquet write half-way and the run is killed there;
the recovery is killed at a moving point; then ``--unlock`` and ``--rerun-incomplete`` finish it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from .conftest import REPO, SHARED_DATA
from .test_faults import (
    REFERENCE_ENV,
    base_env,
    check_kills_landed,
    check_no_partial_output,
    check_plain_rerun,
    check_recovery,
    clean_run,
    kill_cycle,
    release_of,
    snakemake_cmd,
    tail,
)

pytestmark = [pytest.mark.slow, pytest.mark.realdata,
              pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"real raw data not found at {SHARED_DATA}")]

CONFIGFILES = (str(REPO / "config" / "config.yaml"),)
RELEASE = release_of(CONFIGFILES)
SOURCES = [s for s in ("iom_mmp", "frontex_ibc")
           if s in yaml.safe_load(Path(CONFIGFILES[0]).read_text(encoding="utf-8"))["use_sources"]]
TARGETS = [f"{RELEASE}/{stage}/{s}.parquet" for s in SOURCES for stage in ("clean", "harmonised")]


def real_cmd(workdir: Path, cores: int) -> list[str]:
    return snakemake_cmd(workdir=workdir, cores=cores, targets=TARGETS, configfiles=CONFIGFILES,
                         config=(f"raw_dir={SHARED_DATA}",))


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    assert SOURCES, "neither iom_mmp nor frontex_ibc is in use_sources"
    root = tmp_path_factory.mktemp("faults_real")
    (root / "reference").mkdir()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="real") as pool:
        ref = pool.submit(clean_run, "reference", real_cmd(root / "reference" / "wd", 2),
                          root / "reference" / "wd" / RELEASE, env=base_env(**REFERENCE_ENV),
                          record=root / "reference" / "run.log")
        cycle = pool.submit(kill_cycle, root / "kill_cycle", release_rel=RELEASE, cmd_for=real_cmd)
        ref, cycle = ref.result(), cycle.result()
    assert ref.result.returncode == 0, tail(ref.result)
    assert set(TARGETS) <= {f"{RELEASE}/{k}" for k in ref.outputs}, sorted(ref.outputs)
    return ref.outputs, cycle


def test_kill_lands_in_a_job_that_writes_parquet(real):
    check_kills_landed(real[1])


def test_kill_leaves_no_partial_output(real):
    check_no_partial_output(real[1], real[0])


def test_plain_rerun_after_kill_refuses_and_names_the_recovery_flags(real):
    check_plain_rerun(real[1], real[0])


def test_unlock_then_rerun_incomplete_gives_the_uninterrupted_bytes(real):
    check_recovery(real[1], real[0])
