"""Whole-workflow runs with Snakemake: the demo on fixtures, and the study on ../shared/data."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from .conftest import DEMO, FIXTURES, RAW, REPO, SHARED_DATA, SNAKEMAKE, run_snakemake

OUTPUT_SUFFIXES = {".parquet", ".pdf", ".png", ".svg", ".csv"}


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.suffix in OUTPUT_SUFFIXES}


@pytest.mark.slow
def test_demo_runs_end_to_end(demo_runs):
    out = demo_runs[0] / "demo-results" / "demo"
    for rel in ["compare/route_year.parquet", "harmonised/observations.parquet", "clean/iom_mmp.rejects.parquet",
                "figures/route_flows_deaths.pdf", "figures/route_flows_deaths.png",
                "figures/route_flows_deaths.svg", "figures/route_flows_deaths.csv",
                "intake/iom_mmp.provenance.json", "compare/availability.parquet",
                "compare/reconciliation.parquet", "figures/availability.svg", "figures/reconciliation.csv",
                *[f"countries/{c}.parquet" for c in ("NGA", "NER", "SEN", "MAR", "TUN", "LBY", "ITA", "ESP")]]:
        assert (out / rel).is_file(), rel
    table = pd.read_parquet(out / "compare" / "route_year.parquet")
    cm16 = table[(table["route"] == "central_mediterranean") & (table["year"] == 2016)].iloc[0]
    assert cm16["detections"] == 1200 + 5300 + 900 + 40
    assert cm16["dead_and_missing"] == 42 + 5 + 0
    plotted = pd.read_csv(out / "figures" / "route_flows_deaths.csv")
    assert plotted.loc[(plotted["route"] == "central_mediterranean") & (plotted["year"] == 2016),
                       "detections"].item() == 7440
    assert "FIXTURE DATA" in (out / "figures" / "route_flows_deaths.svg").read_text()


@pytest.mark.slow
def test_two_clean_runs_in_different_directories_give_identical_bytes(demo_runs):
    a, b = (d / "demo-results" for d in demo_runs)
    da, db = digests(a), digests(b)
    assert len(da) >= 12 and da == db


@pytest.mark.slow
def test_rerun_with_nothing_changed_does_no_work(demo_runs):
    res = run_snakemake(demo_runs[0])
    assert res.returncode == 0
    assert "Nothing to be done" in res.stderr + res.stdout


@pytest.mark.slow
def test_deleting_one_figure_rebuilds_only_that_figure_and_the_manifest(demo_runs):
    wd = demo_runs[0]
    release = wd / "demo-results" / "demo"
    before = digests(release)
    (release / "figures" / "nexus.png").unlink()
    plan = run_snakemake(wd, "-n")
    jobs = set(re.findall(r"^(?:local)?rule (\w+):", plan.stdout + plan.stderr, flags=re.M))
    assert jobs == {"figure_nexus", "manifest", "all"}, jobs
    res = run_snakemake(wd)
    assert res.returncode == 0, res.stderr[-2000:]
    assert digests(release) == before  # rebuilt to the same bytes
    from medroutes.release import verify

    assert verify(release) == []


@pytest.mark.slow
def test_verify_fails_after_one_byte_of_one_output_changes(demo_runs, tmp_path):
    from medroutes.release import verify

    copy = tmp_path / "release"
    shutil.copytree(demo_runs[1] / "demo-results" / "demo", copy)
    assert verify(copy) == []
    target = copy / "compare" / "route_year.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    problems = verify(copy)
    assert len(problems) == 1 and "compare/route_year.parquet: sha256 mismatch" in problems[0]


@pytest.mark.slow
def test_the_readme_download_switch_is_accepted(tmp_path):
    """Issue 9, case 3: the README's `--config download=true` (here in a dry run, every file present)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert 'ARGS="--config download=true"' in readme
    res = run_snakemake(tmp_path / "wd", "-n", "--config", "download=true", raw_dir=None,
                        env={"MEDROUTES_RAW_DIR": str(RAW)})
    assert res.returncode == 0, res.stderr[-3000:]
    assert "is not of type 'boolean'" not in res.stderr


def report_table(report: Path, name: str) -> pd.DataFrame:
    """A CSV result embedded in a Snakemake HTML report (a base64 data URI)."""
    import base64
    import io

    found = re.search(rf'"data:text/csv;charset=utf8;filename={re.escape(name)};base64,([A-Za-z0-9+/=]+)"',
                      report.read_text(encoding="utf-8"))
    assert found, f"{name} is not in {report}"
    return pd.read_csv(io.BytesIO(base64.b64decode(found[1])))


