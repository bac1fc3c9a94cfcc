"""A bad config stops the workflow before any job, with a message that names the key and what is allowed.

Each case runs the demo workflow for real (not a dry run, so "no output folder" means something)
with one bad setting, given as a ``--config`` override, an extra ``--configfile`` or an environment
variable, and checks: it fails; no job was scheduled; nothing was created under the output folder;
the error names the key, the bad value and the allowed values (or where to look). The cases run
side by side: each is one Snakemake start-up of a few seconds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from .conftest import RAW, REPO

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
DEMO_CONFIGFILES = (str(REPO / "config" / "config.yaml"), str(REPO / "config" / "demo.yaml"))
SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text(encoding="utf-8"))
ROUTES = SCHEMA["properties"]["routes"]["propertyNames"]["enum"]
COUNTRIES = SCHEMA["properties"]["countries"]["propertyNames"]["enum"]
ROLES = SCHEMA["properties"]["countries"]["additionalProperties"]["properties"]["roles"]["items"]["enum"]
TOP_LEVEL_KEYS = sorted(SCHEMA["properties"])
RELEASE_PATTERN = SCHEMA["properties"]["release"]["pattern"]
JOB_LINE = re.compile(r"^\s*(local)?(rule|checkpoint) \w+:|^\s*jobid: \d+", re.MULTILINE)


@dataclass
class Case:
    config: tuple[str, ...] = ()  # --config key=value overrides
    yaml_text: str | None = None  # an extra --configfile
    env: dict[str, str] = field(default_factory=dict)  # "{tmp}" in a value: the case's temp folder
    raw_dir: bool = True  # pass raw_dir=<fixtures> (the demo's own raw_dir is relative to the repo)
    expect: tuple[str, ...] = ()  # must all appear in the error message
    drop: tuple[str, ...] = ()  # run on one merged demo config file without these top-level keys


CASES = {
    "unknown_top_level_key": Case(config=("colour=blue",), expect=("colour",)),
    "route_outside_the_three": Case(
        yaml_text="routes:\n  balkan:\n    label: Western Balkans\n    source_labels: {}\n",
        expect=("routes", "balkan", *ROUTES)),
    "country_outside_the_eight": Case(
        yaml_text="countries:\n  FRA: {name: France, roles: [destination]}\n",
        expect=("countries", "FRA", *COUNTRIES)),
    "bad_role": Case(
        yaml_text="countries:\n  NGA: {name: Nigeria, roles: [origin, smuggler]}\n",
        expect=("countries.NGA.roles", "smuggler", *ROLES)),
    "download_maybe": Case(config=("download=maybe",), expect=("download", "maybe", "boolean")),
    "release_with_a_slash": Case(config=("release=2026/11",), expect=("release", "2026/11", RELEASE_PATTERN)),
    "missing_raw_dir": Case(config=("raw_dir=/nonexistent",), raw_dir=False,
                            expect=("raw_dir", "/nonexistent", "MEDROUTES_RAW_DIR", "frontex.rda", "https://")),
    "env_raw_dir_empty": Case(env={"MEDROUTES_RAW_DIR": "{tmp}/empty_raw"}, raw_dir=False,
                              expect=("{tmp}/empty_raw", "MEDROUTES_RAW_DIR", "frontex.rda", "https://")),
    # issue 9, case 7: these used to pass start-up and end in a KeyError / numpy / pandas traceback
    "areas_missing": Case(drop=("areas",), expect=("'areas' is a required property",)),
    "data_label_missing": Case(drop=("data_label",), expect=("'data_label' is a required property",)),
    "first_year_after_last_year": Case(
        yaml_text="compare:\n  years: {first_year: 2020, last_year: 2016}\n",
        expect=("compare.years: first_year 2020 is after last_year 2016",)),
    "figure_years_backwards": Case(
        yaml_text="figures:\n  availability_years: {first_year: 2024, last_year: 2010}\n",
        expect=("figures.availability_years: first_year 2024 is after last_year 2010",)),
    "max_period_not_a_date": Case(
        yaml_text="thresholds:\n  max_period: '2025-02-30'\n",
        expect=("thresholds.max_period", "'2025-02-30'", "not a calendar date", "YYYY-MM-DD")),
    "unregistered_source": Case(config=("use_sources=[iom_mmp,no_such_source]",),
                                expect=("use_sources", "no_such_source", "iom_mmp", "frontex_ibc")),
}


@dataclass
class Outcome:
    result: subprocess.CompletedProcess
    workdir: Path
    tmp: Path

    @property
    def text(self) -> str:
        return self.result.stdout + self.result.stderr

    @property
    def error(self) -> str:
        """The error part of Snakemake's output (after its banner, which echoes the command line)."""
        m = re.search(r"^\w*(Error|Exception)\b.*", self.text, re.MULTILINE | re.DOTALL)
        return m.group(0) if m else ""


