import pandas as pd
import pytest
from medroutes.clean import check_row_counts, clean
from medroutes.errors import RowCountError
from medroutes.spec import Column, SourceSpec

SPEC = SourceSpec(
    columns=(Column("id", "text", required=True), Column("period", "period", required=True),
             Column("n", "count", required=True), Column("adj", "count", signed=True),
             Column("x", "number")),
    key=("id",),
)


def raw(rows):
    df = pd.DataFrame(rows, columns=["id", "period", "n", "adj", "x"])
    df["raw_file"] = "src/f.csv"
    df["raw_row"] = range(2, 2 + len(df))
    df["raw_ref"] = [f"src/f.csv row {i}" for i in df["raw_row"]]
    return df


def run(rows, **kw):
    return clean(raw(rows), SPEC, raw_sha256={"src/f.csv": "abc"}, **kw)


def test_every_row_kept_or_rejected_with_a_reason():
    kept, rejects, ledger = run([
        ("a", "2016-03-14", "5", "-2", "1.5"),
        ("b", "2016-02-30", "5", None, None),     # impossible date
        ("c", "2016", "-1", None, None),           # negative count
        ("d", "2016-01", "abc", None, None),       # not a number
        ("e", "2016", "2.5", None, None),          # not whole
        ("f", "2016", "99999999999", None, None),  # implausible
        (None, "2016", "1", None, None),           # missing id
        ("a", "2016-03-14", "5", "-2", "1.5"),     # exact duplicate of a
        ("g", "2030-01", "1", None, None),         # future
        ("h", "2016", "1", None, "north"),         # number column not a number
    ], max_period="2025-12-31", max_count=1_000_000)
    assert ledger["rows_in"] == 10
    assert ledger["rows_kept"] + ledger["rows_rejected"] == 10
    assert kept["id"].tolist() == ["a"]
    assert kept["adj"].tolist() == [-2]  # signed counts keep their sign
    assert kept["raw_sha256"].tolist() == ["abc"]
    by = dict(zip(rejects["raw_row"], rejects["reason"], strict=True))
    assert by == {3: "invalid_period", 4: "negative_count", 5: "not_a_number", 6: "not_whole_number",
                  7: "implausible_count", 8: "missing_value", 9: "duplicate_record", 10: "future_period",
                  11: "not_a_number"}
    neg = rejects[rejects["reason"] == "negative_count"].iloc[0]
    assert neg["column"] == "n" and neg["value"] == "-1" and neg["raw_ref"] == "src/f.csv row 4"
    assert '"n": "-1"' in neg["record"]


def test_conflicting_duplicate_names_the_first_record():
    _, rejects, _ = run([("a", "2016", "1", None, None), ("a", "2016", "2", None, None)])
    row = rejects.iloc[0]
    assert row["reason"] == "conflicting_duplicate"
    assert "src/f.csv row 2" in row["detail"] and "different values" in row["detail"]


def test_adapter_reject_reason_is_kept():
    df = raw([("a", "2016", "1", None, None), ("b", "2016", "1", None, None)])
    df["adapter_reject"] = [None, "questionnaire_code"]
    df["adapter_detail"] = [None, "category 'Q6.1' is a questionnaire code"]
    kept, rejects, ledger = clean(df, SPEC, raw_sha256={})
    assert ledger["rejected_by_reason"] == {"questionnaire_code": 1}
    assert rejects["detail"].tolist() == ["category 'Q6.1' is a questionnaire code"]


def test_row_counts_refuse_counts_that_do_not_add_up():
    with pytest.raises(RowCountError, match=r"rows in \(5\) != kept \(3\) \+ rejected \(1\)"):
        check_row_counts(5, 3, pd.Series(["x"]))


def test_duplicate_under_a_multi_column_key_names_every_key_value():
    spec = SourceSpec(columns=(Column("route"), Column("period", "period"), Column("n", "count")),
                      key=("route", "period"))
    df = pd.DataFrame({"route": ["CM", "CM", "WM"], "period": ["2016-01"] * 3, "n": ["1", "2", "1"]})
    df["raw_file"], df["raw_row"], df["raw_ref"] = "s/f", [1, 2, 3], ["r1", "r2", "r3"]
    kept, rejects, ledger = clean(df, spec, raw_sha256={})
    assert ledger["rows_kept"] == 2
    row = rejects.iloc[0]
    assert (row["reason"], row["column"], row["value"]) == ("conflicting_duplicate", "route,period", "CM,2016-01")


def test_a_huge_rejected_cell_is_stored_cut_with_a_marker():
    """Issue 9, case 9: a 100 MB line used to be stored whole in the rejects' value and record."""
    from medroutes.clean import REJECT_CELL_MAX, truncate

    huge = "9" * 50_000
    cut = truncate(huge)
    assert cut.startswith("9" * REJECT_CELL_MAX) and cut.endswith("… [truncated: 50,000 characters, see the raw row]")
    assert len(cut) < REJECT_CELL_MAX + 60
    assert truncate("short") == "short" and truncate(None) is None
    _, rejects, ledger = run([("a", "2016", "1" * 5_000_000, None, None)], max_period="2025-12-31",
                             max_count=1_000_000)  # a 5 MB count cell
    assert ledger["rows_rejected"] == 1
    for col in ("value", "record"):
        assert len(rejects.iloc[0][col]) < REJECT_CELL_MAX + 60
        assert "[truncated: " in rejects.iloc[0][col]
