"""Vintages: register a new one in one command, fetch one from a (local) server, select one per source."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from medroutes import publish, vintages
from medroutes.config import ConfigError, apply_overlay, load_registry, select_vintages
from medroutes.errors import InputError
from medroutes.vintages import VintageError

from .conftest import FIXTURES, RAW, REPO

CSV = RAW / "population" / "population.csv"


@pytest.fixture
def cfg(tmp_path):
    """The demo's config with its raw store, overlay and registry in tmp_path (never the repository's)."""
    config = publish.load_config([REPO / "config" / "demo.yaml"])
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    overlay = tmp_path / "sources.local.yaml"
    shutil.copy(FIXTURES / "restricted" / "sources.demo.yaml", overlay)
    registry = tmp_path / "sources.yaml"
    shutil.copy(FIXTURES / "sources.yaml", registry)
    config["raw_dir"], config["sources"] = str(raw), str(registry)
    config["restricted"] = {**config["restricted"], "overlay": str(overlay)}
    return config


def revised(tmp_path) -> Path:
    """The fixture population file as a publisher's revision: one value changed."""
    path = tmp_path / "download" / "population.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = CSV.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    name, code, year, value = lines[-1].rstrip("\r\n").split(",")
    lines[-1] = f"{name},{code},{year},{int(value) + 1000}" + lines[-1][len(lines[-1].rstrip("\r\n")):]
    path.write_text("".join(lines), encoding="utf-8", newline="")
    return path


def test_register_reads_the_files_and_writes_the_vintage_to_the_overlay(cfg, tmp_path):
    said = []
    new = vintages.register(cfg, "population", [revised(tmp_path)], vintage="2026-07-01",
                            landing="https://data.worldbank.org/indicator/SP.POP.TOTL", log=said.append)
    text = "\n".join(said)
    assert "registered vintage 2026-07-01" in text and "rows" in text and "covers: year 2016 to" in text
    assert new["inspected"]["rows_in"] == 31 and new["inspected"]["rows_kept"] > 0
    stored = Path(cfg["raw_dir"]) / "population@2026-07-01" / "population.csv"
    assert stored.read_bytes() == revised(tmp_path / "again").read_bytes()
    overlay = yaml.safe_load(Path(cfg["restricted"]["overlay"]).read_text())
    assert any(e["id"] == "population" and e["vintages"][0]["vintage"] == "2026-07-01" for e in overlay["sources"])
    assert any(e["id"].startswith("natstat_") for e in overlay["sources"])  # the restricted pins are kept
    registry = apply_overlay(load_registry(cfg["sources"]), cfg["restricted"]["overlay"])
    newest = select_vintages(registry, {})["population"]
    assert newest["vintage"] == "2026-07-01" and newest["files"][0]["folder"] == "population@2026-07-01"
    pinned = select_vintages(registry, {"population": registry["population"]["as_of"]})["population"]
    assert "folder" not in pinned["files"][0]  # the old vintage stays registered, in its own folder
    # the same files again: nothing to do; the same label with other files: refused, never replaced
    again = vintages.register(cfg, "population", [revised(tmp_path / "again2")], log=said.append)
    assert again["unchanged"] and "already registered as vintage 2026-07-01" in said[-1]
    with pytest.raises(VintageError, match="already registered with other files"):
        vintages.register(cfg, "population", [CSV.with_name("population.csv")], vintage="2026-07-01",
                          names=["other.csv"], log=said.append)


def test_register_stops_on_the_adapters_named_error_and_writes_nothing(cfg, tmp_path):
    bad = tmp_path / "population.csv"
    bad.write_text("Country,Code\nNigeria,NGA\n", encoding="utf-8")
    before = Path(cfg["restricted"]["overlay"]).read_bytes()
    with pytest.raises(InputError, match="population.csv"):
        vintages.register(cfg, "population", [bad], vintage="2026-07-01", log=lambda _: None)
    assert Path(cfg["restricted"]["overlay"]).read_bytes() == before
    assert not (Path(cfg["raw_dir"]) / "population@2026-07-01").exists()
    with pytest.raises(VintageError, match="give --vintage"):
        vintages.register(cfg, "population", [revised(tmp_path)], log=lambda _: None)
    with pytest.raises(VintageError, match="restricted"):
        vintages.register(cfg, "natstat_nga", [revised(tmp_path / "x")], vintage="2026", log=lambda _: None)


def test_register_into_the_registry_keeps_its_comments(cfg, tmp_path):
    registry = Path(cfg["sources"])
    registry.write_text("# a maintainer's comment\n" + registry.read_text(encoding="utf-8"), encoding="utf-8")
    vintages.register(cfg, "population", [revised(tmp_path)], vintage="2026-07-01", to_registry=True,
                      log=lambda _: None)
    vintages.register(cfg, "population", [revised(tmp_path / "b")], vintage="2026-08-01", to_registry=True,
                      names=["population_aug.csv"], log=lambda _: None)
    text = registry.read_text(encoding="utf-8")
    assert text.startswith("# a maintainer's comment\n")
    entry = load_registry(registry)["population"]
    assert [v["vintage"] for v in entry["vintages"]] == ["2026-07-01", "2026-08-01"]


