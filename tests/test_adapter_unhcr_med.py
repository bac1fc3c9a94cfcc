"""unhcr_med adapter: invented fixtures in the native layouts -> read -> clean -> harmonise."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
import yaml
from medroutes.adapters import read as read_records
from medroutes.adapters import unhcr_med
from medroutes.clean import clean
from medroutes.errors import InputError
from medroutes.harmonise import harmonise
from medroutes.resolve import CountryResolver

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "tests" / "fixtures" / "raw" / "unhcr_med"
BAD = ROOT / "tests" / "fixtures" / "bad" / "unhcr_med"
REAL = ROOT.parent / "shared" / "data" / "unhcr_med"
XLSX, CSV = "unhcr med data 12 31.xlsx", "unhcr_arrivals_12_31.csv"
SID = "unhcr_med"

# Proposed config additions (see the handoff); inline until the integrator adds them to config/*.yaml.
ROUTE_LABELS = {"central_mediterranean": ["Italy", "Malta"], "western_mediterranean": ["Spain"]}
ALIASES = {"OTH": "_O", "Others": "_O"}
INDICATORS = {
    "arrivals": {"unit": "persons", "label": "Arrivals (UNHCR monthly totals)"},
    "arrivals_by_nationality": {"unit": "persons", "label": "Arrivals by nationality (UNHCR)"},
}


@pytest.fixture(scope="module")
def config():
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    for route, labels in ROUTE_LABELS.items():
        cfg["routes"][route]["source_labels"][SID] = labels
    aliases = yaml.safe_load((ROOT / "config" / "country_aliases.yaml").read_text()) | ALIASES
    indicators = yaml.safe_load((ROOT / "config" / "indicators.yaml").read_text())["indicators"] | INDICATORS
    return {"routes": cfg["routes"], "resolver": CountryResolver(aliases, cfg["areas"]),
            "indicators": indicators, "thresholds": cfg["thresholds"]}


def _sha(paths):
    return {f"{p.parent.name}/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def run(paths, config):
    raw = read_records(unhcr_med, paths)
    kept, rejects, ledger = clean(raw, unhcr_med.SPEC, raw_sha256=_sha(paths),
                                  max_count=config["thresholds"]["max_count"],
                                  max_period=config["thresholds"]["max_period"])
    obs, _ = harmonise(kept, unhcr_med.SPEC, SID, config["routes"], config["resolver"], config["indicators"])
    return raw, kept, rejects, ledger, obs


@pytest.fixture(scope="module")
def demo(config):
    return run([RAW / XLSX, RAW / CSV], config)


def by_year(obs, indicator, ref_area, category="_T"):
    sel = obs[(obs["indicator"] == indicator) & (obs["ref_area"] == ref_area) & (obs["category"] == category)]
    return sel.groupby(sel["period"].str[:4])["value"].sum().to_dict()


# --- the demo files: every layout quirk read, nothing rejected -------------------------------------

def test_demo_reads_every_record_with_lineage(demo):
    raw, kept, rejects, ledger, _ = demo
    # 31 Italy rows + 21 Spain rows; 24 CSV lines x 9 series columns
    assert raw.groupby("raw_file").size().to_dict() == {f"unhcr_med/{XLSX}": 52, f"unhcr_med/{CSV}": 216}
    assert ledger == {"rows_in": 268, "rows_kept": 268, "rows_rejected": 0, "rejected_by_reason": {}}
    first = raw.iloc[0]
    assert (first["raw_row"], first["raw_ref"]) == (2, f"unhcr_med/{XLSX} Arrivals - Italy!row 2")
    spain = raw[raw["raw_ref"].str.contains("Arrivals - Spain")]
    assert spain["raw_row"].tolist() == list(range(2, 23))
    csv = raw[raw["raw_file"] == f"unhcr_med/{CSV}"]
    assert csv.iloc[0]["raw_ref"] == f"unhcr_med/{CSV} row 2, column italy_all"
    assert csv["raw_row"].min() == 2 and csv["raw_row"].max() == 25
    assert kept["raw_sha256"].notna().all()


def test_demo_files_have_the_native_quirks():
    data = (RAW / CSV).read_bytes()
    assert data.startswith(b"\xef\xbb\xbfmonth,year,month-year,") and b"\r\n" in data
    assert not data.endswith(b"\n") and b",NA," in data
    book = pd.ExcelFile(RAW / XLSX)
    assert {"COMBINED", "Source", "greece comp", "italy comp", "Sheet4", "Arrivals - Greece"} <= set(
        book.sheet_names)
    italy = book.parse("Arrivals - Italy")
    assert italy["Month Name"].isna().sum() == 4  # formula cells without a cached value
    assert "Month name" in book.parse("Arrivals - Spain").columns


def test_only_the_unhcr_sheets_are_read(demo):
    raw = demo[0]
    xlsx = raw[raw["table"] == "by_nationality"]
    assert sorted(xlsx["destination"].unique()) == ["Italy", "Spain"]
    # the decoy COMBINED sheet holds 999s; none of them is read
    assert not (raw["arrivals"].astype(str) == "999").any()


def test_month_number_is_used_when_month_name_is_uncached(demo):
    kept = demo[1]
    nga = kept[(kept["destination"] == "Italy") & (kept["citizenship"] == "NGA")]
    assert nga["period"].tolist() == ["2016-01", "2016-02", "2017-01", "2017-02"]
    assert nga["arrivals"].tolist() == [410, 385, 702, 655]


def test_na_cells_are_kept_without_an_observation(demo):
    _, kept, _, _, obs = demo
    totals = kept[kept["table"] == "monthly_totals"]
    na = totals[totals["arrivals"].isna()]
    # spain_sea + spain_land in 2016 (24), cyprus_all (13), malta_all Jul-2016..Dec-2017 (18)
    assert len(na) == 55
    assert na.groupby("destination").size().to_dict() == {"Cyprus": 13, "Malta": 18, "Spain": 24}
    malta = obs[(obs["indicator"] == "arrivals") & (obs["ref_area"] == "MLT")]
    assert malta["period"].tolist() == [f"2016-0{m}" for m in range(1, 7)]
    assert (malta["value"] == 0).all()
    assert not obs["raw_ref"].isin(na["raw_ref"]).any()


# --- harmonised observations -------------------------------------------------------------------------

def test_observation_counts_and_codes(demo):
    obs = demo[4]
    assert obs.groupby("indicator").size().to_dict() == {"arrivals": 161, "arrivals_by_nationality": 52}
    assert set(obs["freq"]) == {"M"} and set(obs["obs_status"]) == {"A"} and set(obs["unit"]) == {"persons"}
    totals = obs[obs["indicator"] == "arrivals"]
    assert set(totals["counterpart_area"]) == {"_T"} and set(totals["dimension"]) == {"mode"}
    assert set(totals["ref_area"]) == {"ITA", "ESP", "GRC", "CYP", "MLT"}
    nat = obs[obs["indicator"] == "arrivals_by_nationality"]
    assert set(nat["dimension"]) == {"_T"} and set(nat["category"]) == {"_T"}
    assert set(nat["counterpart_area"]) == {"NGA", "SEN", "TUN", "MAR", "CIV", "SYR", "LBY", "GIN", "DZA",
                                            "COD", "VEN", "_O"}


def test_routes(demo):
    obs = demo[4]
    route = obs.drop_duplicates("ref_area").set_index("ref_area")["route"]
    assert route["ITA"] == "central_mediterranean" and route["MLT"] == "central_mediterranean"
    assert route["ESP"] == "western_mediterranean"
    assert pd.isna(route["GRC"]) and pd.isna(route["CYP"])  # Eastern Mediterranean: not a study route


def test_totals_and_by_nationality_stay_apart(demo):
    obs = demo[4]
    assert by_year(obs, "arrivals", "ITA") == {"2016": 30988, "2017": 22500}
    assert by_year(obs, "arrivals_by_nationality", "ITA") == {"2016": 1499, "2017": 2781}
    assert by_year(obs, "arrivals", "ESP") == {"2016": 5750, "2017": 17737}
    assert by_year(obs, "arrivals", "ESP", "sea") == {"2017": 16070}
    assert by_year(obs, "arrivals", "ESP", "land") == {"2017": 1667}
    # a route x year sum of the totals (category _T) counts each month once
    central = obs[(obs["indicator"] == "arrivals") & (obs["route"] == "central_mediterranean")
                  & (obs["category"] == "_T") & obs["period"].str.startswith("2016")]
    assert central["value"].sum() == 30988  # Italy + Malta's zeros


def test_sea_plus_land_is_all_where_split(demo):
    obs = demo[4]
    esp = obs[(obs["indicator"] == "arrivals") & (obs["ref_area"] == "ESP")]
    wide = esp.pivot(index="period", columns="category", values="value").dropna()
    assert len(wide) == 12 and (wide["sea"] + wide["land"] == wide["_T"]).all()


def test_others_and_late_row(demo):
    obs = demo[4]
    nat = obs[obs["indicator"] == "arrivals_by_nationality"]
    ven = nat[nat["counterpart_area"] == "VEN"].iloc[0]
    assert (ven["ref_area"], ven["period"], ven["value"]) == ("ESP", "2017-01", 0)
    assert ven["raw_ref"] == f"unhcr_med/{XLSX} Arrivals - Spain!row 22"
    oth = nat[(nat["counterpart_area"] == "_O") & (nat["ref_area"] == "ESP")]
    assert oth["value"].sum() == 161
    # Libya lacks one month, as in the real sheet: no row, no observation
    assert (nat["counterpart_area"] == "LBY").sum() == 3


# --- rejections --------------------------------------------------------------------------------------

def test_bad_workbook_values(config):
    raw, kept, rejects, ledger, obs = run([BAD / "bad_values.xlsx"], config)
    # 11 Italy rows of which one is wholly empty (not a record) + 2 Spain rows
    assert ledger["rows_in"] == 12 and ledger["rows_kept"] == 6
    assert ledger["rejected_by_reason"] == {"invalid_period": 1, "missing_count": 1, "missing_value": 2,
                                            "negative_count": 1, "not_a_number": 1}
    got = rejects.set_index("raw_row")[["reason", "column", "value"]]
    assert got.loc[5].tolist() == ["invalid_period", "period", "2016-13"]
    assert got.loc[6, "reason"] == "missing_count"
    detail = rejects.set_index("raw_row").loc[6, "detail"]
    assert "'Number of individuals arrived' is empty for LBY 2016-01" in detail
    assert got.loc[7].tolist() == ["not_a_number", "arrivals", "1,2"]
    assert got.loc[8].tolist() == ["negative_count", "arrivals", "-4"]
    assert got.loc[11].tolist()[:2] == ["missing_value", "citizenship"]
    assert got.loc[12].tolist()[:2] == ["missing_value", "period"]
    assert 10 not in raw["raw_row"].tolist()  # the empty row; numbering after it is kept
    italy = obs[obs["ref_area"] == "ITA"].set_index("raw_row")
    assert italy.loc[3, "counterpart_area"] == "SEN"  # ISO code blank: resolved by the name
    assert italy.loc[4, "period"] == "2016-03"  # month given as a name
    assert (italy.loc[9, "counterpart_area"], italy.loc[9, "value"]) == ("_O", 12.0)


def test_bad_csv_values(config):
    raw, kept, rejects, ledger, obs = run([BAD / "bad_values.csv"], config)
    assert ledger["rows_in"] == 54 and ledger["rows_kept"] == 31
    assert ledger["rejected_by_reason"] == {"invalid_period": 9, "missing_count": 1, "negative_count": 1,
                                            "not_a_number": 2, "not_whole_number": 1, "period_conflict": 9}
    rej = rejects.set_index("raw_ref")
    ref = "unhcr_med/bad_values.csv row {}, column {}"
    assert rej.loc[ref.format(3, "italy_all"), ["reason", "value"]].tolist() == ["not_a_number", "1.2k"]
    assert rej.loc[ref.format(7, "italy_all"), ["reason", "value"]].tolist() == ["not_a_number", "1,234"]
    assert rej.loc[ref.format(3, "spain_all"), "reason"] == "missing_count"
    assert rej.loc[ref.format(6, "greece_all"), ["reason", "value"]].tolist() == ["not_whole_number", "870.5"]
    assert rej.loc[ref.format(6, "malta_all"), ["reason", "value"]].tolist() == ["negative_count", "-3"]
    conflict = rej[rej["reason"] == "period_conflict"]
    assert set(conflict["raw_row"]) == {4}
    assert "'Mar-2016'" in conflict["detail"].iloc[0] and "'4'" in conflict["detail"].iloc[0]
    assert set(rej.loc[rej["reason"] == "invalid_period", "value"]) == {"2016/05"}
    # the rest of a line with one bad cell is kept: Feb-2016 Italy is rejected, Greece is not
    feb = obs[obs["period"] == "2016-02"]
    assert "ITA" not in set(feb["ref_area"]) and by_year(obs, "arrivals", "GRC")["2016"] == 6120 + 5480 + 1120


def test_duplicate_month(config):
    _, _, rejects, ledger, _ = run([BAD / "duplicate.csv"], config)
    assert ledger["rejected_by_reason"] == {"conflicting_duplicate": 1, "duplicate_record": 17}


# --- unreadable input: InputError naming the file, the place and the value --------------------------

@pytest.mark.parametrize("name, fragments", [
    ("empty.xlsx", ["empty.xlsx", "file is empty"]),
    ("corrupt.xlsx", ["corrupt.xlsx", "cannot open as an .xlsx workbook", "intact .xlsx"]),
    ("missing_sheet.xlsx", ["missing_sheet.xlsx", "sheet 'Arrivals - Spain' not found", "'COMBINED'"]),
    ("renamed_column.xlsx", ["renamed_column.xlsx", "sheet 'Arrivals - Italy' row 1",
                             "['Number of individuals arrived']", "'Number of arrivals'"]),
    ("empty.csv", ["empty.csv", "file is empty"]),
    ("renamed_column.csv", ["renamed_column.csv", "line 1", "['italy_all']", "'italy_total'"]),
    ("latin1.csv", ["latin1.csv", "line 2", "not utf-8-sig", "\\xe9"]),
    ("arrivals.txt", ["arrivals.txt", "unknown file type", "'.txt'"]),
])
def test_input_errors(name, fragments):
    with pytest.raises(InputError) as err:
        read_records(unhcr_med, [BAD / name])
    for fragment in fragments:
        assert fragment in str(err.value)


# --- the real files, where present: the study issue's acceptance figures -----------------------------

@pytest.mark.realdata
@pytest.mark.skipif(not (REAL / XLSX).exists(), reason="../shared/data/unhcr_med not present")
def test_real_data_reconciles(config):
    _, _, _, ledger, obs = run([REAL / XLSX, REAL / CSV], config)
    assert ledger["rows_in"] == ledger["rows_kept"] == 1057 + 664 + 71 * 9
    assert by_year(obs, "arrivals", "ITA")["2016"] == 181436  # monthly totals, italy_all
    assert by_year(obs, "arrivals_by_nationality", "ITA")["2016"] == 172196
    assert by_year(obs, "arrivals_by_nationality", "ESP")["2016"] == 14558
