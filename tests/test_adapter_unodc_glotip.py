import zipfile

import openpyxl
import pandas as pd
import pytest
from medroutes.adapters import read as read_records
from medroutes.adapters import unodc_glotip
from medroutes.clean import clean
from medroutes.errors import InputError, ResolveError
from medroutes.harmonise import OBS_KEY, harmonise
from medroutes.resolve import CountryResolver

from .conftest import FIXTURES, RAW

XLSX = RAW / "unodc_glotip" / "data_glotip.xlsx"
BAD = FIXTURES / "bad" / "unodc_glotip"
LABEL = "unodc_glotip/data_glotip.xlsx"

# Proposed additions to config/country_aliases.yaml that the fixture needs (the full list is in the handoff).
NEW_ALIASES = {"MARRUECOS": "MAR", "HONDURE\ufffdA": "HND", "NO DETERMINADA": "_U", "N/A": "_U",
               "Costa d'Avorio": "CIV"}
# Proposed additions to config/indicators.yaml.
NEW_INDICATORS = {
    "trafficking_victims_detected": {"unit": "persons", "label": "Detected victims of trafficking"},
    "trafficking_persons_formal_contact": {"unit": "persons", "label": "Persons brought into formal contact"},
    "trafficking_persons_prosecuted": {"unit": "persons", "label": "Persons prosecuted for trafficking"},
    "trafficking_persons_convicted": {"unit": "persons", "label": "Persons convicted of trafficking"},
    "trafficking_offences": {"unit": "offences", "label": "Offences of trafficking in persons"},
}


def cleaned(path=XLSX):
    return clean(read_records(unodc_glotip, [path]), unodc_glotip.SPEC,
                 raw_sha256={f"unodc_glotip/{path.name}": "sha"})


@pytest.fixture(scope="module")
def glotip_resolver(config):
    import yaml

    from .conftest import REPO

    aliases = yaml.safe_load((REPO / "config" / "country_aliases.yaml").read_text(encoding="utf-8"))
    return CountryResolver({**aliases, **NEW_ALIASES}, config["areas"])


@pytest.fixture(scope="module")
def observations(config, glotip_resolver, indicators):
    kept, _, _ = cleaned()
    return harmonise(kept, unodc_glotip.SPEC, "unodc_glotip", config["routes"], glotip_resolver,
                     {**indicators, **NEW_INDICATORS})[0]


def test_banner_rows_and_bad_dimension_tag_are_read_with_lineage():
    # the package quirks of the real file: <dimension ref="A1"/> and a drawing the zip lacks
    ro = openpyxl.load_workbook(XLSX, read_only=True)
    assert (ro.active.max_row, ro.active.max_column) == (1, 1)
    ro.close()
    with pytest.raises(KeyError, match="drawing1.xml"):
        openpyxl.load_workbook(XLSX)
    raw = read_records(unodc_glotip, [XLSX])
    assert len(raw) == 33  # rows 4..36, every data row
    first = raw.iloc[0]
    assert (first["raw_file"], first["raw_row"]) == (LABEL, 4)
    assert first["raw_ref"] == f"{LABEL} data_glotip_1!row 4"
    assert (first["iso3_code"], first["indicator"], first["year"]) == (
        "NGA", "Detected trafficking victims", "2016")
    assert raw["raw_row"].iloc[-1] == 36


def test_txtvalue_text_is_parsed_in_the_adapter():
    raw = read_records(unodc_glotip, [XLSX]).set_index("raw_row")
    assert (raw.loc[4, "value_text"], raw.loc[4, "value"], raw.loc[4, "obs_status"]) == ("1,240", "1240", "A")
    assert (raw.loc[5, "value_text"], raw.loc[5, "value"], raw.loc[5, "obs_status"]) == ("<5", None, "C")
    assert raw.loc[6, "value"] == "37"
    # pandas' default NA strings would turn these citizenship labels into NaN
    assert raw.loc[25, "category"] == "N/A" and raw.loc[26, "category"] == "NA"
    assert raw.loc[22, "category"] is None or pd.isna(raw.loc[22, "category"])  # a really blank cell


