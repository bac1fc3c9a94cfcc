import shutil
from pathlib import Path

import pandas as pd
import pytest
from medroutes.adapters import iom_mmp
from medroutes.adapters import read as read_records
from medroutes.clean import clean
from medroutes.errors import InputError
from medroutes.harmonise import harmonise, log_route_labels
from medroutes.harmonise import route_labels as harmonise_labels

from .conftest import FIXTURES, RAW

XLSX = RAW / "iom_mmp" / "Missing_Migrants_Global_Figures_allData.xlsx"
OLD_CSV = FIXTURES / "layouts" / "iom_mmp" / "MissingMigrants-Global-2019-12-31.csv"


def cleaned(path):
    return clean(read_records(iom_mmp, [path]), iom_mmp.SPEC, raw_sha256={f"iom_mmp/{path.name}": "sha"})


def test_xlsx_layout_reads_every_incident_with_lineage():
    raw = read_records(iom_mmp, [XLSX])
    assert len(raw) == 13
    first = raw.iloc[0]
    assert first["incident_id"] == "2016.MMP00001" and first["period"] == "2016-01-14"
    assert first["raw_row"] == 2 and first["raw_ref"].endswith("Worksheet!row 2")
    assert first["raw_file"] == "iom_mmp/Missing_Migrants_Global_Figures_allData.xlsx"
    # no incident date: year and month give a monthly period
    assert raw.loc[raw["incident_id"] == "2017.MMP00004", "period"].tolist() == ["2017-12"]


def test_xlsx_clean_keeps_split_incident_adjustments_and_rejects_duplicates():
    kept, rejects, ledger = cleaned(XLSX)
    assert ledger == {"rows_in": 13, "rows_kept": 12, "rows_rejected": 1,
                      "rejected_by_reason": {"duplicate_record": 1}}
    assert rejects.iloc[0]["raw_row"] == 14 and "row 7" in rejects.iloc[0]["detail"]
    split = kept[kept["incident_id"] == "2016.MMP00005"].iloc[0]
    assert (split["dead"], split["missing"], split["dead_and_missing"]) == (3, -3, 0)


def test_harmonised_observations(config, resolver, indicators):
    kept, _, _ = cleaned(XLSX)
    obs, _ = harmonise(kept, iom_mmp.SPEC, "iom_mmp", config["routes"], resolver, indicators)
    breakdown = obs[(obs["indicator"] == "dead_and_missing") & (obs["dimension"] == "cause_of_death")]
    assert breakdown["category"].value_counts()["Drowning"] == 6
    dm = obs[(obs["indicator"] == "dead_and_missing") & (obs["dimension"] == "_T")]
    assert len(dm) == 12
    cm2016 = dm[(dm["route"] == "central_mediterranean") & dm["period"].str.startswith("2016")]
    assert cm2016["value"].sum() == 42 + 5 + 0
    assert set(dm["route"].dropna()) == {"central_mediterranean", "western_mediterranean", "western_african"}
    assert dm["route"].isna().sum() == 3  # Sahara, US-Mexico, blank route: kept, not on a study route
    first = dm[dm["raw_row"] == 2].iloc[0]
    assert (first["ref_area"], first["counterpart_area"], first["freq"], first["unit"]) == ("LBY", "_T", "D", "persons")
    assert dm.loc[dm["period"] == "2017-12", "freq"].tolist() == ["M"]
    assert obs.loc[obs["indicator"] == "incidents", "value"].sum() == 12
    # missing is only observed where IOM gives it
    assert len(obs[obs["indicator"] == "missing"]) == 6


def test_old_csv_layout_with_bom_and_renamed_columns():
    raw = read_records(iom_mmp, [OLD_CSV])
    assert raw["incident_id"].tolist()[:2] == ["52673", "52674"]  # BOM stripped from 'Web ID'
    assert raw["period"].tolist()[:3] == ["2019-12-30", "2019-12-12", "2019-11-02"]
    kept, rejects, ledger = cleaned(OLD_CSV)
    assert ledger["rows_in"] == 5 and ledger["rows_kept"] == 3
    assert dict(zip(rejects["reason"], rejects["value"], strict=True)) == {
        "invalid_period": "February 30, 2019", "not_a_number": "many"}
    assert kept["dead_and_missing"].tolist() == [3, 5, 2]
    assert kept["country_of_incident"].isna().all()  # that layout has no country of incident


