from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
RAW = FIXTURES / "raw"
SHARED_DATA = REPO.parent / "shared" / "data"


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
