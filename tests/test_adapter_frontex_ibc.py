import re
from datetime import date, datetime

import pandas as pd
import pytest
import rdata
from medroutes.adapters import frontex_ibc
from medroutes.adapters import read as read_records
from medroutes.clean import clean
from medroutes.errors import InputError
from medroutes.harmonise import LINEAGE, harmonise

from .conftest import FIXTURES, RAW
from .fixtures import build_frontex_ibc_workbook as book

RDA = RAW / "frontex_ibc" / "frontex.rda"


def write_rda(tmp_path, df, name="frontex"):
    path = tmp_path / "frontex_ibc" / "frontex.rda"
    path.parent.mkdir(exist_ok=True)
    rdata.write_rda(path, {name: df})
    return path


def test_reads_months_modes_and_lineage():
    raw = read_records(frontex_ibc, [RDA])
    assert len(raw) == 26  # 14 rows, and 12 months of another route that complete both years
    first = raw.iloc[0]
    assert (first["route"], first["mode"], first["citizenship"], first["period"]) == (
        "Central Mediterranean Route", "sea", "NGA", "2016-01")
    assert first["raw_ref"] == "frontex_ibc/frontex.rda frontex record 1"


def test_harmonised_detections(config, resolver, indicators):
    kept, rejects, ledger = clean(read_records(frontex_ibc, [RDA]), frontex_ibc.SPEC, raw_sha256={})
    assert ledger["rows_rejected"] == 0
    obs, _ = harmonise(kept, frontex_ibc.SPEC, "frontex_ibc", config["routes"], resolver, indicators)
    cm = obs[obs["route"] == "central_mediterranean"]
    assert cm.loc[cm["period"].str.startswith("2016"), "value"].sum() == 1200 + 5300 + 900 + 40
    assert set(obs["dimension"]) == {"mode"} and set(obs["category"]) == {"sea", "land"}
    assert set(obs["unit"]) == {"detections"} and set(obs["freq"]) == {"M"}
    assert set(obs["ref_area"]) == {"EU_EXT"}
    # Frontex's non-ISO codes resolve through the alias table and area list
    by_nat = dict(zip(kept["citizenship"], obs.sort_values("raw_row")["counterpart_area"], strict=True))
    assert by_nat["OOS"] == "_U" and by_nat["STL"] == "STL" and by_nat["XKX"] == "XKX"
    assert obs["route"].isna().sum() == 14  # Eastern Mediterranean (13 rows) and Western Balkans


def test_unknown_type_and_bad_month_are_rejected(tmp_path):
    df = pd.DataFrame({"route": ["Central Mediterranean Route"] * 3, "type": ["Sea", "Air", "Sea"],
                       "nat": ["NGA", "NGA", "SEN"], "t": [16801.0, 16801.0, 16815.0], "n": [5.0, 2.0, 1.0]})
    kept, rejects, ledger = clean(read_records(frontex_ibc, [write_rda(tmp_path, df)]), frontex_ibc.SPEC, raw_sha256={})
    assert ledger["rows_kept"] == 1
    assert dict(zip(rejects["raw_row"], rejects["reason"], strict=True)) == {2: "unknown_mode", 3: "invalid_period"}
    assert "'Air'" in rejects.iloc[0]["detail"]


def test_missing_object_and_column_are_named(tmp_path):
    df = pd.DataFrame({"route": ["x"], "type": ["Sea"], "nat": ["NGA"], "t": [16801.0], "n": [1.0]})
    with pytest.raises(InputError, match=r"object 'frontex' not found.*ibc"):
        read_records(frontex_ibc, [write_rda(tmp_path, df, name="ibc")])
    with pytest.raises(InputError, match=r"missing column\(s\) \['n'\]"):
        read_records(frontex_ibc, [write_rda(tmp_path, df.drop(columns="n"))])


@pytest.mark.parametrize("content", [b"", RDA.read_bytes()[:100], b"not an R file at all"])
def test_empty_truncated_or_foreign_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "frontex_ibc" / "frontex.rda"
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_records(frontex_ibc, [path])
    assert "frontex.rda" in str(err.value) and "expected" in str(err.value)


# --- Frontex's own workbook (Detections_of_IBC_<yyyy>_<mm>_<dd>.xlsx) ------------------------------

XLSX = FIXTURES / "layouts" / "frontex_ibc" / "Detections_of_IBC_2025_05_07.xlsx"
# the same records as the .rda would hold them: "... Route", and Frontex's codes for the groups
RDA_ROUTE = {r: f"{r} Route" for r in (book.CM, book.WM, book.WA)} | {"Eastern Land Borders": "Eastern Land Borders"}
RDA_NAT = {"Côte d'Ivoire": "CIV", "Syrian Arab Republic": "SYR", "Other and stateless": "OOO", "Algeria": "DZA",
           "Morocco": "MAR", "Not specified": "OOS", "Senegal": "SEN", "Mali": "MLI", "Unknown": "OOS",
           "Ukraine": "UKR"}