def test_wrong_sheet_name_is_named(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Sheet1"
    path = tmp_path / "iom_mmp" / XLSX.name
    path.parent.mkdir()
    wb.save(path)
    with pytest.raises(InputError, match=r"sheet 'Worksheet' not found.*Sheet1"):
        read_records(iom_mmp, [path])


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "iom_mmp" / "old.csv"
    path.parent.mkdir()
    text = OLD_CSV.read_text(encoding="utf-8-sig").replace("Total Dead and Missing", "Total")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_records(iom_mmp, [path])
    assert "Total Dead and Missing" in str(err.value) and "old.csv" in str(err.value)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated zip"])
def test_empty_or_corrupt_xlsx_is_a_clear_error(tmp_path, content):
    path = tmp_path / "iom_mmp" / XLSX.name
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(InputError, match=str(path.name)):
        read_records(iom_mmp, [path])


def test_latin1_csv_is_a_clear_error(tmp_path):
    path = tmp_path / "iom_mmp" / "latin.csv"
    path.parent.mkdir()
    shutil.copy(OLD_CSV, path)
    path.write_bytes(path.read_bytes().replace(b"Alboran", "Alborán".encode("latin-1")))
    with pytest.raises(InputError, match=r"line 3.*utf-8"):
        read_records(iom_mmp, [path])


def test_period_types_are_text_not_dates():
    kept, _, _ = cleaned(XLSX)
    assert pd.api.types.is_string_dtype(kept["period"])
    assert Path(XLSX).stat().st_size < 50_000  # fixtures stay small


def test_blank_line_is_rejected_and_row_numbers_stay_true(tmp_path):
    path = tmp_path / "iom_mmp" / "old.csv"
    path.parent.mkdir()
    lines = OLD_CSV.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join([*lines[:2], "", *lines[2:]]) + "\n", encoding="utf-8")
    kept, rejects, ledger = cleaned(path)
    assert ledger["rows_in"] == 6 and ledger["rows_kept"] == 3
    blank = rejects[rejects["raw_row"] == 3].iloc[0]
    assert blank["reason"] == "missing_value"
    assert kept["raw_row"].tolist() == [2, 4, 5]  # the record after the blank line is still row 4 of the file


def test_route_labels_count_what_falls_outside_and_name_configured_labels_no_row_carries(config, caplog):
    """Issue 9, case 6: labels outside the study routes, and a mistyped configured label, are listed and logged."""
    kept, _, _ = cleaned(XLSX)
    routes = {**config["routes"], "western_african": {**config["routes"]["western_african"], "source_labels": {
        "iom_mmp": ["Western Africa / Atlantic route to the Canary Island"]}}}  # the final "s" mistyped
    with caplog.at_level("INFO", logger="medroutes"):
        rows = harmonise_labels(kept, iom_mmp.SPEC, "iom_mmp", routes)
    by_label = {r["raw_label"]: (r["rows"], r["route"], r["status"]) for r in rows}
    assert by_label["Central Mediterranean"] == (5, "central_mediterranean", "mapped")
    assert by_label["Sahara Desert crossing"] == (1, None, "outside")
    assert by_label[None] == (1, None, "outside")  # blank in the raw file
    assert by_label["Western Africa / Atlantic route to the Canary Islands"] == (2, None, "outside")
    assert by_label["Western Africa / Atlantic route to the Canary Island"] == (0, "western_african", "not_in_data")
    assert sum(r["rows"] for r in rows) == len(kept)
    log_route_labels(rows)
    assert ("iom_mmp: route label 'Western Africa / Atlantic route to the Canary Island', listed under "
            "routes.western_african.source_labels, matches no raw row") in caplog.text
    assert "iom_mmp: route label 'Sahara Desert crossing' outside the study routes, 1 rows (route left null)" \
        in caplog.text