def test_clean_ledger_reconciles_with_every_rejection_reason():
    kept, rejects, ledger = cleaned()
    assert ledger == {"rows_in": 33, "rows_kept": 22, "rows_rejected": 11, "rejected_by_reason": {
        "ambiguous_duplicate_key": 2, "citizenship_label_missing": 1, "citizenship_total": 1,
        "missing_value": 1, "questionnaire_code": 2, "repatriation_direction_unknown": 2,
        "unresolvable_citizenship": 2}}
    by_row = rejects.set_index("raw_row")
    assert by_row.loc[[11, 12], "reason"].tolist() == ["ambiguous_duplicate_key"] * 2
    assert "txtVALUE 12, <5" in by_row.loc[11, "detail"]
    assert by_row.loc[21, "reason"] == "unresolvable_citizenship" and "'Asia'" in by_row.loc[21, "detail"]
    assert "a number" in by_row.loc[27, "detail"]
    assert by_row.loc[22, "reason"] == "citizenship_label_missing"
    assert by_row.loc[23, "reason"] == "citizenship_total"
    assert by_row.loc[[28, 29], "reason"].tolist() == ["repatriation_direction_unknown"] * 2
    assert "'Q6.1_10s_2017'" in by_row.loc[30, "detail"]
    assert "Q6.1_1s_2017" in by_row.loc[31, "detail"] and "'6,112,017'" in by_row.loc[31, "detail"]
    # Sark has no Iso3_code: rejected by clean.py, naming the column
    assert (by_row.loc[36, "reason"], by_row.loc[36, "column"]) == ("missing_value", "iso3_code")
    assert '"country": "Sark"' in by_row.loc[36, "record"]
    assert kept["value"].dtype == "Int64" and kept.loc[kept["raw_row"] == 4, "value"].item() == 1240


def test_harmonised_dimensions(observations):
    obs = observations.set_index("raw_row")
    assert len(observations) == 22  # one observation per kept row
    total = obs.loc[4]
    assert (total["indicator"], total["ref_area"], total["counterpart_area"], total["sex"], total["age"],
            total["dimension"], total["category"], total["period"], total["freq"], total["value"],
            total["unit"], total["obs_status"]) == (
        "trafficking_victims_detected", "NGA", "_T", "_T", "_T", "_T", "_T", "2016", "A", 1240.0, "persons",
        "A")
    assert (obs.loc[5, "sex"], obs.loc[5, "age"], obs.loc[5, "obs_status"]) == ("F", "child", "C")
    assert pd.isna(obs.loc[5, "value"])
    assert (obs.loc[6, "sex"], obs.loc[6, "age"]) == ("M", "adult")
    assert (obs.loc[7, "sex"], obs.loc[8, "sex"], obs.loc[8, "age"]) == ("_O", "_U", "_U")
    assert (obs.loc[9, "dimension"], obs.loc[9, "category"], obs.loc[9, "value"]) == (
        "form_of_exploitation", "sexual_exploitation", 415.0)
    assert obs.loc[10, "category"] == "forced_labour"
    # null values only where UNODC suppressed the count
    assert (observations["value"].isna() == observations["obs_status"].eq("C")).all()
    assert observations["route"].isna().all()


def test_citizenship_resolves_every_language(observations):
    cp = observations.set_index("raw_row")["counterpart_area"]
    assert cp[13] == "NGA"                        # Nigeria
    assert cp[14] == "ITA"                        # Nationals -> the reporting country
    assert cp[15] == "CIV"                        # Costa d'Avorio (alias)
    assert cp[16] == "ESP"                        # Ciudadanos de su pa\ufffds -> the reporting country
    assert cp[17] == "MAR"                        # MARRUECOS (alias)
    assert cp[18] == "HND"                        # HONDURE\ufffdA (alias with U+FFFD)
    assert cp[19] == "CIV"                        # C\ufffdTE D'IVOIRE (country_converter)
    assert cp[20] == "_U" and cp[25] == "_U"      # NO DETERMINADA, N/A
    assert cp[26] == "NAM"                        # NA is Namibia, not a missing value
    assert observations.loc[observations["raw_row"] == 13, "value"].item() == 1052.0


def test_indicator_kinds_and_units(observations):
    got = {(r.indicator, r.unit): r.value for r in observations[observations["raw_row"] >= 32].itertuples()}
    assert got == {("trafficking_persons_prosecuted", "persons"): 1310.0,
                   ("trafficking_persons_convicted", "persons"): 268.0,
                   ("trafficking_persons_formal_contact", "persons"): 410.0,
                   ("trafficking_offences", "offences"): 1004.0}


def test_unmapped_citizenship_fails_naming_the_value(config, resolver, indicators):
    kept, _, _ = cleaned()
    without = CountryResolver({k: v for k, v in resolver.aliases.items() if k != "marruecos"}, config["areas"])
    with pytest.raises(ResolveError, match=r"'MARRUECOS' \(1 rows\)"):
        harmonise(kept, unodc_glotip.SPEC, "unodc_glotip", config["routes"], without,
                  {**indicators, **NEW_INDICATORS})


