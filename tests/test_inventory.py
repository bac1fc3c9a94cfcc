"""The database inventory and the availability matrix (country x evidence type x access)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from medroutes import inventory
from medroutes.errors import ConfigError

from .conftest import REPO

INVENTORY = REPO / "config" / "inventory.yaml"


@pytest.fixture(scope="module")
def codebook() -> dict:
    return yaml.safe_load((REPO / "config" / "codebook.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registry() -> list[dict]:
    return yaml.safe_load((REPO / "config" / "sources.yaml").read_text(encoding="utf-8"))["sources"]


def write(tmp_path, holders) -> str:
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump({"holders": holders}, allow_unicode=True), encoding="utf-8")
    return str(path)


HOLDER = {"id": "x_agency", "country": "NER", "agency": "An agency", "agency_types": ["police"],
          "records": "unknown", "disaggregation": "unknown", "documented_years": "unknown", "years": "unknown",
          "access": "unknown", "format": "unknown",
          "citations": [{"title": "T", "publisher": "P", "date": "2020", "url": "https://example.org/t"}]}


def test_every_committed_entry_is_cited_and_coded(codebook):
    holders = inventory.load(INVENTORY, codebook)
    assert holders, "the inventory is empty"
    table = inventory.holders_table(holders)
    assert table["citations"].str.contains("https?://", regex=True).all()
    assert not table.isna().any().any(), "a field left empty instead of 'unknown'"


@pytest.mark.parametrize("change, message", [
    ({"records": ["smugglers"]}, "holders[0] (x_agency).records: 'smugglers' is not a code book records code"),
    ({"access": "open"}, "holders[0] (x_agency).access: 'open' is not a code book access code"),
    ({"citations": []}, "holders.0.citations: [] should be non-empty"),
    ({"records": []}, "holders.0.records"),
    ({"years": {"from": 2020, "to": 2015}}, "holders[0] (x_agency).years: from 2020 is after to 2015"),
])
def test_an_entry_that_breaks_the_rules_is_refused_naming_it(tmp_path, codebook, change, message):
    with pytest.raises(ConfigError) as err:
        inventory.load(write(tmp_path, [{**HOLDER, **change}]), codebook)
    assert message in str(err.value)


def test_a_guess_cannot_be_typed_in_place_of_unknown(tmp_path, codebook):
    """'unknown' is the only non-list value a coded field takes: 'probably sex' is refused."""
    with pytest.raises(ConfigError, match="disaggregation"):
        inventory.load(write(tmp_path, [{**HOLDER, "disaggregation": "probably sex"}]), codebook)


def test_the_matrix_never_omits_a_restricted_source(registry, codebook, config):
    countries = list(config["countries"])
    restricted = [s["id"] for s in registry if s.get("access") == "restricted"]
    supplied = {sid: sid == "case_files_dcis" for sid in restricted}
    tags = pd.DataFrame({"key": ["a", "b", "c"], "country": ["NGA", "NGA", ""]})
    table = inventory.matrix(registry, inventory.load(INVENTORY, codebook), supplied, countries,
                             codebook["evidence_types"], tags)
    for sid in restricted:
        rows = table[table["entry"] == sid]
        src = next(s for s in registry if s["id"] == sid)
        assert sorted(rows["country"]) == sorted(src["countries"]), sid
        want = "restricted: supplied" if supplied[sid] else "restricted: not supplied"
        assert set(rows["status"]) == {want}, sid
    # every country x evidence type has at least one row
    assert len(table.groupby(["country", "evidence_type"])) == len(countries) * len(codebook["evidence_types"])
    lit = table[(table["evidence_type"] == "literature") & (table["kind"] == "literature")].set_index("country")
    assert lit.loc["NGA", "n_items"] == 2 and lit.loc["NER", "n_items"] == 0
    assert inventory.cell_text(table[(table["country"] == "NGA") & (table["evidence_type"] == "case_files")]) \
        == "restricted:\nsupplied"


def test_a_country_with_nothing_of_a_type_says_none_documented(codebook):
    registry = [{"id": "s", "title": "S", "countries": ["ITA"], "files": [], "url": "https://x.org"}]
    table = inventory.matrix(registry, [], {}, ["ITA", "LBY"], codebook["evidence_types"])
    row = table[(table["country"] == "LBY") & (table["evidence_type"] == "public_statistics")]
    assert row["status"].tolist() == ["none documented"]
    assert inventory.cell_text(row) == "none documented"


def test_the_figure_draws_every_cell(tmp_path, registry, codebook, config):
    from medroutes import figures

    table = inventory.matrix(registry, inventory.load(INVENTORY, codebook), {}, list(config["countries"]),
                             codebook["evidence_types"])
    cells = inventory.figure(table, figures.country_names(config["countries"]), codebook["evidence_types"],
                             tmp_path / "inventory")
    assert len(cells) == len(config["countries"]) * len(codebook["evidence_types"])
    assert (tmp_path / "inventory.png").stat().st_size > 0
    assert len(pd.read_csv(tmp_path / "inventory.csv")) == len(table)