def test_selecting_a_vintage_that_is_not_registered_names_the_registered_ones(cfg):
    registry = load_registry(cfg["sources"])
    with pytest.raises(ConfigError, match=r"not a registered vintage of population; registered: \['"):
        select_vintages(registry, {"population": "1999-01-01"})
    with pytest.raises(ConfigError, match="not in the registry"):
        select_vintages(registry, {"nope": "1"})


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/www (no network)."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield www, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetch_downloads_and_registers_a_new_vintage_never_replacing_the_pinned_one(cfg, tmp_path, server):
    www, base = server
    registry = Path(cfg["sources"])
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    for src in data["sources"]:
        if src["id"] == "population":
            src["files"][0]["url"] = f"{base}/population.csv"
            pinned = src["files"][0]["sha256"]
    registry.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    said = []
    shutil.copy(CSV, www / "population.csv")  # the publisher still serves the pinned bytes
    assert vintages.fetch(cfg, "population", log=said.append)["unchanged"]
    shutil.copy(revised(tmp_path), www / "population.csv")  # now a revision
    new = vintages.fetch(cfg, "population", vintage="2026-09-01", log=said.append)
    assert new["vintage"] == "2026-09-01" and new["url"] == f"{base}/population.csv"
    entry = apply_overlay(load_registry(registry), cfg["restricted"]["overlay"])["population"]
    assert entry["files"][0]["sha256"] == pinned  # the pinned vintage is untouched
    assert entry["vintages"][-1]["files"][0]["sha256"] != pinned
    (www / "population.csv").unlink()
    with pytest.raises(VintageError, match="could not download"):
        vintages.fetch(cfg, "population", vintage="2026-10-01", log=said.append)


def test_the_register_command_prints_what_it_found_and_fails_in_one_line(cfg, tmp_path):
    import subprocess
    import sys

    over = ["--configfile", "config/demo.yaml", "--config", f"raw_dir={cfg['raw_dir']}",
            f"sources={cfg['sources']}", 'restricted={"overlay": "' + cfg["restricted"]["overlay"] + '"}']
    cmd = [sys.executable, "-m", "medroutes", "register", "population", str(revised(tmp_path)),
           "--vintage", "2026-07-01", *over]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert "registered vintage 2026-07-01" in res.stdout and "read by adapter population" in res.stdout
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    res = subprocess.run([*cmd[:5], str(bad), "--vintage", "2026-08-01", *over], capture_output=True, text=True,
                         cwd=REPO)
    assert res.returncode == 2 and res.stderr.startswith("medroutes register: error: ")
    assert "empty.csv" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_the_publishers_own_frontex_workbook_registers_under_its_data_as_of_date(cfg):
    book = FIXTURES / "layouts" / "frontex_ibc" / "Detections_of_IBC_2025_05_07.xlsx"
    said = []
    new = vintages.register(cfg, "frontex_ibc", [book], log=said.append)
    assert new["vintage"] == new["as_of"] == new["inspected"]["as_of"]  # from the Notes sheet
    assert new["inspected"]["rows_kept"] > 0 and "covers: period" in "\n".join(said)
    registry = apply_overlay(load_registry(cfg["sources"]), cfg["restricted"]["overlay"])
    # its data end before the pinned .rda's (as of 2025-06-03), so the newest stays the default
    assert new["vintage"] == "2025-05-07" and select_vintages(registry, {})["frontex_ibc"]["vintage"] == "2025-06-03"
    chosen = select_vintages(registry, {"frontex_ibc": "2025-05-07"})["frontex_ibc"]
    assert chosen["files"][0]["name"] == book.name and chosen["files"][0]["folder"] == "frontex_ibc@2025-05-07"


@pytest.mark.slow
def test_a_run_reads_the_selected_vintage_and_every_output_records_it(cfg, tmp_path):
    import json

    import pyarrow.parquet as pq

    from .conftest import run_snakemake

    book = FIXTURES / "layouts" / "frontex_ibc" / "Detections_of_IBC_2025_05_07.xlsx"
    vintages.register(cfg, "frontex_ibc", [book], log=lambda _: None)
    extra = tmp_path / "vintage.yaml"
    extra.write_text(yaml.safe_dump({"restricted": {"overlay": cfg["restricted"]["overlay"]},
                                     "vintages": {"frontex_ibc": "2025-05-07"}}), encoding="utf-8")
    wd = tmp_path / "wd"
    res = run_snakemake(wd, raw_dir=Path(cfg["raw_dir"]), configfiles=(extra,))
    assert res.returncode == 0, res.stderr[-3000:]
    rel = wd / "demo-results" / "demo"
    assert json.loads((rel / "manifest.json").read_text())["vintages"]["frontex_ibc"] == "2025-05-07"
    assert json.loads((rel / "intake" / "frontex_ibc.provenance.json").read_text())["source"]["vintage"] == "2025-05-07"
    assert pq.read_schema(rel / "clean" / "frontex_ibc.parquet").metadata[b"medroutes.vintage"] == b"2025-05-07"
    obs = pq.read_table(rel / "harmonised" / "observations.parquet").to_pandas()
    fx = obs[obs["source_id"] == "frontex_ibc"]
    assert set(fx["raw_file"]) == {f"frontex_ibc@2025-05-07/{book.name}"}
    assert set(fx["route"].dropna()) == {"central_mediterranean", "western_mediterranean", "western_african"}


def test_registry_entries_name_the_publishers_own_format_first():
    registry = load_registry(REPO / "config" / "sources.yaml")
    for sid in ("frontex_ibc", "population"):
        formats = registry[sid]["formats"]
        assert formats[0]["by"] == "publisher" and formats[-1]["by"] == "repackaging", sid
