"""Release manifest, verification, diffs and the CLI, on small releases built in tmp_path."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from medroutes import release
from medroutes.errors import MedroutesError
from medroutes.io import sha256_file, write_csv, write_json, write_parquet

from .conftest import REPO

SCHEMA = pa.schema([("route", pa.string()), ("year", pa.int64()), ("dead", pa.int64()), ("rate", pa.float64())])
KEY = ["route", "year"]
PACKAGES = {"pandas": "2.3.3", "pyarrow": "26.0.1"}


def table(changes: dict | None = None) -> pd.DataFrame:
    df = pd.DataFrame({"route": ["cm", "cm", "wm", None], "year": [2016, 2017, 2016, 2016],
                       "dead": [10, 20, 5, 1], "rate": [0.5, 1.5, 0.25, None]})
    for (route, year, col), value in (changes or {}).items():
        df.loc[(df["route"] == route) & (df["year"] == year), col] = value
    return df


def make_release(root: Path, df: pd.DataFrame | None = None) -> Path:
    """A release with Parquet, CSV (one quoted newline), JSON, PNG-ish bytes, a log and a benchmark."""
    df = table() if df is None else df
    write_parquet(df, root / "compare" / "route_year.parquet", SCHEMA, KEY, {"dataset": "compare/route_year"})
    write_csv(pd.DataFrame({"route": ["cm", "wm"], "note": ["two\nlines", "x"]}), root / "figures" / "f.csv")
    (root / "figures" / "f.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(64)))
    write_json({"source": "s", "rows": 4}, root / "intake" / "s.provenance.json")
    (root / "logs" / "compare").mkdir(parents=True)
    (root / "logs" / "compare" / "route_year.log").write_text("INFO took 1.2 s\n")
    (root / "benchmarks").mkdir()
    (root / "benchmarks" / "x.tsv").write_text("s\n1.0\n")
    return root


def producers(raw: str) -> dict:
    return {"compare/route_year.parquet": {"rule": "compare_route_year",
                                           "inputs": ["intake/s.provenance.json", raw]},
            "figures/f.csv": {"rule": "figure", "inputs": ["compare/route_year.parquet"]}}


def manifest_of(root: Path, raw: str) -> dict:
    return release.build_manifest(root, None, producers(raw), release="r1", code_version="abc123", packages=PACKAGES)


@pytest.fixture
def rel(tmp_path) -> tuple[Path, Path]:
    raw = tmp_path / "raw" / "s.csv"
    raw.parent.mkdir()
    raw.write_text("a,b\n1,2\n")
    root = make_release(tmp_path / "results" / "r1")
    release.write_manifest(manifest_of(root, str(raw)), root / "manifest.json")
    return root, raw


def by_path(manifest: dict) -> dict:
    return {f["path"]: f for f in manifest["files"]}


def test_manifest_lists_outputs_with_hashes_rows_and_producers(rel):
    root, raw = rel
    m = json.loads((root / "manifest.json").read_text())
    files = by_path(m)
    assert list(files) == ["compare/route_year.parquet", "figures/f.csv", "figures/f.png",
                           "intake/s.provenance.json"]  # sorted; no logs, benchmarks or manifest
    pq_entry = files["compare/route_year.parquet"]
    assert pq_entry["sha256"] == sha256_file(root / "compare" / "route_year.parquet")
    assert pq_entry["bytes"] == (root / "compare" / "route_year.parquet").stat().st_size
    assert pq_entry["rows"] == 4 and pq_entry["format"] == "parquet"
    assert files["figures/f.csv"]["rows"] == 2  # a quoted newline is not a row
    assert files["figures/f.png"]["rows"] is None and files["figures/f.png"]["rule"] is None
    assert pq_entry["rule"] == "compare_route_year"
    assert pq_entry["inputs"] == sorted([
        {"path": str(raw), "sha256": sha256_file(raw), "bytes": raw.stat().st_size, "in_release": False},
        {"path": "intake/s.provenance.json", "sha256": sha256_file(root / "intake" / "s.provenance.json"),
         "bytes": (root / "intake" / "s.provenance.json").stat().st_size, "in_release": True},
    ], key=lambda i: i["path"])
    assert files["figures/f.csv"]["inputs"][0]["sha256"] == pq_entry["sha256"]
    assert (m["release"], m["code_version"], m["packages"]) == ("r1", "abc123", PACKAGES)
    hashes = {r["path"]: r["hash"] for r in m["resources"]}
    assert hashes["figures/f.png"] == f"sha256:{files['figures/f.png']['sha256']}"
    assert "time" not in json.dumps(m).lower()


def test_a_file_of_the_checkout_is_named_by_its_place_in_the_repository_not_the_clones_path(rel):
    """A step's repo: input (config/inventory.yaml) reaches the manifest as an absolute path of this
    clone; recorded as such, two clones in two folders would publish different manifests."""
    root, _ = rel
    inventory = REPO / "config" / "inventory.yaml"
    prods = {"figures/f.csv": {"rule": "figure", "inputs": [str(inventory)]}}
    m = release.build_manifest(root, ["figures/f.csv"], prods, release="r1", code_version="x", packages={})
    assert by_path(m)["figures/f.csv"]["inputs"] == [{"path": "repo:config/inventory.yaml", "in_release": False,
                                                      "sha256": sha256_file(inventory),
                                                      "bytes": inventory.stat().st_size}]


def test_manifest_accepts_absolute_and_workdir_relative_paths(rel, monkeypatch):
    root, raw = rel
    monkeypatch.chdir(root.parent.parent)
    prods = {str(root / "compare" / "route_year.parquet"): producers(str(raw))["compare/route_year.parquet"],
             "results/r1/figures/f.csv": {"rule": "figure", "inputs": ["results/r1/compare/route_year.parquet"]}}
    m = release.build_manifest("results/r1", ["results/r1/figures/f.csv", root / "compare" / "route_year.parquet"],
                               prods, release="r1", code_version="x", packages={})
    files = by_path(m)
    assert list(files) == ["compare/route_year.parquet", "figures/f.csv"]
    assert files["figures/f.csv"]["inputs"][0]["path"] == "compare/route_year.parquet"
    assert files["compare/route_year.parquet"]["rule"] == "compare_route_year"


def test_manifest_is_byte_identical_for_the_same_release_elsewhere(tmp_path, monkeypatch):
    paths = []
    for run in ("a", "b"):
        wd = tmp_path / run
        (wd / "raw").mkdir(parents=True)
        (wd / "raw" / "s.csv").write_text("a,b\n1,2\n")
        make_release(wd / "results" / "r1")
        monkeypatch.chdir(wd)  # raw path given relative to the workdir, as Snakemake gives it
        out = tmp_path / f"{run}.json"
        release.write_manifest(manifest_of(Path("results/r1"), "raw/s.csv"), out)
        release.write_manifest(manifest_of(Path("results/r1"), "raw/s.csv"), tmp_path / f"{run}2.json")
        paths += [out, tmp_path / f"{run}2.json"]
    assert len({p.read_bytes() for p in paths}) == 1


def test_manifest_names_a_missing_input(rel):
    root, raw = rel
    with pytest.raises(MedroutesError, match=r"nowhere\.csv: input of compare/route_year\.parquet"):
        release.build_manifest(root, None, {"compare/route_year.parquet": {"rule": "c", "inputs": ["nowhere.csv"]}},
                               release="r1", code_version="x", packages={})


def test_verify_passes_on_an_untouched_release(rel):
    assert release.verify(rel[0]) == []


def test_verify_names_the_file_and_both_hashes_after_one_byte_changes(rel):
    root, _ = rel
    target = root / "figures" / "f.png"
    before = sha256_file(target)
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    problems = release.verify(root)
    assert len(problems) == 1
    assert "figures/f.png" in problems[0] and before in problems[0] and sha256_file(target) in problems[0]
    assert "size" not in problems[0]


def test_verify_reports_size_missing_and_unlisted_files(rel):
    root, _ = rel
    with open(root / "figures" / "f.csv", "a") as fh:
        fh.write("extra,row\n")
    (root / "intake" / "s.provenance.json").unlink()
    write_parquet(table(), root / "compare" / "stray.parquet", SCHEMA, KEY)
    (root / "logs" / "new.log").write_text("ignored\n")
    (root / "compare" / ".route_year.parquet.x.tmp").write_text("ignored\n")
    problems = release.verify(root)
    assert len(problems) == 3, problems
    text = "\n".join(problems)
    assert "figures/f.csv: sha256 mismatch" in text and "size mismatch" in text
    assert "intake/s.provenance.json: missing" in text
    assert "compare/stray.parquet: not listed in the manifest" in text


def test_verify_with_a_manifest_kept_elsewhere(rel, tmp_path):
    root, raw = rel
    (root / "manifest.json").rename(tmp_path / "elsewhere.json")
    assert release.verify(root, tmp_path / "elsewhere.json") == []


def test_verify_errors_on_missing_folder_or_manifest(tmp_path):
    with pytest.raises(MedroutesError, match="release folder not found"):
        release.verify(tmp_path / "nope")
    with pytest.raises(MedroutesError, match="no manifest at"):
        release.verify(tmp_path)
    (tmp_path / "manifest.json").write_text('{"files": [{"path": "a.csv"}]}')
    with pytest.raises(MedroutesError, match="not a medroutes manifest"):
        release.verify(tmp_path)


def diff_pair(tmp_path, new_df: pd.DataFrame, **kw):
    old = make_release(tmp_path / "old")
    new = make_release(tmp_path / "new", new_df)
    return old, new, release.diff_releases(old, new, **kw)


def new_table() -> pd.DataFrame:
    df = table({("cm", 2016, "dead"): 11, ("wm", 2016, "rate"): None})
    df = df[~((df["route"] == "cm") & (df["year"] == 2017))]  # removed
    return pd.concat([df, pd.DataFrame({"route": ["wa"], "year": [2018], "dead": [3], "rate": [0.1]})])


def test_diff_reports_added_removed_and_changed_rows(tmp_path):
    old, new, report = diff_pair(tmp_path, new_table(), datasets={"compare/*.parquet": KEY})
    d = {x["path"]: x for x in report["datasets"]}["compare/route_year.parquet"]
    assert d["status"] == "changed" and d["key"] == KEY
    assert (d["rows_old"], d["rows_new"], d["rows_added"], d["rows_removed"], d["rows_changed"]) == (4, 4, 1, 1, 2)
    assert d["added"] == [{"route": "wa", "year": 2018}]
    assert d["removed"] == [{"route": "cm", "year": 2017}]
    assert d["changes"] == [
        {"key": {"route": "cm", "year": 2016}, "column": "dead", "old": 10, "new": 11},
        {"key": {"route": "wm", "year": 2016}, "column": "rate", "old": 0.25, "new": None},
    ]
    assert d["changed_by_column"] == {"dead": 1, "rate": 1}
    # the row with a null route matched itself: neither added nor removed
    assert {"route": None, "year": 2016} not in d["added"] + d["removed"]
    assert {f["path"]: f["status"] for f in report["files"]}["figures/f.png"] == "unchanged"


def test_diff_caps_listings_but_counts_exactly(tmp_path):
    df = table()
    df["dead"] = df["dead"] + 1
    _, _, report = diff_pair(tmp_path, df, datasets={"compare/*.parquet": KEY}, limit=2)
    d = report["datasets"][0]
    assert d["rows_changed"] == 4 and d["cells_changed"] == 4 and len(d["changes"]) == 2
    assert "first 2 cells shown" in release.diff_markdown(report)


def test_diff_key_from_parquet_metadata_then_non_value_columns(tmp_path):
    old = tmp_path / "old"
    new = tmp_path / "new"
    write_parquet(table(), old / "a.parquet", SCHEMA, KEY, {"key": "route,year"})
    write_parquet(table({("cm", 2016, "dead"): 99}), new / "a.parquet", SCHEMA, KEY, {"key": "route,year"})
    write_parquet(table(), old / "b.parquet", SCHEMA, KEY)
    write_parquet(table({("cm", 2016, "rate"): 9.0}), new / "b.parquet", SCHEMA, KEY)
    d = {x["path"]: x for x in release.diff_releases(old, new)["datasets"]}
    assert d["a.parquet"]["key"] == KEY and d["a.parquet"]["key_source"] == "parquet metadata medroutes.key"
    assert d["a.parquet"]["rows_changed"] == 1
    # no key given: floats are values, everything else identifies a row
    assert d["b.parquet"]["key"] == ["route", "year", "dead"]
    assert d["b.parquet"]["changes"] == [{"key": {"route": "cm", "year": 2016, "dead": 10}, "column": "rate",
                                          "old": 0.5, "new": 9.0}]


def test_diff_datasets_only_in_one_release_and_unchanged_data(tmp_path):
    old = make_release(tmp_path / "old")
    new = make_release(tmp_path / "new")
    write_parquet(table(), old / "gone.parquet", SCHEMA, KEY)
    write_parquet(table(), new / "fresh.parquet", SCHEMA, KEY)
    # same data under another release name: bytes differ, rows do not
    write_parquet(table(), new / "compare" / "route_year.parquet", SCHEMA, KEY,
                  {"dataset": "compare/route_year", "release": "r2"})
    d = {x["path"]: x for x in release.diff_releases(old, new)["datasets"]}
    assert d["gone.parquet"]["status"] == "removed" and d["gone.parquet"]["rows_old"] == 4
    assert d["fresh.parquet"]["status"] == "added" and d["fresh.parquet"]["rows_new"] == 4
    assert d["compare/route_year.parquet"]["status"] == "unchanged"
    assert d["compare/route_year.parquet"]["metadata_changed"] == ["medroutes.release"]


def test_diff_pairs_repeated_keys_instead_of_multiplying_rows(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    df = pd.concat([table(), table().head(1)])
    write_parquet(df, old / "a.parquet", SCHEMA, KEY)
    write_parquet(df, new / "a.parquet", SCHEMA, KEY, {"release": "r2"})
    d = release.diff_releases(old, new, {"*.parquet": KEY})["datasets"][0]
    assert d["status"] == "unchanged"
    df2 = pd.concat([table(), table().head(1).assign(dead=0)])
    write_parquet(df2, new / "a.parquet", SCHEMA, KEY)
    d = release.diff_releases(old, new, {"*.parquet": KEY})["datasets"][0]
    assert (d["rows_added"], d["rows_removed"], d["rows_changed"]) == (0, 0, 1)
    assert "not unique" in d["notes"][0]


def test_diff_markdown_names_keys_and_values(tmp_path):
    _, _, report = diff_pair(tmp_path, new_table(), datasets={"compare/*.parquet": KEY})
    text = release.diff_markdown(report)
    assert "| `compare/route_year.parquet` | changed | 4 | 4 | 1 | 1 | 2 |" in text
    assert "| route=cm, year=2016 | dead | 10 | 11 |" in text
    assert "- route=wa, year=2018" in text and "- route=cm, year=2017" in text


def test_producers_from_snakemake_records(tmp_path):
    root = make_release(tmp_path / "results" / "r1")
    meta = tmp_path / ".snakemake" / "metadata"
    meta.mkdir(parents=True)
    for name, rule in [("results/r1/figures/f.csv", "figure"), ("elsewhere/x.parquet", "other")]:
        rec = {"rule": rule, "input": ["results/r1/compare/route_year.parquet"], "record_format_version": 6,
               "params": ["'figure'", "'medroutes-code:abc123'"]}
        (meta / base64.urlsafe_b64encode(name.encode()).decode()).write_text(json.dumps(rec))
    # a name too long for one file name: Snakemake splits it into "@"-prefixed folders
    b64 = base64.urlsafe_b64encode(b"results/r1/figures/f.png").decode()
    (meta / f"@{b64[:10]}").mkdir()
    (meta / f"@{b64[:10]}" / b64[10:]).write_text(json.dumps({"rule": "figure", "input": []}))
    prods = release.producers_from_snakemake(root, tmp_path)
    assert prods == {f"{tmp_path}/results/r1/figures/f.csv": {
                         "rule": "figure", "inputs": [f"{tmp_path}/results/r1/compare/route_year.parquet"],
                         "code_key": "medroutes-code:abc123"},
                     f"{tmp_path}/results/r1/figures/f.png": {"rule": "figure", "inputs": [], "code_key": None}}
    m = release.build_manifest(root, None, prods, release="r1", code_version="x", packages={})
    assert by_path(m)["figures/f.csv"]["inputs"][0]["path"] == "compare/route_year.parquet"


def test_versions():
    pk = release.packages()
    assert pk["pandas"] == pd.__version__ and "python" in pk and "pyarrow" in pk


def test_code_version_outside_a_repository(tmp_path):
    assert release.code_version(tmp_path) == "unknown"


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "medroutes", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_cli_verify_exit_codes(rel, tmp_path):
    root, _ = rel
    ok = cli("verify", root)
    assert ok.returncode == 0 and ok.stdout.strip() == "OK: 4 files verified"
    (root / "figures" / "f.png").write_bytes(b"not a png")
    bad = cli("verify", root)
    assert bad.returncode == 1 and "figures/f.png: sha256 mismatch" in bad.stdout
    for args in (["verify", tmp_path / "nope"], ["verify", tmp_path / "raw"]):
        err = cli(*args)
        assert err.returncode == 2 and "Traceback" not in err.stderr
        assert len(err.stderr.strip().splitlines()) == 1 and "error:" in err.stderr


def test_cli_manifest_then_verify(tmp_path):
    root = make_release(tmp_path / "r9")
    out = cli("manifest", root, "--workdir", "")
    assert out.returncode == 0, out.stderr
    m = json.loads((root / "manifest.json").read_text())
    assert m["release"] == "r9" and "pandas" in m["packages"] and len(m["files"]) == 4
    assert cli("verify", root).returncode == 0


def test_cli_diff(tmp_path):
    old = make_release(tmp_path / "old")
    new = make_release(tmp_path / "new", new_table())
    res = cli("diff", old, new, "--out", tmp_path / "d.md", "--limit", "1")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("# Release diff") and "compare/route_year.parquet" in res.stdout
    assert (tmp_path / "d.md").read_text() == res.stdout
    err = cli("diff", old, tmp_path / "nope")
    assert err.returncode == 2 and "release folder not found" in err.stderr and "Traceback" not in err.stderr


def test_the_manifest_refuses_a_raw_input_changed_since_intake(rel):
    """Issue 9, case 1: the manifest hashes raw inputs again; they must be the bytes intake recorded."""
    root, raw = rel
    write_json({"source": "s", "observed": [{"name": "s.csv", "path": str(raw), "sha256": sha256_file(raw),
                                             "bytes": raw.stat().st_size}]}, root / "intake" / "s.provenance.json")
    release.build_manifest(root, None, producers(str(raw)), release="r1", code_version="x", packages={})
    pinned = sha256_file(raw)
    raw.write_bytes(raw.read_bytes() + b"edited\n")
    with pytest.raises(MedroutesError, match=f"raw file changed after intake: provenance record "
                                             f"s.provenance.json has sha256 {pinned}, the file now has "
                                             f"{sha256_file(raw)}"):
        release.build_manifest(root, None, producers(str(raw)), release="r1", code_version="x", packages={})
