import copy

import pytest
from medroutes.config import RAW_DIR_ENV, command_line_booleans, load_registry, raw_dir, validate
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


@pytest.mark.parametrize(("given", "expected"), [("true", True), ("False", False), ("yes", True), (True, True)])
def test_command_line_booleans_read_as_in_yaml(config, given, expected):
    """Issue 9, case 3: `--config download=true` arrives as the text 'true'."""
    c = {**copy.deepcopy(config), "download": given}
    command_line_booleans(c)
    assert c["download"] is expected
    validate(c, "config.schema.yaml", "config")


def test_other_text_for_a_boolean_is_still_refused(config):
    c = {**copy.deepcopy(config), "download": "sometimes"}
    command_line_booleans(c)
    with pytest.raises(ConfigError, match="download: 'sometimes' is not of type 'boolean'"):
        validate(c, "config.schema.yaml", "config")


def _study(config):
    from medroutes.plan import Study

    return Study.load(config, REPO)


def test_a_route_label_under_two_routes_is_refused_naming_both(config):
    """Issue 9, case 6: today the last route silently wins and the other loses every detection."""
    c = copy.deepcopy(config)
    c["routes"]["western_mediterranean"]["source_labels"]["frontex_ibc"].append("Central Mediterranean Route")
    with pytest.raises(ConfigError, match="frontex_ibc label 'Central Mediterranean Route' is listed under both "
                                          "central_mediterranean and western_mediterranean"):
        _study(c)


def test_an_unknown_source_key_under_source_labels_is_refused_listing_the_valid_ones(config):
    """Issue 9, case 6: a mistyped source key was ignored."""
    c = copy.deepcopy(config)
    c["routes"]["central_mediterranean"]["source_labels"]["frontex_ibcc"] = ["Central Mediterranean Route"]
    with pytest.raises(ConfigError, match=r"routes.central_mediterranean.source_labels: 'frontex_ibcc' is not a "
                                          r"registered source \(registered: .*frontex_ibc, "):
        _study(c)


def test_the_shipped_route_labels_pass(config):
    assert _study(copy.deepcopy(config)).sources