def write_xlsx(tmp_path, wb, name="Detections_of_IBC_2025_05_07.xlsx"):
    path = tmp_path / "frontex_ibc" / name
    path.parent.mkdir(exist_ok=True)
    wb.save(path)
    return path


def test_the_fixture_workbook_rebuilds_to_the_same_bytes(tmp_path):
    book.main(tmp_path / "again.xlsx")
    assert (tmp_path / "again.xlsx").read_bytes() == XLSX.read_bytes()


def test_workbook_cells_become_records_with_zeros_bare_routes_and_names_as_given():
    raw = read_records(frontex_ibc, [XLSX])
    assert len(raw) == len(book.ROWS) * len(book.MONTHS) and raw["adapter_reject"].isna().all()
    first = raw.iloc[0]
    assert tuple(first[["route", "mode", "citizenship", "period", "detections", "raw_row"]]) == (
        "Central Mediterranean", "sea", "Côte d'Ivoire", "2025-01", 310, 2)
    assert first["raw_ref"] == "frontex_ibc/Detections_of_IBC_2025_05_07.xlsx Detections_of_IBC!D2"
    assert raw.iloc[1]["detections"] == 0 and (raw["detections"] == 0).sum() == 4  # zeros are records
    assert set(raw["route"]) == {book.CM, book.WM, book.WA, "Eastern Land Borders"}
    assert set(raw["mode"]) == {"sea", "land"} and sorted(set(raw["period"])) == ["2025-01", "2025-02", "2025-03",
                                                                                    "2025-04"]


def test_workbook_and_rda_give_the_same_table_and_observations(tmp_path, config, resolver, indicators):
    recs = [(RDA_ROUTE[r], w, RDA_NAT[n], (m - pd.Timestamp("1970-01-01")).days, float(v))
            for r, w, n, *vals in book.ROWS for m, v in zip(book.MONTHS, vals, strict=True)]
    rda = write_rda(tmp_path, pd.DataFrame(recs, columns=["route", "type", "nat", "t", "n"]).astype({"t": float}))
    tables, observations = [], []
    for path in (XLSX, rda):
        kept, _, ledger = clean(read_records(frontex_ibc, [path]), frontex_ibc.SPEC, raw_sha256={})
        assert ledger["rows_rejected"] == 0 and ledger["rows_kept"] == 40
        obs, _ = harmonise(kept, frontex_ibc.SPEC, "frontex_ibc", config["routes"], resolver, indicators)
        tables.append(kept.reset_index(drop=True))
        observations.append(obs.drop(columns=["route_label", "counterpart_label", *LINEAGE])
                            .reset_index(drop=True))
    xlsx, rda = tables
    assert list(xlsx.columns) == list(rda.columns)
    pd.testing.assert_frame_equal(xlsx[["mode", "period", "detections"]], rda[["mode", "period", "detections"]])
    pd.testing.assert_frame_equal(*observations, check_like=True)
    obs = observations[0]
    assert set(obs["counterpart_area"]) == {"CIV", "SYR", "_O", "DZA", "MAR", "_U", "SEN", "MLI", "UKR"}
    assert obs.loc[obs["counterpart_area"].eq("UKR"), "route"].isna().all()  # Eastern Land Borders: no study route
    assert obs.groupby("route")["value"].sum().to_dict() == {
        "central_mediterranean": 1123, "western_mediterranean": 1819, "western_african": 10325}


def test_the_as_of_date_is_read_from_notes_and_logged(caplog):
    caplog.set_level("INFO", logger="medroutes")
    assert frontex_ibc.as_of(XLSX, XLSX.read_bytes()) == date(2025, 5, 7)
    read_records(frontex_ibc, [XLSX])
    assert "Detections_of_IBC_2025_05_07.xlsx: data as of 2025-05-07 (sheet 'Notes' cell B3)" in caplog.text
    assert frontex_ibc.as_of(RDA, RDA.read_bytes()) is None


def test_as_of_as_text_and_a_missing_one_is_a_warning_not_an_error(tmp_path, caplog):
    in_text = write_xlsx(tmp_path, book.workbook(notes=[["Caveats"], ["Data as of: 07.05.2025."]]))
    assert frontex_ibc.as_of(in_text, in_text.read_bytes()) == date(2025, 5, 7)
    none = write_xlsx(tmp_path, book.workbook(notes=[["Data as of", "tbc"]]), "no_date.xlsx")
    assert frontex_ibc.as_of(none, none.read_bytes()) is None
    assert len(read_records(frontex_ibc, [none])) == 40  # the numbers do not depend on it
    assert "no_date.xlsx: no readable 'Data as of' date" in caplog.text and "WARNING" in caplog.text