@pytest.mark.slow
def test_the_report_shows_every_route_label_outside_the_study_routes(demo_runs, tmp_path):
    """Issue 9, case 6: a reviewer sees in the report what fell outside the study routes, with row counts."""
    report = tmp_path / "report.html"
    res = run_snakemake(demo_runs[1], "--report", str(report))
    assert res.returncode == 0, res.stderr[-3000:]
    shown = report_table(report, "route_labels.csv").fillna({"raw_label": "(blank)"})
    outside = shown[shown["status"] == "outside"]
    assert {("iom_mmp", "Sahara Desert crossing", 1), ("iom_mmp", "(blank)", 1), ("unhcr_med", "Spain", 93)} <= set(
        zip(outside["source_id"], outside["raw_label"], outside["rows"], strict=True))
    assert outside["route"].isna().all()
    release = demo_runs[1] / "demo-results" / "demo"
    clean = pd.read_parquet(release / "clean" / "iom_mmp.parquet")
    assert shown.loc[shown["source_id"] == "iom_mmp", "rows"].sum() == len(clean)
    assert "route label 'Sahara Desert crossing' outside the study routes, 1 rows" in (
        release / "logs" / "harmonised" / "iom_mmp.log").read_text()


@pytest.mark.slow
def test_a_configured_route_label_no_raw_row_carries_is_listed_and_logged(tmp_path):
    """Issue 9, case 6: a mistyped label in routes.<route>.source_labels used to leave its route silently empty."""
    typo = tmp_path / "typo.yaml"
    typo.write_text("routes:\n  central_mediterranean:\n    source_labels:\n"
                    "      frontex_ibc: [Central Mediteranean Route]\n", encoding="utf-8")
    target = "demo-results/demo/harmonised/route_labels.csv"
    res = subprocess.run([SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(tmp_path / "wd"), "--cores", "2",
                          target, "--configfile", *DEMO, str(typo), "--config", f"raw_dir={RAW}"],
                         capture_output=True, text=True, timeout=600,
                         env={k: v for k, v in os.environ.items() if k != "MEDROUTES_RAW_DIR"})
    assert res.returncode == 0, res.stderr[-3000:]
    table = pd.read_csv(tmp_path / "wd" / target)
    frontex = table[table["source_id"] == "frontex_ibc"].set_index("raw_label")
    assert tuple(frontex.loc["Central Mediteranean Route", ["rows", "route", "status"]]) == (
        0, "central_mediterranean", "not_in_data")
    assert frontex.loc["Central Mediterranean Route", "status"] == "outside"
    log = (tmp_path / "wd" / "demo-results" / "demo" / "logs" / "harmonised" / "frontex_ibc.log").read_text()
    assert ("WARNING medroutes.harmonise: frontex_ibc: route label 'Central Mediteranean Route', listed under "
            "routes.central_mediterranean.source_labels, matches no raw row") in log


