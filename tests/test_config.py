import copy

import pytest
from medroutes.config import RAW_DIR_ENV, load_registry, raw_dir, validate
from medroutes.errors import ConfigError

from .conftest import REPO


def test_shipped_config_and_registry_validate(config):
    validate(config, "config.schema.yaml", "config")
    registry = load_registry(REPO / "config" / "sources.yaml")
    assert {"iom_mmp", "frontex_ibc"} <= set(registry)
    for src in registry.values():
        assert all(len(f["sha256"]) == 64 for f in src["files"])


@pytest.mark.parametrize("mutate, needle", [
    (lambda c: c.update(relase="x"), "relase"),
    (lambda c: c["routes"].update(eastern_mediterranean={"label": "E", "source_labels": {}}),
     "eastern_mediterranean"),
    (lambda c: c["countries"].update(FRA={"name": "France", "roles": ["destination"]}), "FRA"),
    (lambda c: c["countries"]["NGA"].update(roles=["smuggler"]), "smuggler"),
    (lambda c: c.update(download="yes"), "download"),
])
def test_bad_config_names_the_key(config, mutate, needle):
    bad = copy.deepcopy(config)
    mutate(bad)
    with pytest.raises(ConfigError) as err:
        validate(bad, "config.schema.yaml", "config")
    assert needle in str(err.value)


def test_env_overrides_raw_dir(config, monkeypatch):
    monkeypatch.setenv(RAW_DIR_ENV, "/elsewhere")
    assert str(raw_dir(config)) == "/elsewhere"
    monkeypatch.setenv(RAW_DIR_ENV, "")
    assert str(raw_dir(config)) == config["raw_dir"]
