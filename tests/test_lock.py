"""One writer per release folder (issue 9, case 4): the lock lives on the release folder itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from medroutes import lock

from .conftest import DEMO, RAW, REPO, SNAKEMAKE

HOLD = """
import sys, time
sys.path.insert(0, {pkg!r})
from medroutes import lock
lock.take({root!r})
print("held", flush=True)
time.sleep(60)
"""


def hold_in_another_process(root):
    proc = subprocess.Popen([sys.executable, "-c", HOLD.format(pkg=str(REPO / "workflow"), root=str(root))],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_refused_naming_the_holder(tmp_path):
    root = tmp_path / "results" / "r1"
    proc = hold_in_another_process(root)
    try:
        with pytest.raises(lock.ReleaseLocked) as err:
            lock.take(root)
        msg = str(err.value)
        assert f"release folder {root} is being written by another run" in msg
        assert f"pid {proc.pid}" in msg and "host " in msg and "started 20" in msg
    finally:
        proc.kill()
        proc.wait()
    # the kernel dropped the killed holder's lock; its record is left, and reported as stale
    warning = lock.take(root)
    assert warning and "stale lock" in warning and f"pid {proc.pid}" in warning
    assert json.loads((root / lock.LOCK_NAME).read_text())["pid"] == os.getpid()
    lock.release(root)
    assert (root / lock.LOCK_NAME).read_text() == ""  # a clean exit leaves no record
    assert lock.take(root) is None
    lock.release(root)


def test_two_snakemake_runs_of_one_release_from_two_folders(tmp_path):
    """The issue's reproduction: one run from its working directory, one with `-s <repo>/Snakefile`
    from another folder, same out_dir and release. The second stops at once; the first finishes."""
    out = tmp_path / "shared-results"
    env = {k: v for k, v in os.environ.items() if k != "MEDROUTES_RAW_DIR"}

    def cmd(*extra):
        return [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "--cores", "1", "--configfile", *DEMO,
                "--config", f"raw_dir={RAW}", f"out_dir={out}", *extra]

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = subprocess.Popen([*cmd(), "--", str(out / "demo" / "compare" / "route_year.parquet")],
                             cwd=tmp_path / "a", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    record = out / "demo" / lock.LOCK_NAME
    deadline = time.monotonic() + 60
    while not (record.is_file() and record.read_text().strip()):
        assert first.poll() is None and time.monotonic() < deadline, "first run never took the lock"
        time.sleep(0.1)
    started = time.monotonic()
    second = subprocess.run(cmd(), cwd=tmp_path / "b", capture_output=True, text=True, env=env, timeout=120)
    took = time.monotonic() - started
    assert second.returncode != 0
    said = second.stdout + second.stderr
    assert f"release folder {out / 'demo'} is being written by another run" in said, said[-2000:]
    assert f"pid {first.pid}" in said and "Traceback" not in said
    assert not (tmp_path / "b" / ".snakemake" / "metadata").exists()  # it ran no job
    assert first.wait(timeout=300) == 0, first.stdout.read()[-3000:]
    assert took < 30
    assert record.read_text() == ""
