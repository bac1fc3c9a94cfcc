"""Templates of the restricted evidence: blank forms, and the validating reader on SYNTHETIC rows."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest
import yaml
from medroutes import templates
from medroutes.errors import ConfigError, InputError

from .conftest import REPO

YEARS = (2010, 2025)
ROUTES = ("central_mediterranean", "western_mediterranean", "western_african")
KEY = b"SYNTHETIC test key"


@pytest.fixture(scope="module")
def codebook() -> dict:
    return yaml.safe_load((REPO / "config" / "codebook.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ctx(config, resolver):
    return templates.Context(list(config["countries"]), resolver, YEARS, ROUTES, KEY)


def load(name, codebook):
    return templates.load(name, codebook, ROUTES)


def csv_bytes(header, rows) -> bytes:
    return ("\n".join([",".join(header), *(",".join(r) for r in rows)]) + "\n").encode("utf-8")


def case_row(t, **cells) -> list[str]:
    base = {"case_id": "SYNTHETIC-C-1", "year_opened": "2019", "route": "central_mediterranean",
            "departure_country": "Libya", "transit_countries": "", "destination_country": "ITA", "n_suspects": "4",
            "suspect_citizenships": "NGA;Libya", "network_size": "12", "network_structure": "hierarchical"}
    row = {n: base.get(n, "0") for n in t.names}
    row.update(cells)
    return [row[n] for n in t.names]


@pytest.mark.parametrize("name", ["national_statistics", "case_files", "interviews", "literature"])
def test_every_template_has_a_blank_workbook_and_csv_form_and_the_same_bytes_twice(tmp_path, codebook, name):
    t = load(name, codebook)
    a = templates.write_blank(t, tmp_path / "a", years=YEARS)
    time.sleep(1.1)  # openpyxl stamps the second of writing: the bytes must not depend on it
    b = templates.write_blank(t, tmp_path / "b", years=YEARS)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    book = openpyxl.load_workbook(a[0])
    assert book.sheetnames == ["README", t.sheet, "codes"]
    assert [c.value for c in book[t.sheet][1]] == t.names
    coded = [c for c in t.columns if c.codes or c.type == "flag"]
    assert len(book[t.sheet].data_validations.dataValidation) == len(coded)
    readme = [r[0] for r in book["README"].iter_rows(values_only=True)]
    assert set(t.names) <= set(readme), "the README sheet documents every column"
    assert a[1].read_text(encoding="utf-8").strip() == ",".join(t.names)
    # a blank form reads as a file with no rows
    kept, rejects = templates.read(a[0], a[0].read_bytes(), t, templates.Context([], None, YEARS, ROUTES, KEY),
                                   label=f"{name}.xlsx")
    assert kept.empty and rejects.empty


def test_case_files_expand_the_code_book_into_one_flag_column_per_modus_operandi(codebook):
    t = load("case_files", codebook)
    assert [c.name for c in t.columns if c.type == "flag"] == list(codebook["modus_operandi"])


def test_a_filled_workbook_reads_typed_rows_with_their_lineage(tmp_path, codebook, ctx):
    t = load("case_files", codebook)
    path = templates.write_blank(t, tmp_path, years=YEARS)[0]
    book = openpyxl.load_workbook(path)
    book[t.sheet].append([int(v) if v.isdigit() else v for v in case_row(t)])
    buf = io.BytesIO()
    book.save(buf)
    kept, rejects = templates.read(path, buf.getvalue(), t, ctx, label="case_files_dcis/SYNTHETIC_cases.xlsx")
    assert rejects.empty
    row = kept.iloc[0]
    assert (row["departure_country"], row["suspect_citizenships"], row["n_suspects"]) == ("LBY", "LBY;NGA", 4)
    assert row["raw_ref"] == "case_files_dcis/SYNTHETIC_cases.xlsx cases!row 2"


def test_wrong_sheet_is_a_named_error(tmp_path, codebook, ctx):
    t = load("case_files", codebook)
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(InputError) as err:
        templates.read(tmp_path / "SYNTHETIC_cases.xlsx", buf.getvalue(), t, ctx, label="x")
    assert "SYNTHETIC_cases.xlsx: sheet 'cases' not found (found ['Sheet1'])" in str(err.value)


def test_a_renamed_column_is_a_named_error(tmp_path, codebook, ctx):
    t = load("case_files", codebook)
    header = ["suspects" if n == "n_suspects" else n for n in t.names]
    with pytest.raises(InputError) as err:
        templates.read(tmp_path / "SYNTHETIC_cases.csv", csv_bytes(header, []), t, ctx, label="x")
    assert ("SYNTHETIC_cases.csv: header, line 1: column 'n_suspects': missing from the header "
            "(the header has 'suspects' instead)") in str(err.value)


def test_bad_cells_are_rejected_with_reason_and_counted(tmp_path, codebook, ctx):
    t = load("case_files", codebook)
    rows = [case_row(t),                                            # 2 kept
            case_row(t, case_id="SYNTHETIC-C-2", network_structure="mafia"),        # 3 code not in code book
            case_row(t, case_id="SYNTHETIC-C-3", departure_country="Atlantis"),    # 4 country that does not resolve
            case_row(t, case_id="SYNTHETIC-C-4", n_suspects="-2"),                  # 5 negative count
            case_row(t, case_id="SYNTHETIC-C-5", n_suspects="several"),             # 6 non-numeric count
            case_row(t, case_id="SYNTHETIC-C-6", year_opened="2031"),               # 7 year outside the study
            case_row(t),                                                            # 8 duplicate case id
            case_row(t, case_id="SYNTHETIC-C-8", pay_crypto="2")]                   # 9 not a flag
    kept, rejects = templates.read(tmp_path / "SYNTHETIC_cases.csv", csv_bytes(t.names, rows), t, ctx,
                                   label="SYNTHETIC_cases.csv")
    assert len(kept) + len(rejects) == len(rows)
    got = dict(zip(rejects["raw_row"], zip(rejects["reason"], rejects["column"], rejects["value"], strict=True),
                   strict=True))
    assert got == {3: ("not_in_codebook", "network_structure", "mafia"),
                   4: ("unknown_country", "departure_country", "Atlantis"),
                   5: ("negative_count", "n_suspects", "-2"), 6: ("not_a_number", "n_suspects", "several"),
                   7: ("year_outside_study", "year_opened", "2031"), 8: ("duplicate_key", "case_id", "SYNTHETIC-C-1"),
                   9: ("not_a_flag", "pay_crypto", "2")}
    assert rejects.set_index("raw_row").loc[8, "detail"] == "same case_id as row 2"


def test_interview_identifiers_are_pseudonymised_and_free_text_never_kept(tmp_path, codebook, ctx):
    t = load("interviews", codebook)
    themes = list(codebook["themes"])

    def row(ident, month="2023-04", note=None):
        cells = {"informant_id": ident, "sector": "prosecution", "country": "Senegal", "month": month,
                 "routes": "western_african;central_mediterranean", **{th: "yes" for th in themes}}
        if note:
            cells[themes[0]] = note
        return [cells[n] for n in t.names]

    note = "SYNTHETIC note: he said the boats leave from the north beach at night"
    rows = [row("SYNTHETIC-KI-001"), row("SYNTHETIC-KI-002", note=note), row("SYNTHETIC-KI-001")]
    data = csv_bytes(t.names, rows)
    kept, rejects = templates.read(tmp_path / "SYNTHETIC_interviews.csv", data, t, ctx, label="i.csv")
    assert kept["informant_id"].str.fullmatch(r"KI-[0-9a-f]{16}").all()
    assert kept.iloc[0]["routes"] == "central_mediterranean;western_african" and kept.iloc[0]["country"] == "SEN"
    assert list(rejects["reason"]) == ["free_text_in_coded_column", "duplicate_key"]
    assert list(rejects["value"]) == [templates.WITHHELD, templates.WITHHELD]
    dump = kept.to_csv() + rejects.to_csv()
    assert "SYNTHETIC-KI" not in dump and "north beach" not in dump


def test_interview_data_without_the_key_stops(tmp_path, codebook, ctx):
    t = load("interviews", codebook)
    no_key = templates.Context(ctx.countries, ctx.resolver, YEARS, ROUTES, None)
    with pytest.raises(ConfigError, match="no pseudonym key"):
        templates.read(tmp_path / "SYNTHETIC_interviews.csv", csv_bytes(t.names, []), t, no_key, label="i.csv")


def test_the_dictionary_describes_every_column(codebook):
    for name in ("national_statistics", "case_files", "interviews", "literature"):
        t = load(name, codebook)
        d = templates.dictionary(t)
        assert list(d["column"]) == t.names and d["description"].str.len().gt(0).all(), name


def test_the_readme_template_command_writes_every_blank_form(tmp_path):
    import re
    import subprocess
    import sys

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    cmd = re.search(r"^\s*\.venv/bin/python -m medroutes template all --out templates$", readme, re.M)
    assert cmd, "the README no longer prints the template command this test runs"
    res = subprocess.run([sys.executable, "-m", "medroutes", "template", "all", "--out", "templates"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in (tmp_path / "templates").iterdir())
    assert names == sorted(f"{t}.{ext}" for t in ("case_files", "interviews", "literature", "national_statistics")
                           for ext in ("csv", "xlsx"))


VALID = {"id": "SYNTHETIC-1", "identifier": "SYNTHETIC-KI-1", "text": "SYNTHETIC agency", "study_country": "NGA",
         "country": "Libya", "countries": "NGA;MAR", "citizenship": "Senegal", "routes": "western_african",
         "year": "2020", "month": "2020-05", "count": "12", "flag": "1"}


def valid_row(t) -> dict[str, str]:
    return {c.name: (c.codes[0] if c.codes else VALID[c.type]) for c in t.columns}


def first_of(t, *types):
    return next(c.name for c in t.columns if c.type in types)


@pytest.mark.parametrize("name", ["national_statistics", "case_files", "interviews"])
def test_every_template_rejects_each_kind_of_bad_cell_with_its_reason(tmp_path, codebook, ctx, name):
    t = load(name, codebook)
    coded = first_of(t, "code", "answer")
    country = first_of(t, "study_country", "country")
    year = first_of(t, "year", "month")
    cases = {"not_in_codebook": {coded: "SYNTHETIC-not-a-code"}, "unknown_country": {country: "Atlantis"},
             "year_outside_study": {year: "2031" if t.column(year).type == "year" else "2031-01"}}
    count = next((c.name for c in t.columns if c.type == "count"), None)
    if count:
        cases["negative_count"] = {count: "-1"}
        cases["not_a_number"] = {count: "twelve"}
    rows, expected = [], {}
    for i, (reason, change) in enumerate(cases.items()):
        row = valid_row(t)
        key_col = t.key[0]
        row[key_col] = row[key_col] if t.column(key_col).type not in ("id", "identifier") else f"SYNTHETIC-{i}"
        if name == "national_statistics":
            row["year"] = str(2011 + i)  # keep the key unique
        row.update(change)
        rows.append([row[n] for n in t.names])
        expected[i + 2] = (reason, next(iter(change)))
    kept, rejects = templates.read(tmp_path / f"SYNTHETIC_{name}.csv", csv_bytes(t.names, rows), t, ctx, label="x")
    assert kept.empty
    got = dict(zip(rejects["raw_row"], zip(rejects["reason"], rejects["column"], strict=True), strict=True))
    assert got == expected


@pytest.mark.parametrize("name", ["national_statistics", "case_files", "interviews"])
def test_every_template_names_a_missing_sheet_and_a_renamed_column(tmp_path, codebook, ctx, name):
    t = load(name, codebook)
    book = openpyxl.Workbook()
    book.active.title = "Data"
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(InputError, match=rf"sheet '{t.sheet}' not found \(found \['Data'\]\)"):
        templates.read(tmp_path / "SYNTHETIC.xlsx", buf.getvalue(), t, ctx, label="x")
    header = [n.upper() if n == t.names[1] else n for n in t.names]
    with pytest.raises(InputError, match=rf"column '{t.names[1]}': missing from the header \(the header has "
                                         rf"'{t.names[1].upper()}'"):
        templates.read(tmp_path / "SYNTHETIC.csv", csv_bytes(header, []), t, ctx, label="x")