def test_label_and_value_rejections():
    kept, rejects, ledger = cleaned(BAD / "bad_labels.xlsx")
    assert ledger["rows_in"] == 14 and ledger["rows_kept"] == 1
    assert kept["raw_row"].tolist() == [4]
    got = dict(zip(rejects["raw_row"], rejects["reason"], strict=True))
    assert got == {5: "unknown_sex", 6: "unknown_age", 7: "unknown_indicator", 8: "unknown_dimension",
                   9: "unknown_category", 10: "unknown_category", 11: "not_a_number", 12: "missing_value",
                   13: "not_a_number", 14: "invalid_period", 15: "unexpected_unit",
                   16: "ambiguous_duplicate_key", 17: "ambiguous_duplicate_key"}
    detail = rejects.set_index("raw_row")["detail"]
    assert "'Femmes'" in detail[5] and "'Organ removal'" in detail[9] and "'Rate per 100,000" in detail[15]
    assert rejects.set_index("raw_row").loc[13, "value"] == "1,5"  # not a thousands separator


def test_missing_banner_is_named():
    with pytest.raises(InputError) as err:
        read_records(unodc_glotip, [BAD / "no_banner.xlsx"])
    msg = str(err.value)
    assert "no_banner.xlsx" in msg and "cell A1" in msg and "'Iso3_code'" in msg and "'UNODC'" in msg


def test_renamed_value_column_is_named():
    with pytest.raises(InputError) as err:
        read_records(unodc_glotip, [BAD / "renamed_column.xlsx"])
    msg = str(err.value)
    assert "renamed_column.xlsx" in msg and "row 3" in msg and "['txtVALUE']" in msg and "'VALUE'" in msg


def test_wrong_sheet_is_named():
    with pytest.raises(InputError, match=r"wrong_sheet.xlsx.*sheet 'data_glotip_1' not found.*Sheet1"):
        read_records(unodc_glotip, [BAD / "wrong_sheet.xlsx"])


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated zip", b"Iso3_code,Country\nITA,Italy\n"])
def test_empty_or_corrupt_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "unodc_glotip" / XLSX.name
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(InputError, match="data_glotip.xlsx"):
        read_records(unodc_glotip, [path])


def test_fixtures_stay_small():
    assert XLSX.stat().st_size < 20_000
    assert zipfile.is_zipfile(XLSX)


def test_two_spellings_of_one_citizenship_are_one_observation_not_two(config, glotip_resolver, indicators):
    """Issue 9, case 8: UNODC's "Nationals" and "Solomon Islands" rows both became counterpart SLB, so a sum
    by counterpart counted them twice. The repeat is now a reject the ledger counts; a disagreeing one keeps
    neither row."""
    kept, _, _ = cleaned()
    own = kept[kept["raw_row"] == 14]  # ITA, citizenship "Nationals" -> ITA, 9 victims in 2017
    same = own.assign(citizenship="Italy", raw_row=900, raw_ref="data_glotip_1!row 900")
    other = kept[kept["raw_row"] == 17]  # ESP, MARRUECOS, 31
    differs = other.assign(citizenship="Morocco", value=32, raw_row=901, raw_ref="data_glotip_1!row 901")
    obs, rejects = harmonise(pd.concat([kept, same, differs], ignore_index=True), unodc_glotip.SPEC,
                             "unodc_glotip", config["routes"], glotip_resolver, {**indicators, **NEW_INDICATORS})
    assert not obs.duplicated(OBS_KEY).any()
    assert (obs.loc[(obs["ref_area"] == "ITA") & (obs["counterpart_area"] == "ITA"), "raw_row"].tolist() == [14])
    assert not ((obs["ref_area"] == "ESP") & (obs["counterpart_area"] == "MAR") & (obs["period"] == "2016")).any()
    by_row = rejects.set_index("raw_row")
    assert by_row.loc[900, "reason"] == "duplicate_observation"
    assert "counterpart 'Italy' harmonises to the same observation as" in by_row.loc[900, "detail"]
    assert "with the same value: counted once" in by_row.loc[900, "detail"]
    assert set(by_row.index[by_row["reason"] == "conflicting_observations"]) == {17, 901}
    assert "value 32.0 (status A) against 31.0 (status A): neither is kept" in by_row.loc[901, "detail"]
    assert len(obs) + len(rejects) == len(kept) + 2  # nothing lost: every observation kept or rejected


def test_rows_the_harmonised_codes_merge_stay_distinct_by_their_own_labels(observations):
    """Issue 9, case 8: categories merged into _O keep their own text, so they are not taken for repeats."""
    assert not observations.duplicated(OBS_KEY).any()
    other = observations[observations["counterpart_area"] == "_O"]
    assert (other["counterpart_label"] != "_T").all()
    named = ~observations["counterpart_area"].isin(["_O", "_U"])
    assert (observations.loc[named, "counterpart_label"] == "_T").all()