def make_plan(target: str, args: str) -> str:
    """The commands ``make <target> ARGS="<args>"`` would run (``make -n``), with this Python's bin."""
    res = subprocess.run(["make", "-n", "-C", str(REPO), target, f"ARGS={args}",
                          f"BIN={Path(sys.executable).parent}"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_make_puts_the_report_into_the_release_the_command_line_names():
    """Issue 9, case 5: config/README.md's own command; the report used to go to the config file's release."""
    assert 'make study ARGS="--config release=2026.12.0"' in (REPO / "config" / "README.md").read_text()
    plan = make_plan("study", "--config release=2026.12.0")
    assert "--report results/2026.12.0/report.html" in plan
    plan = make_plan("demo", "--config out_dir=/tmp/elsewhere release=case5")
    assert "--report /tmp/elsewhere/case5/report.html" in plan
    # --configfile merges like Snakemake's: later files and --config win
    plan = make_plan("study", f"--configfile {REPO}/config/config.yaml {REPO}/config/demo.yaml")
    assert "--report demo-results/demo/report.html" in plan


def test_make_stops_when_the_arguments_name_no_readable_config():
    res = subprocess.run(["make", "-n", "-C", str(REPO), "study", "ARGS=--configfile nowhere.yaml",
                          f"BIN={Path(sys.executable).parent}"], capture_output=True, text=True, timeout=120)
    assert res.returncode != 0
    assert "nowhere.yaml: file not found" in res.stderr


def test_corrupted_raw_file_stops_before_any_job(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    target = raw / "frontex_ibc" / "frontex.rda"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    res = run_snakemake(tmp_path / "wd", raw_dir=raw)
    assert res.returncode != 0
    err = res.stderr + res.stdout
    assert "checksum mismatch" in err and str(target) in err
    assert hashlib.sha256(bytes(data)).hexdigest() in err
    assert hashlib.sha256((RAW / "frontex_ibc" / "frontex.rda").read_bytes()).hexdigest() in err
    assert not (tmp_path / "wd" / "demo-results").exists()


@pytest.mark.slow
def test_missing_raw_dir_names_file_place_and_url(tmp_path):
    res = run_snakemake(tmp_path / "wd", raw_dir=tmp_path / "nowhere")
    err = res.stderr + res.stdout
    assert res.returncode != 0
    assert "frontex.rda" in err and str(tmp_path / "nowhere") in err and "https://" in err


def test_snakemake_lint_is_clean():
    res = subprocess.run([SNAKEMAKE, "--lint", "-s", str(REPO / "Snakefile"), "-d", str(REPO),
                          "--configfile", *DEMO, "--config", f"raw_dir={RAW}"],
                         capture_output=True, text=True, timeout=300,
                         env={k: v for k, v in os.environ.items() if k != "MEDROUTES_RAW_DIR"})
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Lints for" not in res.stdout + res.stderr


def test_snakefmt_is_clean():
    res = subprocess.run([str(Path(sys.executable).with_name("snakefmt")), "--check", "Snakefile", "workflow/rules"],
                         capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_workflow_catalog_file_says_how_to_run_it():
    import yaml

    meta = yaml.safe_load((REPO / ".snakemake-workflow-catalog.yml").read_text(encoding="utf-8"))
    assert meta["usage"]["mandatory-flags"]["flags"] and meta["usage"]["report"] is True


def test_ruff_is_clean():
    res = subprocess.run([str(Path(sys.executable).with_name("ruff")), "check", str(REPO)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout


def test_fixture_registry_pins_are_current():
    sys.path.insert(0, str(FIXTURES))
    import pin

    assert (FIXTURES / "sources.yaml").read_text(encoding="utf-8") == pin.render(), \
        "fixtures changed: run python tests/fixtures/pin.py"


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"real raw data not found at {SHARED_DATA}")
def test_study_on_real_data(tmp_path):
    wd = tmp_path / "wd"
    cmd = [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(wd), "--cores", "2",
           "--configfile", str(REPO / "config" / "config.yaml"), "--config", f"out_dir={wd / 'results'}"]
    env = {**os.environ, "MEDROUTES_RAW_DIR": str(SHARED_DATA)}
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1200)
    assert res.returncode == 0, res.stderr[-4000:]
    release = next((wd / "results").iterdir())
    table = pd.read_parquet(release / "compare" / "route_year.parquet")
    cm16 = table[(table["route"] == "central_mediterranean") & (table["year"] == 2016)].iloc[0]
    assert cm16["detections"] == 181_376
    # issue 11: the 181,376 traced to the Frontex rows that sum to it
    from medroutes import explain

    trace = explain.explain(release, "route_year", {"route": "central_mediterranean", "year": 2016}, "detections")
    assert trace.observations["value"].sum() == 181_376
    assert set(trace.observations["raw_file"]) == {"frontex_ibc/frontex.rda"}
    assert trace.observations["raw_row"].is_unique
    # issue 11: IOM's data end in mid-November 2024, so 2024 is partial and its ratio is over Jan-Oct
    wa24 = table[(table["route"] == "western_african") & (table["year"] == 2024)].iloc[0]
    assert wa24["partial_year"] and wa24["dead_and_missing_months"] == 10 == wa24["ratio_detections_months"]
    assert wa24["detections_months"] == 12
    trace = explain.explain(release, "route_year", {"route": "western_african", "year": 2024},
                            "dead_and_missing_per_1000_detections")
    assert "over the 10 months both sources cover (Jan–Oct 2024)" in trace.text()
    assert set(trace.observations["period"].str[5:7]) <= {f"{m:02d}" for m in range(1, 11)}
    cm19 = table[(table["route"] == "central_mediterranean") & (table["year"] == 2019)].iloc[0]
    assert cm19["arrivals_months"] == 11 and cm19["partial_year"]  # UNHCR ends in November 2019
    cm20 = table[(table["route"] == "central_mediterranean") & (table["year"] == 2020)].iloc[0]
    assert pd.isna(cm20["arrivals_yoy"])  # against 11 months, and a change of source
    wa16 = table[(table["route"] == "western_african") & (table["year"] == 2016)].iloc[0]
    assert wa16["low_base_detections"]  # 671 detections
    # issue 11: the publishers' own figures, each matched within the tolerance or explained
    check = pd.read_parquet(release / "compare" / "published_check.parquet")
    assert len(check) >= 15 and set(check["status"]) <= {"matched", "explained"}, check["status"].value_counts()
    assert (check["status"] == "matched").sum() >= 15
    assert check.loc[check["id"] == "frontex_cmr_2016_detections", "pipeline_value"].item() == 181_376
    # IOM dead and missing, computed here straight from the workbook
    iom = pd.read_excel(SHARED_DATA / "iom_mmp" / "Missing_Migrants_Global_Figures_allData.xlsx")
    expected = iom.loc[(iom["Migration Route"] == "Central Mediterranean") & (iom["Incident Year"] == 2016),
                       "Total Number of Dead and Missing"].sum()
    assert cm16["dead_and_missing"] == expected
    ledger = pd.read_json(release / "clean" / "iom_mmp.ledger.json", typ="series")
    assert ledger["rows_in"] == 17_474 == ledger["rows_kept"] + ledger["rows_rejected"]
    # issue 10: without restricted data the study says so once and still has the inventory and evidence map
    assert (res.stdout + res.stderr).count("restricted sources not supplied") == 1
    matrix = pd.read_parquet(release / "compare" / "inventory.parquet")
    restricted = matrix[matrix["kind"] == "restricted_source"]
    assert len(restricted) and set(restricted["status"]) == {"restricted: not supplied"}
    for rel in ("figures/inventory.png", "figures/evidence_map.png", "compare/evidence_map.parquet",
                "inventory/holders.parquet", "literature/references.parquet"):
        assert (release / rel).is_file(), rel
    assert not (release / "protected").exists() and not (wd / "restricted").exists()
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert "Nothing to be done" in again.stderr + again.stdout


@pytest.fixture
def served_population(tmp_path):
    """The fixture raw folder without population.csv, a registry whose population.csv entry has a
    127.0.0.1 URL serving it, and the list of requests the server received."""
    import functools
    import http.server
    import threading

    import yaml

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    served = tmp_path / "served"
    served.mkdir()
    (raw / "population" / "population.csv").rename(served / "population.csv")
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    registry = yaml.safe_load((FIXTURES / "sources.yaml").read_text(encoding="utf-8"))
    for src in registry["sources"]:
        for f in src["files"]:
            if f["name"] == "population.csv":
                f["url"] = f"http://127.0.0.1:{server.server_address[1]}/population.csv"
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(registry), encoding="utf-8")
    yield raw, tmp_path / "sources.yaml", requests
    server.shutdown()


def test_a_dry_run_never_downloads_and_a_real_run_fetches_through_its_rule(tmp_path, served_population):
    """Issue 9, case 2: `-n` with download=true lists the download job and fetches nothing."""
    raw, registry, requests = served_population
    dest = raw / "population" / "population.csv"
    wd = tmp_path / "wd"
    res = run_snakemake(wd, "-n", "--config", f"raw_dir={raw}", f"sources={registry}", raw_dir=None)
    assert res.returncode != 0 and "download=true" in res.stdout + res.stderr  # off: the missing file is named
    args = ["--config", f"raw_dir={raw}", f"sources={registry}", "download=true"]
    res = run_snakemake(wd, "-n", *args, raw_dir=None)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "download_0" in res.stdout + res.stderr
    assert requests == [] and not dest.exists() and list(dest.parent.iterdir()) == []
    res = run_snakemake(wd, *args, "--", "demo-results/demo/intake/population.provenance.json", raw_dir=None)
    assert res.returncode == 0, res.stderr[-3000:]
    assert requests == ["/population.csv"] and dest.is_file()
    assert "population.csv: sha256" in (wd / "demo-results/demo/logs/download/population/population.csv.log"
                                        ).read_text(encoding="utf-8")
