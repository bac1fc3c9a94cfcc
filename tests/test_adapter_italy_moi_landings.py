"""Italian MoI landings (onData extraction): read -> clean -> harmonise on hand-written fixtures."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from medroutes.adapters import italy_moi_landings as adapter
from medroutes.adapters import read as read_records
from medroutes.clean import clean
from medroutes.errors import InputError
from medroutes.harmonise import harmonise
from medroutes.resolve import CountryResolver

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "tests" / "fixtures" / "raw" / "italy_moi_landings"
BAD = ROOT / "tests" / "fixtures" / "bad" / "italy_moi_landings"
SOURCE = "italy_moi_landings"
DAILY = "italy_moi_landings/sbarchi-per-giorno.csv"
NAT = "italy_moi_landings/nazionalita.csv"
FILES = ["anagrafica-report.csv", "italian-immigration-datapackage.json", "nazionalita.csv",
         "sbarchi-per-giorno.csv"]

# Proposed additions to config/ (see the handoff), applied inline until the integrator merges them.
PROPOSED_INDICATORS = {
    "sea_arrivals": {"unit": "persons", "label": "Persons arriving by sea (landed)"},
    "sea_arrivals_ytd": {"unit": "persons", "label": "Persons arrived by sea since 1 January, at the date"},
}
PROPOSED_ALIASES = {
    "altre": "_O", "Costa d'Avorio": "CIV", "Camerun": "CMR", "Egitto": "EGY", "Etiopia": "ETH",
    "Siria": "SYR", "Turchia": "TUR", "Ucraina": "UKR", "Libia": "LBY",
}


def _yaml(name: str) -> dict:
    return yaml.safe_load((ROOT / "config" / name).read_text(encoding="utf-8"))


def _sha(paths: list[Path]) -> dict[str, str]:
    return {f"{p.parent.name}/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def _run(paths: list[Path]):
    raw = read_records(adapter, paths)
    kept, rejects, ledger = clean(raw, adapter.SPEC, raw_sha256=_sha(paths))
    return raw, kept, rejects, ledger


def _harmonise(kept: pd.DataFrame) -> pd.DataFrame:
    config = _yaml("config.yaml")
    aliases = {**_yaml("country_aliases.yaml"), **PROPOSED_ALIASES}
    indicators = {**_yaml("indicators.yaml")["indicators"], **PROPOSED_INDICATORS}
    return harmonise(kept, adapter.SPEC, SOURCE, config["routes"],
                     CountryResolver(aliases, config.get("areas")), indicators)[0]


@pytest.fixture(scope="module")
def demo():
    return _run([RAW / f for f in FILES])


@pytest.fixture(scope="module")
def obs(demo):
    return _harmonise(demo[1])


def _reject(rejects: pd.DataFrame, row: int, file: str = DAILY) -> pd.Series:
    hit = rejects[(rejects["raw_file"] == file) & (rejects["raw_row"] == row)]
    assert len(hit) == 1, f"expected one reject for {file} row {row}"
    return hit.iloc[0]


def test_read_layout_and_lineage(demo):
    raw = demo[0]
    # metadata files yield no records: 26 daily + 19 nationality rows
    assert raw["raw_file"].value_counts().to_dict() == {DAILY: 26, NAT: 19}
    first = raw[raw["raw_file"] == DAILY].iloc[0]
    assert (first["raw_row"], first["raw_ref"]) == (2, f"{DAILY} row 2")  # header is row 1
    assert (first["period"], first["report_date"], first["persons"]) == ("2016-12-12", "2016-12-15", "412")
    assert first["counterpart"] == "_T"
    civ = raw[(raw["raw_file"] == NAT) & (raw["nationality"] == "Costa d'Avorio")].iloc[0]
    assert (civ["iso_code"], civ["counterpart"], civ["raw_row"]) == ("CI", "CI", 5)
    other = raw[(raw["raw_file"] == NAT) & (raw["nationality"] == "altre")].iloc[0]
    assert pd.isna(other["iso_code"]) and other["counterpart"] == "altre"  # no code: goes by name


def test_ledger_reconciles_with_every_reason(demo):
    raw, kept, rejects, ledger = demo
    assert ledger == {"rows_in": 45, "rows_kept": 32, "rows_rejected": 13, "rejected_by_reason": {
        "date_after_report": 7, "invalid_period": 2, "superseded_conflicting_value": 2,
        "superseded_same_value": 2}}
    # nothing silently lost: every raw row is kept or rejected, once
    seen = pd.concat([kept[["raw_file", "raw_row"]], rejects[["raw_file", "raw_row"]]])
    assert not seen.duplicated().any() and len(seen) == len(raw)


def test_one_winner_per_date_from_the_latest_report(demo):
    kept = demo[1]
    daily = kept[kept["table"] == "sbarchi-per-giorno"]
    assert daily["period"].is_unique
    got = dict(zip(daily["period"], daily["persons"].astype(int), strict=True))
    assert got == {"2016-12-12": 412, "2016-12-13": 0, "2016-12-14": 1093, "2016-12-15": 233,
                   "2016-12-16": 58, "2016-12-17": 0, "2016-12-18": 671, "2016-12-31": 95,
                   "2017-01-01": 0, "2017-01-02": 128, "2017-01-03": 1502, "2017-01-15": 37,
                   "2017-02-14": 264}
    # the report of the 31st (24:00 cut-off note) wins December; its note is kept as printed
    dec14 = daily[daily["period"] == "2016-12-14"].iloc[0]
    assert dec14["report_date"] == "2016-12-31" and "ore 24:00" in dec14["note"]


def test_superseded_rows_name_both_reports_and_values(demo):
    rejects = demo[2]
    same = _reject(rejects, 2)  # 2016-12-12: 412 in both reports
    assert same["reason"] == "superseded_same_value"
    assert same["detail"] == ("Data 2016-12-12: Valore '412' of the report of 2016-12-15 is superseded "
                              f"by the report of 2016-12-31 (Valore '412', {DAILY} row 10)")
    conflict = _reject(rejects, 4)  # 2016-12-14: 1087 revised to 1093
    assert conflict["reason"] == "superseded_conflicting_value"
    assert "'1087'" in conflict["detail"] and "'1093'" in conflict["detail"]
    assert "2016-12-15" in conflict["detail"] and "2016-12-31" in conflict["detail"]
    # the report's own day, printed 0 on the 15th and filled in by the month-end report
    assert _reject(rejects, 5)["reason"] == "superseded_conflicting_value"
    assert json.loads(conflict["record"])["report_date"] == "2016-12-15"


def test_days_not_reached_are_rejected_whatever_they_hold(demo):
    rejects = demo[2]
    after = rejects[rejects["reason"] == "date_after_report"]
    assert sorted(after["raw_row"]) == [6, 7, 8, 9, 22, 23, 24]
    blank = _reject(rejects, 8)  # 2016-12-18 printed blank in the report of the 15th
    assert blank["detail"] == ("Data 2016-12-18 is after Data_Report 2016-12-15: a day the report had "
                               "not reached (Valore blank)")
    assert "'0[VALORE]0'" in _reject(rejects, 22)["detail"]  # the malformed placeholder
    # grid days that do not exist are not real dates: clean.py rejects them
    for row, day in ((26, "2017-02-29"), (27, "2017-02-30")):
        r = _reject(rejects, row)
        assert (r["reason"], r["column"], r["value"]) == ("invalid_period", "period", day)


def test_daily_observations(obs):
    daily = obs[obs["indicator"] == "sea_arrivals"]
    assert len(daily) == 13
    assert set(daily["ref_area"]) == {"ITA"} and set(daily["counterpart_area"]) == {"_T"}
    assert daily["route"].isna().all()  # route left null on purpose
    assert set(daily["freq"]) == {"D"} and set(daily["obs_status"]) == {"P"}
    assert set(daily["unit"]) == {"persons"}
    assert daily.groupby(daily["period"].str[:4])["value"].sum().to_dict() == {"2016": 2562.0,
                                                                                "2017": 1931.0}
    row = daily[daily["period"] == "2016-12-15"].iloc[0]
    assert (row["value"], row["raw_ref"]) == (233.0, f"{DAILY} row 13")
    assert len(row["raw_sha256"]) == 64


def test_year_to_date_observations(obs):
    ytd = obs[obs["indicator"] == "sea_arrivals_ytd"]
    assert len(ytd) == 19 and set(ytd["freq"]) == {"D"} and set(ytd["obs_status"]) == {"A"}
    end = ytd[ytd["period"] == "2016-12-31"].set_index("counterpart_area")["value"].to_dict()
    assert end == {"NGA": 37510.0, "ERI": 20715.0, "GIN": 13290.0, "CIV": 12360.0, "SEN": 10280.0,
                   "EGY": 6250.0, "_O": 81190.0}
    assert sum(end.values()) == 181595.0  # the report's year total
    jan = ytd[ytd["period"] == "2017-01-15"].set_index("counterpart_area")["value"]
    assert jan["CMR"] == 97.0 and jan["MAR"] == 214.0  # stocks restart on 1 January


def test_malformed_values_never_win():
    paths = [BAD / "values" / "sbarchi-per-giorno.csv", BAD / "values" / "nazionalita.csv"]
    raw, kept, rejects, ledger = _run(paths)
    assert ledger["rows_in"] == 15 and ledger["rows_kept"] == 6
    assert ledger["rejected_by_reason"] == {"invalid_period": 1, "missing_value": 4, "negative_count": 1,
                                            "not_a_number": 3}
    daily = kept[kept["table"] == "sbarchi-per-giorno"]
    # a later report's blank or 0[VALORE]0 does not replace an earlier well-formed figure
    assert dict(zip(daily["period"], daily["persons"].astype(int), strict=True)) == {
        "2017-03-01": 150, "2017-03-02": 80, "2017-03-05": 12}
    assert dict(zip(daily["period"], daily["report_date"], strict=True))["2017-03-01"] == "2017-03-15"
    by_row = rejects[rejects["raw_file"] == "values/sbarchi-per-giorno.csv"].set_index("raw_row")
    assert (by_row.loc[6, "reason"], by_row.loc[6, "column"]) == ("missing_value", "persons")
    assert (by_row.loc[7, "reason"], by_row.loc[7, "value"]) == ("not_a_number", "0[VALORE]0")
    # 2017-03-03 has no well-formed figure in any report: both rows rejected, no value kept
    assert (by_row.loc[4, "reason"], by_row.loc[8, "reason"]) == ("missing_value", "not_a_number")
    # a report date that is not a real date takes no part in the choice
    assert (by_row.loc[5, "reason"], by_row.loc[5, "value"]) == ("invalid_period", "2017-03-32")
    assert by_row.loc[10, "reason"] == "negative_count"
    assert (by_row.loc[11, "reason"], by_row.loc[11, "column"]) == ("missing_value", "period")


def test_nationality_falls_back_to_the_italian_name():
    raw, kept, rejects, _ = _run([BAD / "values" / "nazionalita.csv"])
    by_row = rejects.set_index("raw_row")
    assert (by_row.loc[3, "reason"], by_row.loc[3, "value"]) == ("not_a_number", "n.d.")
    assert (by_row.loc[4, "reason"], by_row.loc[4, "column"]) == ("missing_value", "counterpart")
    ytd = _harmonise(kept).set_index("raw_row")["counterpart_area"].to_dict()
    assert ytd == {2: "LBY", 5: "GIN", 6: "_O"}


def test_two_rows_of_one_date_in_the_winning_report():
    paths = [BAD / "duplicates" / "sbarchi-per-giorno.csv", BAD / "duplicates" / "nazionalita.csv"]
    raw, kept, rejects, ledger = _run(paths)
    assert ledger["rejected_by_reason"] == {"conflicting_duplicate": 2, "superseded_same_value": 1}
    by_row = rejects[rejects["raw_file"] == "duplicates/sbarchi-per-giorno.csv"].set_index("raw_row")
    # the adapter names the first row of the winning report; clean.py keeps that one
    assert "duplicates/sbarchi-per-giorno.csv row 3" in by_row.loc[2, "detail"]
    assert by_row.loc[4, "reason"] == "conflicting_duplicate"
    assert sorted(kept["persons"].astype(int)) == [45, 300]


def test_only_metadata_files_give_an_empty_table():
    paths = [RAW / "anagrafica-report.csv", RAW / "italian-immigration-datapackage.json"]
    raw, kept, rejects, ledger = _run(paths)
    assert ledger["rows_in"] == 0 and ledger["rows_kept"] == 0 and kept.empty


@pytest.mark.parametrize("rel, needles", [
    ("empty/sbarchi-per-giorno.csv", ["empty/sbarchi-per-giorno.csv", "file is empty"]),
    ("renamed/nazionalita.csv", ["renamed/nazionalita.csv", "line 1", "ISO_3166-1", "'ISO'"]),
    ("latin1/nazionalita.csv", ["latin1/nazionalita.csv", "line 2", "utf-8"]),
    ("ragged/sbarchi-per-giorno.csv", ["ragged/sbarchi-per-giorno.csv", "line 3", "saw 6"]),
    ("accoglienza.csv", ["accoglienza.csv", "not a file of this source", "sbarchi-per-giorno.csv"]),
])
def test_input_errors_name_file_and_value(rel, needles):
    with pytest.raises(InputError) as err:
        read_records(adapter, [BAD / rel])
    for needle in needles:
        assert needle in str(err.value)