def _run_case(name: str, case: Case, tmp: Path) -> Outcome:
    tmp.mkdir(parents=True)
    (tmp / "empty_raw").mkdir()
    configfiles = list(DEMO_CONFIGFILES)
    if case.drop:
        merged = {}
        for f in DEMO_CONFIGFILES:
            merged.update(yaml.safe_load(Path(f).read_text(encoding="utf-8")))
        merged = {k: v for k, v in merged.items() if k not in case.drop}
        for key in ("sources", "country_aliases", "indicators"):  # repo-relative; the case runs elsewhere
            merged[key] = str(REPO / merged[key])
        (tmp / "full.yaml").write_text(yaml.safe_dump(merged), encoding="utf-8")
        configfiles = [str(tmp / "full.yaml")]
    if case.yaml_text is not None:
        (tmp / "bad.yaml").write_text(case.yaml_text, encoding="utf-8")
        configfiles.append(str(tmp / "bad.yaml"))
    overrides = [*([f"raw_dir={RAW}"] if case.raw_dir else []), *case.config]
    workdir = tmp / "wd"
    cmd = [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--cores", "1",
           "--configfile", *configfiles]
    if overrides:
        cmd += ["--config", *overrides]
    env = {k: v for k, v in os.environ.items() if k != "MEDROUTES_RAW_DIR"}
    env.update({k: v.format(tmp=tmp) for k, v in case.env.items()})
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    return Outcome(res, workdir, tmp)


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict[str, Outcome]:
    wanted = sorted({item.callspec.params["case"] for item in request.session.items
                     if item.module is sys.modules[__name__] and hasattr(item, "callspec")})
    root = tmp_path_factory.mktemp("config_errors")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(_run_case, name, CASES[name], root / name) for name in wanted}
        return {name: f.result() for name, f in futures.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_config_fails_before_any_job_naming_key_and_allowed_values(outcomes, case):
    out = outcomes[case]
    assert out.result.returncode != 0, f"{case}: the workflow accepted the bad config:\n{out.text[-2000:]}"
    assert not JOB_LINE.search(out.text), f"{case}: a job was scheduled before the error:\n{out.text[-2000:]}"
    out_dir = out.workdir / "demo-results"
    assert not out_dir.exists(), f"{case}: created {sorted(p.name for p in out_dir.rglob('*'))}"
    missing = [e.format(tmp=out.tmp) for e in CASES[case].expect if e.format(tmp=out.tmp) not in out.error]
    assert not missing, f"{case}: the error does not name {missing}:\n{out.error[:3000]}"


# Regression: both were gaps (jsonschema's additionalProperties message names no allowed key; the
# intake error said "raw_dir = <dir>" when $MEDROUTES_RAW_DIR had supplied it), fixed in 1ab6e80.
@pytest.mark.parametrize("case", ["unknown_top_level_key"])
def test_unknown_top_level_key_lists_the_allowed_keys(outcomes, case):
    error = outcomes[case].error
    assert "colour" in error
    missing = [k for k in TOP_LEVEL_KEYS if k not in error]
    assert not missing, f"allowed keys not listed: {missing}\n{error[:2000]}"


@pytest.mark.parametrize("case", ["env_raw_dir_empty"])
def test_raw_dir_from_the_environment_is_named_as_such(outcomes, case):
    out = outcomes[case]
    where = re.escape(str(out.tmp / "empty_raw"))
    assert re.search(rf"from \$?MEDROUTES_RAW_DIR|MEDROUTES_RAW_DIR\s*=\s*{where}", out.error), out.error[:2000]
