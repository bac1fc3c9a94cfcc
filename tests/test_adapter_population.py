"""World Bank population adapter: read -> clean -> harmonise on hand-written fixtures."""

from __future__ import annotations

from pathlib import Path

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
