"""The literature review: reference list (BibTeX and CSL-JSON), tag sheet validation, evidence map."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from medroutes import literature
from medroutes.errors import InputError

from .conftest import FIXTURES, REPO

LIT = FIXTURES / "literature"
ROUTES = list(literature.STUDY_ROUTES)


@pytest.fixture(scope="module")
def codebook() -> dict:
    return yaml.safe_load((REPO / "config" / "codebook.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def countries(config) -> list[str]:
    return list(config["countries"])


@pytest.fixture(scope="module")
def refs() -> pd.DataFrame:
    return literature.read_references(LIT / "refs.bib")


def test_bibtex_and_csl_json_read_to_the_same_table(refs):
    assert refs.equals(literature.read_references(LIT / "refs.json"))
    assert list(refs["key"]) == ["campana2018out", "iom2014fatal", "unodc2011role"]
    row = refs.set_index("key").loc["campana2018out"]
    # case-protecting braces out, DOI without its resolver prefix, "Family, Given"
    assert row["title"] == "Out of Africa: The Organization of Migrant Smuggling across the Mediterranean"
    assert row["doi"] == "10.1177/1477370817749179" and row["author"] == "Campana, Paolo"
    assert refs.set_index("key").loc["iom2014fatal", "author"] == "Brian, Tara; Laczko, Frank (eds.)"
    assert refs.set_index("key").loc["unodc2011role", "author"] == "United Nations Office on Drugs and Crime"


def test_the_committed_reference_list_and_tag_sheet_are_clean(codebook, countries):
    refs = literature.read_references(REPO / "config" / "literature" / "references.bib")
    tags, rejects = literature.read_tags(REPO / "config" / "literature" / "tags.csv", refs, codebook, countries,
                                         label="config/literature/tags.csv")
    assert rejects.empty, rejects.to_string()
    assert set(tags["key"]) == set(refs["key"]), "every reference is tagged at least once"
    assert set(tags["raw_file"]) == {"config/literature/tags.csv"}  # no machine path in the lineage


@pytest.mark.parametrize("fixture, message", [
    ("duplicate.bib", "duplicate.bib: line 9: duplicate key 'campana2018out' (entries at line 3 and line 9)"),
    ("malformed.bib", "malformed.bib: line 10, entry 'brachet2018manufacturing': column 'title': a comma is missing "
                      "after this field: the next field, 'journal', was read into it"),
])
def test_a_bad_reference_list_names_the_file_and_line(fixture, message):
    with pytest.raises(InputError) as err:
        literature.read_references(LIT / fixture)
    assert message in str(err.value)


def test_a_reference_without_a_year_is_refused(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@book{x2020, author = {A, B}, title = {T}}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1, entry 'x2020': column 'year': missing field"):
        literature.read_references(bib)


def test_every_bad_tag_row_is_rejected_with_its_reason_and_the_counts_reconcile(refs, codebook, countries):
    tags, rejects = literature.read_tags(LIT / "tags_bad.csv", refs, codebook, countries)
    rows_in = len(pd.read_csv(LIT / "tags_bad.csv"))
    assert len(tags) + len(rejects) == rows_in
    by_row = dict(zip(rejects["raw_row"], rejects["reason"], strict=True))
    assert by_row == {5: "unknown_topic", 6: "bad_year", 7: "bad_year", 8: "unknown_key", 9: "unknown_route",
                      10: "unknown_country", 11: "not_study_country", 12: "unknown_evidence_type",
                      13: "year_mismatch", 14: "duplicate_row", 15: "missing_value"}
    # a country name resolves to ISO3
    assert tags.loc[tags["raw_row"] == 4, "country"].item() == "LBY"
    bad_year = rejects.set_index("raw_row").loc[6]
    assert (bad_year["column"], bad_year["value"]) == ("year", "20l8")


def test_a_renamed_tag_column_is_a_named_error(refs, codebook, countries):
    with pytest.raises(InputError) as err:
        literature.read_tags(LIT / "tags_renamed.csv", refs, codebook, countries)
    assert "tags_renamed.csv: column 'topic': missing column (found ['topics'])" in str(err.value)


def test_evidence_map_counts_distinct_references_with_every_cell_present(codebook):
    tags = pd.DataFrame({
        "key": ["a", "a", "b", "c"], "route": ["central_mediterranean", "central_mediterranean",
                                              "central_mediterranean", ""],
        "country": ["LBY", "ITA", "", ""], "topic": ["modus_operandi"] * 3 + ["routes_and_flows"]})
    evmap = literature.evidence_map(tags, codebook["topics"], ROUTES, unrouted=True)
    assert len(evmap) == len(codebook["topics"]) * (len(ROUTES) + 1)
    cell = evmap.set_index(["topic", "route"])
    assert cell.loc[("modus_operandi", "central_mediterranean"), "n_references"] == 2  # a counts once
    assert cell.loc[("modus_operandi", "central_mediterranean"), "keys"] == "a; b"
    assert cell.loc[("routes_and_flows", ""), "n_references"] == 1
    assert cell.loc[("corruption", "western_african"), "n_references"] == 0


def test_the_figure_is_drawn_from_the_map(tmp_path, codebook, config):
    from medroutes import figures

    tags = pd.DataFrame({"key": ["a"], "route": ["western_african"], "country": [""], "topic": ["corruption"]})
    evmap = literature.evidence_map(tags, codebook["topics"], ROUTES, unrouted=True)
    literature.figure(evmap, codebook["topics"], figures.route_labels(config["routes"]), tmp_path / "evidence_map")
    for ext in ("pdf", "png", "svg", "csv"):
        assert (tmp_path / f"evidence_map.{ext}").stat().st_size > 0
    assert pd.read_csv(tmp_path / "evidence_map.csv")["n_references"].sum() == 1

