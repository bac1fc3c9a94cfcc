"""The author's loop (README): redraw a figure from an existing release without the raw data, refresh
the manifest and report, and verify passes."""

import shutil

import pytest
from medroutes import release as releasing

from .conftest import run_snakemake


@pytest.mark.slow
def test_a_figure_is_redrawn_without_raw_data_and_the_release_verifies_after_refresh(demo_runs, tmp_path):
    wd = tmp_path / "wd"
    shutil.copytree(demo_runs[0], wd, symlinks=True)
    rel = wd / "demo-results" / "demo"
    empty = tmp_path / "no-raw-data"
    empty.mkdir()
    before = (rel / "figures" / "nexus.png").stat().st_mtime_ns
    res = run_snakemake(wd, "--forcerun", "figure_nexus", raw_dir=empty, targets=("figures",))
    assert res.returncode == 0, res.stderr[-3000:]
    assert "already taken in by release" in res.stderr
    assert (rel / "figures" / "nexus.png").stat().st_mtime_ns != before
    # the manifest still lists the old figure's bytes (same bytes: same code and data) or it is stale;
    # either way the refresh brings it up to date and verify passes
    res = run_snakemake(wd, raw_dir=empty)
    assert res.returncode == 0, res.stderr[-3000:]
    res = run_snakemake(wd, "--report", str(rel / "report.html"), raw_dir=empty)
    assert res.returncode == 0, res.stderr[-3000:]
    assert releasing.verify(rel) == []
    # a step that needs the raw file itself still stops, naming the file
    res = run_snakemake(wd, "--forcerun", "intake", raw_dir=empty,
                        targets=(str(rel / "intake/iom_mmp.provenance.json"),))
    assert res.returncode != 0 and "iom_mmp" in res.stderr


def test_an_absent_raw_file_is_accepted_only_when_the_release_took_in_the_same_bytes(tmp_path):
    import json

    from medroutes.errors import IntakeError
    from medroutes.intake import check_all

    entry = {"id": "src", "url": "https://example.org", "files": [{"name": "a.csv", "sha256": "ab" * 32, "bytes": 3}]}
    release = tmp_path / "release"
    (release / "intake").mkdir(parents=True)
    with pytest.raises(IntakeError, match="raw file missing"):
        check_all({"src": entry}, tmp_path / "raw", ["src"], release_dir=release)
    record = release / "intake" / "src.provenance.json"
    record.write_text(json.dumps({"observed": [{"name": "a.csv", "sha256": "cd" * 32}]}))
    with pytest.raises(IntakeError, match="raw file missing"):  # other bytes than the pin
        check_all({"src": entry}, tmp_path / "raw", ["src"], release_dir=release)
    record.write_text(json.dumps({"observed": [{"name": "a.csv", "sha256": "ab" * 32}]}))
    assert check_all({"src": entry}, tmp_path / "raw", ["src"], release_dir=release) == []
