from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
RAW = FIXTURES / "raw"
SHARED_DATA = REPO.parent / "shared" / "data"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
DEMO = [str(REPO / "config" / "config.yaml"), str(REPO / "config" / "demo.yaml")]


def run_snakemake(workdir: Path, *args: str, raw_dir: Path | None = RAW, env: dict | None = None,
                  configfiles: tuple = (), targets: tuple = (), timeout: int = 600, cores: str | None = "2"):
    """The demo (plus ``configfiles``) in ``workdir``, with the fixture raw folder given absolute."""
    environ = {k: v for k, v in os.environ.items() if k != "MEDROUTES_RAW_DIR"}
    environ.update(env or {})
    cmd = [SNAKEMAKE, *targets, "-s", str(REPO / "Snakefile"), "-d", str(workdir),
           *(["--cores", cores] if cores else []), "--configfile", *DEMO, *map(str, configfiles)]
    if raw_dir is not None:
        cmd += ["--config", f"raw_dir={raw_dir}"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=environ, timeout=timeout)


DEMO_WALL: dict[Path, float] = {}  # seconds each demo_runs run took, for tests that compare against it


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory):
    """Two clean demo runs in two working directories (shared by every module that needs a demo)."""
    a, b = tmp_path_factory.mktemp("run_a"), tmp_path_factory.mktemp("run_b")
    for wd in (a, b):
        start = time.perf_counter()
        res = run_snakemake(wd)
        DEMO_WALL[wd] = time.perf_counter() - start
        assert res.returncode == 0, res.stderr[-3000:]
    return a, b


def load_config() -> dict:
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def config() -> dict:
    return load_config()


@pytest.fixture(scope="session")
def indicators() -> dict:
    return yaml.safe_load((REPO / "config" / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]


@pytest.fixture(scope="session")
def resolver(config):
    from medroutes.resolve import CountryResolver

    aliases = yaml.safe_load((REPO / "config" / "country_aliases.yaml").read_text(encoding="utf-8"))
    return CountryResolver(aliases, config["areas"])
