"""Publishing a release (medroutes.publish): Data Package, CITATION.cff, Zenodo metadata, SDMX-CSV,
the archive, and the frozen-release guard. Every test publishes a copy of the session's demo run in
tmp_path, so the shared fixture is never changed."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from medroutes import publish
from medroutes.errors import MedroutesError
from medroutes.io import sha256_file

from .conftest import RAW, REPO, run_snakemake

pytestmark = pytest.mark.slow  # every test needs the demo run
OWN = [publish.DATAPACKAGE, publish.CITATION, publish.ZENODO, publish.SDMX]


def copy_run(demo_runs, dest: Path, with_metadata: bool = False) -> Path:
    """A copy of the demo working directory: public release and restricted folder (and Snakemake's records)."""
    src = demo_runs[0]
    for name in ("demo-results", "demo-restricted", *([".snakemake"] if with_metadata else [])):
        if (src / name).exists():
            shutil.copytree(src / name, dest / name, symlinks=True)
    return dest


def demo_study(**overrides):
    extra = [f"{k}={v}" for k, v in {"raw_dir": RAW, **overrides}.items()]
    return publish.load_study(publish.load_config([REPO / "config" / "demo.yaml"], extra))


@pytest.fixture
def in_copy(demo_runs, tmp_path, monkeypatch):
    """cwd = a fresh copy of the demo run (out_dir and restricted.out_dir are relative to it)."""
    monkeypatch.delenv("MEDROUTES_RAW_DIR", raising=False)
    monkeypatch.chdir(copy_run(demo_runs, tmp_path / "run"))
    return Path("demo-results/demo")


@pytest.fixture(scope="module")
def published(demo_runs, tmp_path_factory):
    """One publish of a copy of the demo, shared by the read-only tests below."""
    wd = copy_run(demo_runs, tmp_path_factory.mktemp("published"))
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("MEDROUTES_RAW_DIR", raising=False)
        mp.chdir(wd)
        study = demo_study()
        record = publish.publish("demo-results/demo", study, publish.load_publication(), log=lambda _: None)
    return wd / "demo-results" / "demo", record, study


def test_datapackage_validates_and_describes_every_file(published):
    root, _, study = published
    assert publish.validate_datapackage(root) == []
    from medroutes import release

    assert release.verify(root) == []  # the publication files are not outputs the manifest must list
    dp = json.loads((root / publish.DATAPACKAGE).read_text())
    manifest = json.loads((root / "manifest.json").read_text())
    by_path = {r["path"]: r for r in dp["resources"]}
    assert set(by_path) == {e["path"] for e in manifest["files"]} | {publish.SDMX}
    for e in manifest["files"]:
        assert by_path[e["path"]]["hash"] == f"sha256:{e['sha256']}" and by_path[e["path"]]["bytes"] == e["bytes"]
    obs = by_path["harmonised/observations.parquet"]
    assert obs["format"] == "parquet" and obs["type"] == "table"
    fields = {f["name"]: f for f in obs["schema"]["fields"]}
    assert fields["value"]["type"] == "number" and fields["raw_row"]["type"] == "integer"
    assert "suppressed" in fields["value"]["description"]  # descriptions from the release's dictionary
    assert obs["schema"]["primaryKey"][:2] == ["source_id", "indicator"]
    assert by_path["compare/route_year.parquet"]["schema"]["primaryKey"] == ["route", "year"]
    assert all(f.get("description") for r in dp["resources"] if r["format"] == "parquet"
               for f in r["schema"]["fields"])
    assert [s["id"] for s in dp["sources"]] == study.sources  # only the sources in use_sources
    assert dp["licenses"][0]["name"] == "CC-BY-4.0" and dp["version"] == "demo"
    assert dp["created"] == f"{publish.release_date(publish.load_publication(), study)}T00:00:00Z"
    assert "FIXTURE DATA" in dp["title"]  # the demo's data_label marks every title


@pytest.mark.parametrize("tamper, expected", [
    (lambda r: r.update(hash="sha256:" + "0" * 64), "hash-count"),
    (lambda r: r.update(bytes=r["bytes"] + 1), "byte-count"),
    (lambda r: r["schema"]["fields"][0].update(type="integer"), "type-error"),  # source_id is text
    (lambda r: r.update(path=None), "resource-error"),
])
def test_a_broken_datapackage_fails_validation(published, tmp_path, tamper, expected):
    root = published[0]
    dp = json.loads((root / publish.DATAPACKAGE).read_text())
    res = next(r for r in dp["resources"] if r["path"] == "harmonised/observations.parquet")
    tamper(res)
    (tmp_path / "dp.json").write_text(json.dumps(dp))
    problems = publish.validate_datapackage(root, tmp_path / "dp.json")
    assert problems and any(expected in p for p in problems), problems


def test_citation_cff(published):
    root, _, study = published
    cff = yaml.safe_load((root / publish.CITATION).read_text())
    assert {"cff-version", "message", "title", "version", "date-released", "authors", "license",
            "references"} <= set(cff)
    assert cff["cff-version"] == "1.2.0" and cff["version"] == "demo" and cff["license"] == "CC-BY-4.0"
    assert cff["date-released"] == max(str(study.registry[s]["as_of"]) for s in study.sources)
    assert len(cff["references"]) == len(study.sources)
    assert all({"type", "title", "authors"} <= set(r) for r in cff["references"])


def test_zenodo_json(published):
    root, _, study = published
    z = json.loads((root / publish.ZENODO).read_text())
    assert {"title", "upload_type", "description", "creators", "version", "license", "publication_date",
            "related_identifiers", "references"} <= set(z)
    assert z["upload_type"] == "dataset" and z["version"] == "demo" and z["license"] == "cc-by-4.0"
    assert z["creators"] and all("name" in c for c in z["creators"])
    assert len(z["references"]) == len(study.sources) and z["related_identifiers"]


def test_sdmx_csv_header_and_a_suppressed_cell(published):
    root = published[0]
    with open(root / publish.SDMX, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(root / publish.SDMX, encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    assert header[:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    assert header[3:-4] == list(publish.SDMX_DIMENSIONS.values())
    assert header[-4:] == ["OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "CONF_STATUS"]
    assert rows[0]["STRUCTURE"] == "dataflow" and rows[0]["STRUCTURE_ID"] == "MEDROUTES:MED_OBSERVATIONS(1.0)"
    obs = pq.read_table(root / publish.OBSERVATIONS).to_pandas()
    assert len(rows) == len(obs)
    suppressed = [r for r in rows if r["CONF_STATUS"] == "C"]
    assert len(suppressed) == int((obs["obs_status"] == "C").sum()) > 0
    assert all(r["OBS_VALUE"] == "" and r["OBS_STATUS"] == "O" for r in suppressed)
    assert all(r["CONF_STATUS"] == "" and r["OBS_VALUE"] != "" for r in rows if r["OBS_STATUS"] != "O")


def test_the_archive_holds_only_the_public_release(published, demo_runs):
    root, record, _ = published
    manifest = json.loads((root / "manifest.json").read_text())
    archive = root.parent / record["archive"]["name"]
    assert sha256_file(archive) == record["archive"]["sha256"]
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        expected = sorted(f"demo/{p}" for p in ["manifest.json", *(e["path"] for e in manifest["files"]), *OWN])
        assert names == expected
        assert all(i.date_time == publish.ZIP_TIME and i.external_attr >> 16 == 0o100644 for i in infos)
        archived = {hashlib.sha256(zf.read(n)).hexdigest() for n in names}
    assert not any("restricted/" in n or n.endswith(publish.PUBLISHED) for n in names)
    # no restricted working file's bytes either, under any name
    restricted = [p for p in (demo_runs[0] / "demo-restricted").rglob("*") if p.is_file() and p.stat().st_size]
    assert restricted and not archived & {sha256_file(p) for p in restricted}


def test_two_publishes_give_identical_bytes_and_republishing_is_a_no_op(published, demo_runs, tmp_path, monkeypatch):
    root, record, _ = published
    monkeypatch.delenv("MEDROUTES_RAW_DIR", raising=False)
    monkeypatch.chdir(copy_run(demo_runs, tmp_path))
    other = publish.publish("demo-results/demo", demo_study(), publish.load_publication(), log=lambda _: None)
    assert other == record
    for name in [*OWN, publish.PUBLISHED]:
        assert (Path("demo-results/demo") / name).read_bytes() == (root / name).read_bytes(), name
    assert publish.publish("demo-results/demo", demo_study(), publish.load_publication(), log=lambda _: None) == record


def test_refused_when_the_release_does_not_verify(in_copy):
    path = in_copy / "compare" / "route_year.parquet"
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(MedroutesError, match=r"does not verify .*compare/route_year.parquet: sha256 mismatch"):
        publish.publish(in_copy, demo_study(), publish.load_publication(), log=lambda _: None)
    assert not (in_copy / publish.PUBLISHED).exists() and not (in_copy / publish.DATAPACKAGE).exists()
    res = subprocess.run([sys.executable, "-m", "medroutes", "publish", str(in_copy), "--configfile",
                          str(REPO / "config" / "demo.yaml"), "--config", f"raw_dir={RAW}"],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.startswith("medroutes publish: error: ") and len(res.stderr.strip().splitlines()) == 1


def test_refused_for_another_release_or_a_restricted_folder_inside_it(in_copy):
    with pytest.raises(MedroutesError, match=r"manifest.json: release 'demo', but the config's release is 'x'"):
        publish.publish(in_copy, demo_study(release="x"), publish.load_publication(), log=lambda _: None)
    study = demo_study()
    study.config["restricted"]["out_dir"] = "demo-results/demo/restricted"
    with pytest.raises(MedroutesError, match="restricted folder .* inside the release"):
        publish.publish(in_copy, study, publish.load_publication(), log=lambda _: None)


def test_a_bad_publication_config_names_the_file_and_key(tmp_path):
    meta = yaml.safe_load(publish.PUBLICATION.read_text())
    meta["license"].pop("id")
    (tmp_path / "publication.yaml").write_text(yaml.safe_dump(meta))
    with pytest.raises(MedroutesError, match=r"publication.yaml does not validate.*\n  license: 'id' is a required"):
        publish.load_publication(tmp_path / "publication.yaml")


def test_the_frozen_release_guard(in_copy):
    study = demo_study()
    assert publish.published_changes(in_copy, study) == []  # not published yet
    publish.publish(in_copy, study, publish.load_publication(), log=lambda _: None)
    assert publish.published_changes(in_copy, demo_study()) == []  # (a) a no-op run is allowed
    publish.check_frozen(demo_study(), in_copy)

    # (b) a config value an output reads: refused, naming the release, the key and the outputs
    with pytest.raises(MedroutesError) as err:
        publish.check_frozen(demo_study(data_label="OTHER"), in_copy)
    msg = str(err.value)
    assert msg.startswith("release demo is published (archive demo.zip, sha256 ")
    assert "config value `data_label`" in msg and "figures/availability.png" in msg
    assert msg.endswith("Choose a new release name (config `release`)")
    # a config value no output reads changes nothing
    assert publish.published_changes(in_copy, demo_study(download=True)) == []

    # a raw file's pin in the registry
    study = demo_study()
    pinned = study.registry["frontex_ibc"]["files"][0]
    pinned["sha256"] = "0" * 64
    changes = publish.published_changes(in_copy, study)
    assert any(c.startswith(f"raw file frontex_ibc/{pinned['name']}: read with sha256") for c in changes), changes

    # the code recorded for an output (a module whose sha256 the manifest holds differs from the checkout's)
    manifest_path = in_copy / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    entry = next(e for e in manifest["files"] if e["path"] == "compare/route_year.parquet")
    module = sorted(entry["code"]["modules"])[-1]
    entry["code"]["modules"][module] = "f" * 64
    manifest_path.write_text(json.dumps(manifest))
    changes = publish.published_changes(in_copy, demo_study())
    assert any(c.startswith(f"code: {module} changed") and "compare/route_year.parquet" in c for c in changes)


def test_snakemake_refuses_a_run_that_would_change_a_published_release(demo_runs, tmp_path, monkeypatch):
    wd = copy_run(demo_runs, tmp_path / "run", with_metadata=True)
    monkeypatch.delenv("MEDROUTES_RAW_DIR", raising=False)
    monkeypatch.chdir(wd)
    publish.publish("demo-results/demo", demo_study(), publish.load_publication(), log=lambda _: None)
    same = run_snakemake(wd, "-n")
    assert same.returncode == 0, same.stderr[-2000:]
    (tmp_path / "label.yaml").write_text("data_label: ANOTHER LABEL\n")
    changed = run_snakemake(wd, "-n", configfiles=(tmp_path / "label.yaml",))
    out = changed.stdout + changed.stderr  # Snakemake prints a WorkflowError to stdout
    assert changed.returncode != 0
    assert "release demo is published" in out and "config value `data_label`" in out
    assert "Choose a new release name (config `release`)" in out
