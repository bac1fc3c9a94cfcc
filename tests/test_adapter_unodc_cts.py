import pytest
from medroutes.adapters import read as read_records
from medroutes.adapters import unodc_cts
from medroutes.clean import clean
from medroutes.errors import InputError
from medroutes.harmonise import harmonise

from .conftest import FIXTURES, RAW

XLSX = RAW / "unodc_cts" / "data_cts_corruption_and_economic_crime.xlsx"
BAD = FIXTURES / "bad" / "unodc_cts"
LABEL = "unodc_cts/data_cts_corruption_and_economic_crime.xlsx"
SHEET = "data_cts_corruption_and_economi"

# Proposed additions to config/indicators.yaml.
NEW_INDICATORS = {
    "smuggling_offences": {"unit": "offences", "label": "Police-recorded offences of smuggling of migrants"},
    "smuggling_offences_rate": {"unit": "per_100k", "label": "Smuggling of migrants offences per 100,000"},
}


def cleaned(path=XLSX):
    return clean(read_records(unodc_cts, [path]), unodc_cts.SPEC, raw_sha256={f"unodc_cts/{path.name}": "sha"})


@pytest.fixture(scope="module")
def observations(config, resolver, indicators):
    kept, _, _ = cleaned()
    return harmonise(kept, unodc_cts.SPEC, "unodc_cts", config["routes"], resolver,
                     {**indicators, **NEW_INDICATORS})[0]


def test_banner_rows_header_on_row_3_and_lineage():
    raw = read_records(unodc_cts, [XLSX])
    assert len(raw) == 22
    first = raw.iloc[0]
    assert (first["raw_file"], first["raw_row"], first["raw_ref"]) == (LABEL, 4, f"{LABEL} {SHEET}!row 4")
    assert (first["iso3_code"], first["category"], first["year"], first["unit"], first["value"]) == (
        "ESP", "Smuggling of migrants", "2016", "Counts", 512)
    assert raw.iloc[1]["rate"] == pytest.approx(1.102345) and raw.iloc[1]["count"] is None
    assert raw["raw_row"].iloc[-1] == 25


def test_only_smuggling_is_kept_and_the_rest_reconciles():
    kept, rejects, ledger = cleaned()
    assert ledger == {"rows_in": 22, "rows_kept": 12, "rows_rejected": 10,
                      "rejected_by_reason": {"out_of_scope_category": 8, "subnational_area": 2}}
    assert set(kept["category"]) == {"Smuggling of migrants"}
    detail = rejects.set_index("raw_row")["detail"]
    assert detail[18] == "Category 'Theft' is outside the study (only 'Smuggling of migrants' is kept)"
    assert "'Acts involving the movement of dumping of waste'" in detail[24]  # the other indicator
    assert "'GBR_S'" in detail[16] and "Scotland" in detail[16]
    assert kept["count"].dtype == "Int64" and kept["rate"].dtype == "Float64"


def test_counts_and_rates_are_two_indicators(observations):
    obs = observations
    assert len(obs) == 12
    got = {(r.indicator, r.unit, r.ref_area, r.period): r.value for r in obs.itertuples()}
    assert got[("smuggling_offences", "offences", "ITA", "2016")] == 1720.0
    assert got[("smuggling_offences_rate", "per_100k", "ITA", "2016")] == pytest.approx(2.843112)
    assert got[("smuggling_offences", "offences", "SEN", "2016")] == 14.0
    assert got[("smuggling_offences", "offences", "MAR", "2016")] == 2105.0
    assert sum(v for (i, _, a, _), v in got.items() if i == "smuggling_offences" and a == "ESP") == 512 + 530
    assert set(obs["ref_area"]) == {"ESP", "ITA", "MAR", "SEN"}
    for col, code in (("counterpart_area", "_T"), ("sex", "_T"), ("age", "_T"), ("dimension", "_T"),
                      ("category", "_T"), ("obs_status", "A"), ("freq", "A")):
        assert (obs[col] == code).all(), col
    assert obs["route"].isna().all()
    assert (obs.groupby("indicator").size() == 6).all()


def test_label_and_value_rejections():
    kept, rejects, ledger = cleaned(BAD / "bad_values.xlsx")
    assert ledger["rows_in"] == 10 and ledger["rows_kept"] == 2
    assert kept["raw_row"].tolist() == [4, 10] and kept["sex_code"].tolist() == ["_T", "M"]
    got = dict(zip(rejects["raw_row"], rejects["reason"], strict=True))
    assert got == {5: "unknown_unit", 6: "not_whole_number", 7: "missing_value", 8: "negative_count",
                   9: "unknown_indicator", 11: "unknown_sex", 12: "duplicate_record", 13: "not_a_number"}
    detail = rejects.set_index("raw_row")["detail"]
    assert "'Percent'" in detail[5] and "'Persons arrested'" in detail[9] and "'Homme'" in detail[11]
    assert "row 4" in detail[12]


def test_user_edited_copy_is_named():
    # the copy seen in another repository: sheet renamed, preamble removed
    with pytest.raises(InputError, match=rf"user_edited.xlsx.*sheet '{SHEET}' not found.*Corruption Altered"):
        read_records(unodc_cts, [BAD / "user_edited.xlsx"])


def test_missing_banner_is_named():
    with pytest.raises(InputError) as err:
        read_records(unodc_cts, [BAD / "no_banner.xlsx"])
    msg = str(err.value)
    assert "no_banner.xlsx" in msg and "cell A1" in msg and "'Iso3_code'" in msg and "'UNODC'" in msg


def test_renamed_value_column_is_named():
    with pytest.raises(InputError) as err:
        read_records(unodc_cts, [BAD / "renamed_column.xlsx"])
    msg = str(err.value)
    assert "renamed_column.xlsx" in msg and "row 3" in msg and "['VALUE']" in msg and "'txtVALUE'" in msg


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated zip"])
def test_empty_or_corrupt_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "unodc_cts" / XLSX.name
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(InputError, match=XLSX.name):
        read_records(unodc_cts, [path])


def test_fixtures_stay_small():
    assert XLSX.stat().st_size < 20_000
