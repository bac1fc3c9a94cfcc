"""World Bank population adapter: read -> clean -> harmonise on hand-written fixtures (CSV and API JSON)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pytest
import yaml
from medroutes.adapters import population as adapter
from medroutes.adapters import read as read_records
from medroutes.clean import clean
from medroutes.errors import InputError
from medroutes.harmonise import harmonise
from medroutes.resolve import CountryResolver

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "tests/fixtures/raw/population"
BAD = ROOT / "tests/fixtures/bad/population"
FIXTURE = RAW / "population.csv"
API = ROOT / "tests/fixtures/layouts/population/api_v2.json"  # the CSV fixture's numbers, in the API's shape
REAL = ROOT.parent / "shared/data/population/population.csv"
SOURCE = "population"
STUDY = ["NGA", "NER", "SEN", "MAR", "TUN", "LBY", "ITA", "ESP"]

# Proposed config addition (see /tmp/handoff/population.md).
NEW_INDICATORS = {"population": {"unit": "persons", "label": "Population, total"}}


def _yaml(name: str) -> dict:
    return yaml.safe_load((ROOT / "config" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def env():
    cfg = _yaml("config.yaml")
    indicators = {**_yaml("indicators.yaml")["indicators"], **NEW_INDICATORS}
    return cfg["routes"], CountryResolver(_yaml("country_aliases.yaml"), cfg["areas"]), indicators


def run(paths, env, sha="a" * 64):
    raw = read_records(adapter, paths)
    kept, rejects, ledger = clean(raw, adapter.SPEC, raw_sha256={f: sha for f in raw["raw_file"].unique()},
                                  max_count=10_000_000, max_period="2025-12-31")
    routes, resolver, indicators = env
    return raw, kept, rejects, ledger, harmonise(kept, adapter.SPEC, SOURCE, routes, resolver, indicators)[0]


def test_read_layout_quirks():
    raw = read_records(adapter, [FIXTURE])
    assert len(raw) == 31
    assert list(raw.raw_row[:2]) == [2, 3] and raw.raw_row.iloc[-1] == 32  # header is row 1
    assert raw.raw_ref.iloc[0] == "population/population.csv row 2"
    names = set(raw.country_name)
    # quoted names with commas and an apostrophe
    assert {"Egypt, Arab Rep.", "Korea, Dem. People's Rep.",
            "Middle East, North Africa, Afghanistan & Pakistan"} <= names
    assert not raw.population.str.contains("\r").any()  # CRLF line ends
    assert raw.loc[raw.country_code == "NGA", "population"].tolist() == ["188411502", "193204617"]


def test_aggregates_rejected_countries_kept(env):
    raw, kept, rejects, ledger, obs = run([FIXTURE], env)
    assert ledger == {"rows_in": 31, "rows_kept": 20, "rows_rejected": 11,
                      "rejected_by_reason": {"aggregate_not_a_country": 11}}
    codes = raw.loc[raw.adapter_reject.notna(), "country_code"]
    assert codes.value_counts().to_dict() == {"AFE": 2, "EUU": 2, "WLD": 2, "AFW": 1, "CHI": 1, "HIC": 1,
                                              "MEA": 1, "SSF": 1}
    mea = rejects[rejects.raw_ref == "population/population.csv row 17"].iloc[0]
    assert mea.detail.startswith("Country Code 'MEA' ('Middle East, North Africa, Afghanistan & Pakistan') "
                                 "is not an ISO 3166-1 alpha-3 country code")
    assert '"country_code": "MEA"' in mea.record and mea.raw_sha256 == "a" * 64
    assert sorted(set(obs.ref_area)) == sorted([*STUDY, "EGY", "PRK", "XKX"])


def test_study_countries_values(env):
    obs = run([FIXTURE], env)[-1]
    assert set(obs.indicator) == {"population"} and set(obs.unit) == {"persons"}
    assert set(obs.freq) == {"A"} and obs.route.isna().all() and set(obs.obs_status) == {"A"}
    assert set(obs.dimension) == set(obs.category) == set(obs.counterpart_area) == {"_T"}
    value = obs.set_index(["ref_area", "period"]).value
    for code in STUDY:
        assert (code, "2016") in value.index and (code, "2017") in value.index
    # above the run-wide max_count (10 million) for event counts, and still kept as a number
    assert value[("NGA", "2017")] == 193_204_617
    assert value[("ITA", "2016")] == 60_412_031 and value[("ESP", "2017")] == 46_590_872
    assert value[("XKX", "2017")] == 1_771_050  # Kosovo counts as a country
    row = obs[(obs.ref_area == "SEN") & (obs.period == "2017")].iloc[0]
    assert row.raw_ref == "population/population.csv row 25" and row.raw_row == 25


def test_country_rule():
    codes = adapter.iso3_codes()
    assert set(STUDY) | {"XKX", "PSE", "PRK", "EGY"} <= codes
    world_bank_aggregates = {"AFE", "AFW", "ARB", "CEB", "CHI", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS",
                             "EMU", "EUU", "FCS", "HIC", "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "LAC",
                             "LCN", "LDC", "LIC", "LMC", "LMY", "LTE", "MEA", "MIC", "MNA", "NAC", "OED",
                             "OSS", "PRE", "PSS", "PST", "SAS", "SSA", "SSF", "SST", "TEA", "TEC", "TLA",
                             "TMN", "TSA", "TSS", "UMC", "WLD"}
    assert not world_bank_aggregates & codes


def test_value_rejections(env):
    raw, kept, rejects, ledger, obs = run([BAD / "values.csv"], env)
    assert ledger["rows_in"] == 6 and ledger["rows_kept"] == 2
    assert ledger["rejected_by_reason"] == {"missing_value": 2, "invalid_period": 1, "not_a_number": 1}
    by_row = rejects.set_index("raw_row")
    assert (by_row.loc[2, "reason"], by_row.loc[2, "column"]) == ("missing_value", "population")
    assert (by_row.loc[3, "reason"], by_row.loc[3, "value"]) == ("invalid_period", "20l6")
    assert (by_row.loc[4, "reason"], by_row.loc[4, "value"]) == ("not_a_number", "..")
    assert (by_row.loc[5, "reason"], by_row.loc[5, "column"]) == ("missing_value", "country_code")
    # a lower-case ISO3 code is a country, not an aggregate; the resolver upper-cases it
    assert obs.set_index("ref_area").value.to_dict() == {"TUN": 11_501_643, "NGA": 193_204_617}


def test_duplicates(env):
    raw, kept, rejects, ledger, obs = run([BAD / "duplicates.csv"], env)
    assert ledger["rejected_by_reason"] == {"conflicting_duplicate": 1, "duplicate_record": 1}
    by_row = rejects.set_index("raw_row")
    assert by_row.loc[3, "reason"] == "duplicate_record" and by_row.loc[3, "value"] == "ITA,2016"
    assert by_row.loc[5, "reason"] == "conflicting_duplicate" and by_row.loc[5, "value"] == "ESP,2016"
    assert by_row.loc[5, "detail"] == ("same country_code+year as population/duplicates.csv row 4 "
                                       "with different values")
    assert obs.set_index("ref_area").value.to_dict() == {"ITA": 60_412_031, "ESP": 46_401_225}


@pytest.mark.parametrize("name, fragments", [
    ("empty.csv", ["file is empty"]),
    ("renamed_column.csv", ["line 1", "missing column(s) ['Country Code']", "'Country_Code'"]),
    ("extra_field.csv", ["not a well-formed CSV", "Expected 4 fields in line 3, saw 5"]),
    ("latin1.csv", ["line 3", "bytes are not utf-8-sig", "te d'Iv"]),
])
def test_input_errors(name, fragments):
    path = BAD / name
    with pytest.raises(InputError) as err:
        read_records(adapter, [path])
    msg = str(err.value)
    assert str(path) in msg
    for fragment in fragments:
        assert fragment in msg


# ---------------------------------------------------------------- World Bank API v2 JSON

def _api_doc() -> list:
    return json.loads(API.read_text(encoding="utf-8"))


def _write(tmp_path, content, name="api.json") -> Path:
    path = tmp_path / "population" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return path


def test_api_json_equals_csv(env):
    """The same numbers give the same tidy table and observations whichever format carries them."""
    raw, kept, rejects, ledger, obs = run([API], env)
    _, csv_kept, _, _, csv_obs = run([FIXTURE], env)
    lineage = ["raw_file", "raw_row", "raw_ref"]

    def same(a, b, key):
        return a.drop(columns=lineage).sort_values(key).reset_index(drop=True), \
            b.drop(columns=lineage).sort_values(key).reset_index(drop=True)

    pd.testing.assert_frame_equal(*same(kept, csv_kept, ["country_code", "year"]))
    pd.testing.assert_frame_equal(*same(obs, csv_obs, ["ref_area", "period"]))
    assert list(kept.columns) == list(csv_kept.columns)
    assert obs.loc[(obs.ref_area == "XKX") & (obs.period == "2017"), "value"].tolist() == [1_771_050]
    row = obs[(obs.ref_area == "SEN") & (obs.period == "2016")].iloc[0]
    assert row.raw_ref == "population/api_v2.json record 29" and row.raw_row == 29  # records count from 1


def test_api_json_rejects(env):
    raw, kept, rejects, ledger, obs = run([API], env)
    assert ledger == {"rows_in": 33, "rows_kept": 20, "rows_rejected": 13,
                      "rejected_by_reason": {"aggregate_not_a_country": 12, "missing_value": 1}}
    by_ref = rejects.set_index("raw_ref")
    empty = by_ref.loc["population/api_v2.json record 9"]  # "Not classified": empty iso3 (and a null value)
    assert (empty.reason, empty.detail) == ("aggregate_not_a_country",
                                            "countryiso3code '' (country.id 'XY', 'Not classified') is not an "
                                            "ISO 3166-1 alpha-3 country code: a World Bank aggregate or grouping, "
                                            "not a country")
    assert by_ref.loc["population/api_v2.json record 11"].detail.startswith("countryiso3code 'WLD' (country.id '1W'")
    eritrea = by_ref.loc["population/api_v2.json record 15"]  # a country's null value
    assert (eritrea.reason, eritrea.column) == ("missing_value", "population")
    assert '"country_code": "ERI"' in eritrea.record


def test_api_json_vintage(caplog):
    with caplog.at_level(logging.INFO, logger="medroutes.adapters.population"):
        raw = read_records(adapter, [API])
    assert raw.attrs["lastupdated"] == "2025-07-01"
    assert "population/api_v2.json: World Bank API v2 SP.POP.TOTL, source 2, lastupdated 2025-07-01, 33 records" \
        in caplog.text


def test_format_from_content_not_name(tmp_path):
    """A JSON response saved as .csv is read as JSON, a CSV saved as .json as CSV."""
    as_csv = read_records(adapter, [_write(tmp_path, b"\r\n  " + API.read_bytes(), "population.csv")])
    as_json = read_records(adapter, [_write(tmp_path, FIXTURE.read_bytes(), "population.json")])
    assert (len(as_csv), as_csv.raw_ref.iloc[0]) == (33, "population/population.csv record 1")
    assert (len(as_json), as_json.raw_ref.iloc[0]) == (31, "population/population.json row 2")


def _bad(name):
    """The fixture with one thing broken, or a whole document in place of it."""
    doc = _api_doc()
    meta, records = doc
    if name == "paged":
        meta.update(page=1, pages=2, per_page="20", total=33)  # per_page as old API versions give it
    elif name == "other_indicator":
        records[2]["indicator"] = {"id": "SP.POP.TOTL.FE.IN", "value": "Population, female"}
    elif name == "short":
        del records[-1]
    elif name == "bad_vintage":
        meta["lastupdated"] = "July 2025"
    elif name == "no_date":
        del records[4]["date"]
    else:
        return {"api_error": [{"message": [{"id": "120", "key": "Invalid value",
                                            "value": "The provided parameter value is not valid"}]}],
                "object": meta, "one_element": [meta], "no_metadata": [records, meta],
                "no_records": [dict(meta, total=0), None], "not_json": API.read_bytes()[:500],
                "nan": API.read_bytes().replace(b"99411030", b"NaN"), "empty": b" \r\n",
                "xml": b'<?xml version="1.0" encoding="utf-8"?><wb:error>'}[name]
    return doc


@pytest.mark.parametrize("name, fragments", [
    ("paged", ["element [0]", "is page 1 of 2 (33 records, 20 per page)", "'pages': 2", "'total': 33",
               "download with per_page >= total (33)"]),
    ("other_indicator", ["record 3 (element [1][2])", "column 'indicator.id'", "another indicator",
                         "'SP.POP.TOTL.FE.IN'", "expected 'SP.POP.TOTL'"]),
    ("api_error", ["element [0]", "World Bank API's error response",
                   "'120 Invalid value: The provided parameter value is not valid'"]),
    ("object", ["top level", "two-element array", "(found 'object')", "[paging metadata object, array of records]"]),
    ("one_element", ["top level", "(found ['object'])"]),
    ("no_metadata", ["top level", "(found ['array', 'object'])"]),
    ("no_records", ["element [1]", "total of 0", "(found 'null')"]),
    ("short", ["element [1]", "total of 33", "(found '32 records')", "a cut or edited download?"]),
    ("bad_vintage", ["'lastupdated' is not a date", "'July 2025'", "YYYY-MM-DD"]),
    ("no_date", ["record 5 (element [1][4])", "not a record of the API's shape (KeyError: 'date')"]),
    ("not_json", ["not valid JSON", "line 3 column 189"]),  # cut short in its third line
    ("nan", ["NaN is not a JSON value", "JSON has no NaN"]),
    ("empty", ["file is empty", "a CSV file with a header row, or the World Bank API v2 JSON response"]),
    ("xml", ["is XML or HTML, not CSV or JSON", "format=json"]),
])
def test_api_json_input_errors(tmp_path, name, fragments):
    path = _write(tmp_path, _bad(name))
    with pytest.raises(InputError) as err:
        read_records(adapter, [path])
    msg = str(err.value)
    assert str(path) in msg
    for fragment in fragments:
        assert fragment in msg, msg


@pytest.mark.realdata
@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/data")
def test_real_file_matches_provenance(env):
    raw, kept, rejects, ledger, obs = run([REAL], env)
    assert ledger["rows_in"] == 17195 and ledger["rows_kept"] == 14010
    assert ledger["rejected_by_reason"] == {"aggregate_not_a_country": 3185}  # 49 codes x 65 years
    value = obs[obs.period == "2023"].set_index("ref_area").value
    assert value[STUDY].to_dict() == {"NGA": 227882945, "NER": 26159867, "SEN": 18077573, "MAR": 37712505,
                                      "TUN": 12200431, "LBY": 7305659, "ITA": 58984216, "ESP": 48352528}
    assert obs[obs.ref_area.isin(STUDY)].groupby("ref_area").size().eq(65).all()