def test_the_data_sheet_is_found_by_its_header_not_its_name(tmp_path):
    wb = book.workbook(sheet="IBC monthly", above=[["Detections of IBC, monthly"]])
    wb.move_sheet("IBC monthly", offset=2)  # after Notes and the Dictionary, which names the same fields apart
    raw = read_records(frontex_ibc, [write_xlsx(tmp_path, wb)])
    assert len(raw) == 40 and raw.iloc[0]["raw_ref"].endswith(" IBC monthly!D3")


@pytest.mark.parametrize("head, problem, value", [
    (["Route", "Border location type", "NationalityLong"], "no data sheet", "['Detections_of_IBC', 'Notes', "
                                                                            "'Dictionary']"),
    (None, "more than one data sheet", "['Detections_of_IBC', 'Copy']"),
])
def test_no_or_two_data_sheets_is_a_named_error(tmp_path, head, problem, value):
    wb = book.workbook(head=head or book.HEAD)
    if head is None:
        wb.copy_worksheet(wb[book.SHEET]).title = "Copy"
    with pytest.raises(InputError) as err:
        read_records(frontex_ibc, [write_xlsx(tmp_path, wb)])
    msg = str(err.value)
    assert "Detections_of_IBC_2025_05_07.xlsx" in msg and problem in msg and value in msg
    assert "expected one sheet with the header Route, BorderLocation, NationalityLong" in msg


def test_bad_cells_are_named_rejects_and_nothing_is_dropped(tmp_path):
    months = [datetime(2025, 1, 1), "Feb 2025", datetime(2025, 3, 15)]
    rows = [
        (book.CM, "Sea", "Nigeria", 5, 6, 7),              # row 2: D2 kept; E2, F2 bad headers
        (book.CM, "Sea", "Tunisia", 2.5, 1, 1),            # row 3: D3 not_whole_number
        (book.CM, "Sea", "Guinea", -3, 1, 1),              # row 4: D4 negative_count
        (book.CM, "Sea", "Egypt", "n/a", 1, 1),            # row 5: D5 not_a_number
        (book.CM, "Air", "Libya", 4, 1, 1),                # row 6: D6 unknown_mode
        (None, "Sea", "Mali", 4, 1, 1),                    # row 7: D7 missing_value (route)
        (None, None, None, None, None, None),              # row 8: an empty row, not a record
        (book.WM, "Land", "Morocco", None, 1, 1),          # row 9: D9 missing_value (detections)
    ]
    path = write_xlsx(tmp_path, book.workbook(rows, months))
    raw = read_records(frontex_ibc, [path])
    kept, rejects, ledger = clean(raw, frontex_ibc.SPEC, raw_sha256={})
    assert ledger["rows_in"] == 7 * 3 == ledger["rows_kept"] + ledger["rows_rejected"] and ledger["rows_kept"] == 1
    by_cell = dict(zip(rejects["raw_ref"].str.split("!").str[1], rejects["reason"], strict=True))
    assert {c: by_cell[c] for c in ("D3", "D4", "D5", "D6", "D7", "D9")} == {
        "D3": "not_whole_number", "D4": "negative_count", "D5": "not_a_number", "D6": "unknown_mode",
        "D7": "missing_value", "D9": "missing_value"}
    assert {by_cell[f"{c}{r}"] for c in "EF" for r in (2, 3, 4, 5, 6, 7, 9)} == {"invalid_period"}
    detail = rejects.set_index(rejects["raw_ref"].str.split("!").str[1])["detail"]
    assert detail["E2"] == ("month header E1 of sheet 'Detections_of_IBC' is 'Feb 2025'; expected a date cell on a "
                            "month's first day")
    assert detail["F2"].startswith("month header F1 of sheet 'Detections_of_IBC' is the date 2025-03-15;")
    assert detail["D6"] == "BorderLocation 'Air' (cell B6) is not Sea or Land"
    assert rejects.set_index(rejects["raw_ref"].str.split("!").str[1]).loc["D7", "column"] == "route"
    assert rejects["raw_ref"].str.startswith("frontex_ibc/Detections_of_IBC_2025_05_07.xlsx Detections_of_IBC!").all()


@pytest.mark.parametrize("name, content, problem", [
    ("Detections_of_IBC_2025_05_07.xlsx", b"", "file is empty - expected an .xlsx workbook"),
    ("Detections_of_IBC_2025_05_07.xlsx", b"PK\x03\x04 cut short", "cannot open as an .xlsx workbook"),
    ("frontex.rda", b"PK\x03\x04 cut short", "cannot open as an .xlsx workbook"),  # the bytes decide, not the name
])
def test_empty_or_broken_workbook_is_a_clear_error(tmp_path, name, content, problem):
    path = tmp_path / "frontex_ibc" / name
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(problem)):
        read_records(frontex_ibc, [path])


def test_a_sheet_without_month_columns_is_a_named_error(tmp_path):
    path = write_xlsx(tmp_path, book.workbook([(book.CM, "Sea", "Nigeria")], []))
    with pytest.raises(InputError, match=r"sheet 'Detections_of_IBC' row 1: no month columns"):
        read_records(frontex_ibc, [path])
