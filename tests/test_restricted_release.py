"""The restricted branch end to end on the SYNTHETIC example data (the demo): every restricted
aggregate published only through disclosure control, its audit kept in the restricted folder, and a
scan of the whole public release that finds no small restricted-derived count, no identifier and no
pseudonym; with suppression switched off, the same scan finds them."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
import yaml
from medroutes import disclosure
from medroutes.restricted import pseudonymise

from .conftest import REPO, run_snakemake

SYNTHETIC = REPO / "tests" / "fixtures" / "restricted"
PROTECTED = ["protected/case_files.modus_operandi.parquet", "protected/case_files.nexus.parquet",
             "protected/case_files.suspects.parquet", "protected/interviews.by_route.parquet",
             "protected/interviews.by_sector.parquet", "protected/national_statistics.parquet"]
AUDITS = ["protected/case_files.audit.parquet", "protected/interviews.audit.parquet",
          "protected/national_statistics.audit.parquet"]
THRESHOLD = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))["disclosure"]["threshold"]


def release_of(wd):
    return wd / "demo-results" / "demo"


def restricted_of(wd):
    return wd / "demo-restricted" / "demo"


def secrets() -> list[str]:
    """Every informant identifier and case id of the synthetic data, and each identifier's pseudonym."""
    key = yaml.safe_load((REPO / "config" / "demo.yaml").read_text(encoding="utf-8"))["restricted"]["synthetic_key"]
    with open(SYNTHETIC / "interviews_ki" / "SYNTHETIC_interviews.csv", encoding="utf-8") as fh:
        ids = [r["informant_id"] for r in csv.DictReader(fh)]
    return [*ids, *(pseudonymise(key.encode(), i) for i in ids), "SYNTHETIC-CASE-", "free-text note"]


@pytest.fixture(scope="module")
def unprotected(tmp_path_factory):
    """The restricted aggregates rebuilt with disclosure.enabled false (never a release to publish)."""
    wd = tmp_path_factory.mktemp("unprotected")
    off = wd / "off.yaml"
    off.write_text("disclosure:\n  enabled: false\n", encoding="utf-8")
    targets = [f"demo-results/demo/{p}" for p in PROTECTED] + ["demo-results/demo/figures/case_files.csv",
                                                              "demo-results/demo/figures/interviews.csv"]
    res = run_snakemake(wd, targets=tuple(targets), configfiles=(off,))
    assert res.returncode == 0, res.stderr[-3000:]
    return wd


@pytest.mark.slow
def test_the_demo_publishes_every_restricted_aggregate_flagged(demo_runs):
    release = release_of(demo_runs[0])
    counts = {"A": 0, "O": 0, "D": 0}
    for rel in PROTECTED:
        table = pd.read_parquet(release / rel)
        assert len(table), rel
        for col in [c for c in table.columns if c.startswith("conf_status")]:
            for status in counts:
                counts[status] += int((table[col] == status).sum())
        if "obs_status" in table:
            value = next(c for c in ("value", "cases", "suspects") if c in table)
            assert table.loc[table["obs_status"] == "C", value].isna().all(), rel
            assert (table["obs_status"] == "C").eq(table["conf_status"] != "F").all(), rel
    assert counts["A"] > 0 and counts["O"] > 0 and counts["D"] > 0, counts
    for fig in ("case_files", "interviews"):
        for ext in ("pdf", "png", "svg", "csv"):
            assert (release / "figures" / f"{fig}.{ext}").is_file()
    # national statistics join the observation table, disclosure-controlled
    obs = pd.read_parquet(release / "harmonised" / "observations.parquet")
    natstat = obs[obs["source_id"].str.startswith("natstat_")]
    assert set(natstat["source_id"]) == {"natstat_ita", "natstat_nga"}
    assert natstat.loc[natstat["obs_status"] == "C", "value"].isna().all() and (natstat["obs_status"] == "C").any()


@pytest.mark.slow
def test_every_audit_passes_and_stays_in_the_restricted_folder(demo_runs):
    wd = demo_runs[0]
    for rel in AUDITS:
        assert not (release_of(wd) / rel).exists() and not (release_of(wd) / "restricted").exists()
        audit = pd.read_parquet(restricted_of(wd) / rel)
        assert len(audit) and audit["ok"].all(), rel
        assert (audit["width"] >= audit["required"]).all()
    for name in ("case_files", "interviews", "national_statistics"):
        ledger = json.loads((restricted_of(wd) / "clean" / f"{name}.ledger.json").read_text())
        assert ledger["rows_in"] == ledger["rows_kept"] + ledger["rows_rejected"]
    # the manifest lists public files only; a protected table names the restricted working table it
    # came from by path and sha256 (so a data holder can check which of their files built it), no more
    manifest = json.loads((release_of(wd) / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["files"]
    assert not [f["path"] for f in files if "audit" in f["path"] or "restricted" in f["path"]]
    restricted_inputs = {i["path"] for f in files for i in f.get("inputs", []) if "demo-restricted" in i["path"]}
    assert restricted_inputs and all(p.endswith(".parquet") and "/clean/" in p for p in restricted_inputs)


@pytest.mark.slow
def test_the_public_release_has_no_small_restricted_cell(demo_runs):
    assert disclosure.scan_release(release_of(demo_runs[0]), THRESHOLD) == []


@pytest.mark.slow
def test_no_identifier_pseudonym_or_note_anywhere_in_the_public_release(demo_runs):
    words = secrets()
    release = release_of(demo_runs[0])
    files = [p for p in release.rglob("*") if p.is_file()]
    assert len(files) > 100
    for p in files:
        text = p.read_bytes().decode("utf-8", errors="replace")
        hits = [w for w in words if w in text]
        assert not hits, f"{p.relative_to(release)} contains {hits[:3]}"
    # the pseudonyms are in the restricted working table: the scan above looks for the right strings
    kept = pd.read_parquet(restricted_of(demo_runs[0]) / "clean" / "interviews.parquet")
    assert set(kept["informant_id"]) <= set(words)


@pytest.mark.slow
def test_with_suppression_switched_off_the_scan_finds_small_cells(unprotected):
    found = disclosure.scan_release(release_of(unprotected), THRESHOLD)
    assert len(found) > 50, found[:5]
    assert any(f.startswith("protected/interviews.by_route.parquet") for f in found)
    assert any(f.startswith("figures/case_files.csv") for f in found)


def test_the_synthetic_data_and_its_overlay_are_current(tmp_path):
    import subprocess
    import sys

    res = subprocess.run([sys.executable, str(SYNTHETIC / "make_synthetic.py"), str(tmp_path)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(SYNTHETIC): p.read_bytes() for p in SYNTHETIC.rglob("*")
                 if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts}
    assert made == committed, "synthetic data changed: run python tests/fixtures/restricted/make_synthetic.py"
    assert all(p.name.startswith("SYNTHETIC_") for p in made if p.suffix in (".csv", ".xlsx"))
