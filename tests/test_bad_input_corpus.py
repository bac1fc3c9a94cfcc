"""The bad-input corpus: for every adapter, every bad-input case that applies to its native format.

One table (``CASES``), one row per (source, case). Each row ends in one of two ways:

(a) rows rejected with a reason: ``read -> clean(raw, SPEC, raw_sha256=..., max_count=10_000_000,
    max_period="2025-12-31")`` gives exactly the listed reason codes, and rows in == kept + rejected ==
    the number of raw records the fixture holds (nothing dropped on the way);
(b) the run stops with a :class:`medroutes.errors.MedroutesError` (``InputError``, ``IntakeError``,
    ``ResolveError``) whose message contains each listed part: the file, the place (line, row, cell,
    sheet, key), the column, the value, the problem and what was expected. A part that does not exist
    for a case (an empty file has no column) is None, shown as "-".
A raw exception from pandas, openpyxl, rdata or json is a failure, never an outcome. A row that
exposes a bug is ``xfail(strict=True)`` with the bug as its reason (fixes proposed in the handoff).
Rows marked ``n/a`` say why the case does not apply to that native format; they are not run.

Text fixtures (CSV, JSON) are hand-written files under ``tests/fixtures/bad/<source>/``; xlsx and
``.rda`` inputs are built here, from invented values, into the test's temporary directory.
``python tests/test_bad_input_corpus.py`` prints the outcome table as Markdown (``corpus_table()``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest
import rdata
import yaml
from medroutes import adapters
from medroutes.adapters import read as read_records
from medroutes.clean import clean
from medroutes.errors import InputError, IntakeError, MedroutesError, ResolveError
from medroutes.harmonise import harmonise
from medroutes.intake import check_file
from medroutes.resolve import CountryResolver
from openpyxl import Workbook

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
BAD = FIXTURES / "bad"
RAW = FIXTURES / "raw"
MAX_COUNT, MAX_PERIOD = 10_000_000, "2025-12-31"

# The cases the issue names; every adapter has a row (or an n/a row) for each.
EMPTY = "empty file"
CORRUPT = "truncated or corrupt file"
SHEET = "wrong sheet name"
COLUMN = "missing or renamed column"
BANNER = "extra banner rows"
LATIN1 = "wrong encoding: latin-1"
BOM = "wrong encoding: UTF-8 with BOM"
SEMICOLON = "semicolon delimiter, decimal commas"
DUPLICATE = "duplicated rows"
NEGATIVE = "negative count"
NOT_NUMBER = "non-numeric count"
HUGE = "absurdly large count"
FUTURE = "date in the future"
IMPOSSIBLE = "impossible date"
COUNTRY = "unknown country name"
CHECKSUM = "checksum mismatch"
REQUIRED = (EMPTY, CORRUPT, SHEET, COLUMN, BANNER, LATIN1, BOM, SEMICOLON, DUPLICATE, NEGATIVE, NOT_NUMBER, HUGE,
            FUTURE, IMPOSSIBLE, COUNTRY, CHECKSUM)
OTHER = "other native-format fault"  # further existing bad fixtures, kept in the corpus

# --- fixtures: files on disk, or built into the test's tmp directory ---------------------------------

@dataclass(frozen=True)
class Fixture:
    label: str  # shown in the table
    make: Callable[[Path], list[Path]]  # tmp dir -> the input files, in read order


def files(*rel: str) -> Fixture:
    """Committed fixtures, as paths relative to tests/fixtures/bad (``../`` reaches other fixture folders)."""
    return Fixture(", ".join(f"bad/{r}" if not r.startswith("../") else r[3:] for r in rel),
                   lambda tmp: [(BAD / r).resolve() for r in rel])


def built(label: str):
    """Decorator: a builder ``fn(tmp) -> Path | list[Path]`` becomes a :class:`Fixture`."""
    def wrap(fn) -> Fixture:
        def make(tmp: Path) -> list[Path]:
            out = fn(tmp)
            return list(out) if isinstance(out, list | tuple) else [out]
        return Fixture(f"built: {label}", make)
    return wrap


def target(tmp: Path, source: str, name: str) -> Path:
    path = tmp / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    for i, (title, rows) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        for row in rows:
            ws.append(row)
    wb.properties.created = wb.properties.modified = datetime(2025, 1, 1)
    wb.save(path)
    return path


def empty_file(source: str, name: str) -> Fixture:
    return built(f"{name}, 0 bytes")(lambda tmp: _write(target(tmp, source, name), b""))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def truncated(fx: Fixture, keep: float = 0.5) -> Fixture:
    """The first part of a good file's bytes: a download cut short."""
    def make(tmp: Path) -> list[Path]:
        path = fx.make(tmp)[0]
        data = path.read_bytes()
        return [_write(path, data[: int(len(data) * keep)])]
    return Fixture(f"{fx.label}, cut to its first {int(keep * 100)}% of bytes", make)


def xml_part_cut(fx: Fixture, part: str = "xl/worksheets/sheet1.xml") -> Fixture:
    """A workbook whose zip is intact but whose ``part`` holds only the first half of its XML."""
    def make(tmp: Path) -> list[Path]:
        path = fx.make(tmp)[0]
        with zipfile.ZipFile(path) as zin:
            items = [(i, zin.read(i.filename)) for i in zin.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info, data in items:
                zout.writestr(info, data[: len(data) // 2] if info.filename == part else data)
        return [path]
    return Fixture(f"{fx.label}, zip intact but {part} cut in half", make)


# IOM MMP workbook (the 2024 layout: sheet "Worksheet", header on row 1)
IOM_XLSX = "Missing_Migrants_Global_Figures_allData.xlsx"
IOM_HEAD = ["Main ID", "Incident ID", "Incident Type", "Region of Incident", "Incident Date", "Incident Year",
            "Month", "Number of Dead", "Minimum Estimated Number of Missing", "Total Number of Dead and Missing",
            "Number of Survivors", "Number of Females", "Number of Males", "Number of Children",
            "Country of Origin", "Region of Origin", "Cause of Death", "Country of Incident", "Migration Route",
            "Location of Incident", "Coordinates", "UNSD Geographical Grouping", "Information Source", "URL",
            "Source Quality"]


def iom_row(iid: str = "2016.MMP90001", changes: dict | None = None) -> list:
    row = {"Main ID": iid, "Incident ID": iid, "Incident Type": "Incident", "Region of Incident": "Mediterranean",
           "Incident Date": "2016-03-14", "Incident Year": 2016, "Month": "March", "Number of Dead": 2,
           "Minimum Estimated Number of Missing": 1, "Total Number of Dead and Missing": 3,
           "Number of Survivors": 10, "Country of Origin": "Unknown", "Cause of Death": "Drowning",
           "Country of Incident": "Libya", "Migration Route": "Central Mediterranean",
           "Location of Incident": "invented", "Coordinates": "33.0, 12.0", "Information Source": "invented",
           "Source Quality": 3}
    row.update(changes or {})
    return [row.get(h) for h in IOM_HEAD]


def iom_xlsx(label: str, *rows: list, sheet: str = "Worksheet", head: list = IOM_HEAD, above: tuple = ()) -> Fixture:
    """An IOM workbook with the given data rows (default: one good row); ``above``: rows before the header."""
    data = list(rows) or [iom_row()]
    return built(f"{IOM_XLSX}: {label}")(
        lambda tmp: write_xlsx(target(tmp, "iom_mmp", IOM_XLSX), {sheet: [*above, head, *data]}))


# Frontex: an R save file with the tibble ``frontex`` (route, type, nat, t = days of the month's first day, n)
CM = "Central Mediterranean Route"


def days(month: str) -> float:
    return float((pd.Timestamp(f"{month}-01") - pd.Timestamp("1970-01-01")).days)


def frontex_rda(label: str, rows: list[tuple], *, name: str = "frontex", rename: dict | None = None) -> Fixture:
    """rows: (route, type, nat, t, n); t as "YYYY-MM" (that month's first day) or a raw number of days."""
    def make(tmp: Path) -> Path:
        df = pd.DataFrame(rows, columns=["route", "type", "nat", "t", "n"])
        df["t"] = [days(t) if isinstance(t, str) else float(t) for t in df["t"]]
        path = target(tmp, "frontex_ibc", "frontex.rda")
        rdata.write_rda(path, {name: df.rename(columns=rename or {})}, compression="bzip2", format_version=2)
        return path
    return built(f"frontex.rda: {label}")(make)


FRONTEX_OK = (CM, "Sea", "NGA", "2016-01", 1200.0)

# UNHCR workbook: only the sheets "Arrivals - Italy" and "Arrivals - Spain" are read (header on row 1)
UNHCR_XLSX = "unhcr med data 12 31.xlsx"
UNHCR_HEAD = ["Country of Origin ISO Code", "Country of Origin Name", "Arrival Month", "Arrival Year",
              "Number of individuals arrived", "Month Name"]
UNHCR_OK = ["NGA", "Nigeria", 1, 2016, 410, "January"]


def unhcr_xlsx(label: str, italy: list[list], *, above: tuple = ()) -> Fixture:
    return built(f"{UNHCR_XLSX}: {label}")(lambda tmp: write_xlsx(
        target(tmp, "unhcr_med", UNHCR_XLSX),
        {"COMBINED": [["month", "italy_all"], [1, 999]], "Arrivals - Italy": [*above, UNHCR_HEAD, *italy],
         "Arrivals - Spain": [UNHCR_HEAD, ["MAR", "Morocco", 1, 2016, 66, "January"]]}))


# dataUNODC long format: A1 "UNODC", A2 the release date, header on row 3, one value per row
UNODC = {"unodc_glotip": ("data_glotip.xlsx", "data_glotip_1", "txtVALUE"),
         "unodc_cts": ("data_cts_corruption_and_economic_crime.xlsx", "data_cts_corruption_and_economi", "VALUE")}


def unodc_head(source: str) -> list[str]:
    return ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex", "Age",
            "Year", "Unit of measurement", UNODC[source][2], "Source"]


def glotip_row(value="12", *, iso3="ITA", country="Italy", citizenship: str | None = None, year=2016) -> list:
    dimension, category = ("by citizenship", citizenship) if citizenship else ("Total", "Total")
    return [iso3, country, "Europe", "Southern Europe", "Detected trafficking victims", dimension, category,
            "Total", "Total", year, "Counts", value, "GLOTIP"]


def cts_row(value=1720, *, iso3="ITA", country="Italy", year=2016, unit="Counts") -> list:
    return [iso3, country, "Europe", "Southern Europe", "Offences", "by type of offence", "Smuggling of migrants",
            "Total", "Total", year, unit, value, "CTS"]


def unodc_xlsx(source: str, label: str, *rows: list, extra_banner: bool = False) -> Fixture:
    name, sheet, _ = UNODC[source]
    default = glotip_row() if source == "unodc_glotip" else cts_row()
    banner = [["UNODC", "unodc_ddds@un.org"], ["14/04/2025"]]
    if extra_banner:
        banner.append(["Note: invented rows for the bad-input corpus"])
    return built(f"{name}: {label}")(lambda tmp: write_xlsx(
        target(tmp, source, name), {sheet: [*banner, unodc_head(source), *(list(rows) or [default])]}))


# Checksum mismatch: a copy of the pinned demo fixture with one byte changed
REGISTRY_FILE = FIXTURES / "sources.yaml"
CHECKSUM_FILE = {"iom_mmp": IOM_XLSX, "frontex_ibc": "frontex.rda", "unhcr_med": UNHCR_XLSX,
                 "italy_moi_landings": "sbarchi-per-giorno.csv", "eurostat_migr_eipre": "eurostat_migr_eipre.json",
                 "population": "population.csv", "unodc_glotip": UNODC["unodc_glotip"][0],
                 "unodc_cts": UNODC["unodc_cts"][0]}


def one_byte_changed(source: str) -> Fixture:
    name = CHECKSUM_FILE[source]

    def make(tmp: Path) -> list[Path]:
        data = bytearray((RAW / source / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        return [_write(target(tmp, source, name), bytes(data))]
    return Fixture(f"raw/{source}/{name}, middle byte flipped", make)


# --- the table ----------------------------------------------------------------------------------------

@dataclass
class Case:
    source: str
    kind: str  # one of REQUIRED, or OTHER
    variant: str  # what exactly (the native-format detail), "" when the kind says it all
    fixture: Fixture | None
    outcome: str  # "a", "b" or "n/a"
    rows: int | None = None  # (a) raw records the fixture holds
    reasons: dict[str, int] = field(default_factory=dict)  # (a) the ledger's rejected_by_reason, exactly
    named: tuple[tuple[str, str], ...] = ()  # (a) (reason, text a reject of that reason shows in value/detail)
    error: type[MedroutesError] = InputError  # (b)
    # (b) label -> text the message must contain (a tuple: one of them); None: the part does not exist here
    parts: dict[str, str | tuple[str, ...] | None] = field(default_factory=dict)
    stage: str = "clean"  # how far the run goes: clean | harmonise | intake
    bug: str | None = None  # xfail(strict=True) reason
    why: str = ""  # n/a: why the case does not apply

    @property
    def case(self) -> str:
        return f"{self.kind} ({self.variant})" if self.variant else self.kind

    @property
    def id(self) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "_", f"{self.source}-{self.case}").strip("_")


def A(source, kind, variant, fixture, rows, reasons, named=(), **kw) -> Case:
    return Case(source, kind, variant, fixture, "a", rows=rows, reasons=reasons, named=tuple(named), **kw)


def B(source, kind, variant, fixture, *, error=InputError, **parts) -> Case:
    extra = {k: parts.pop(k) for k in ("stage", "bug") if k in parts}
    return Case(source, kind, variant, fixture, "b", error=error, parts=parts, **extra)


def NA(source, kind, why) -> Case:
    return Case(source, kind, "", None, "n/a", why=why)


F = "{file}"  # the input file's path, as the message gives it
# A ';'-separated file fails on its header: as one column that lacks every expected one, or (better) named as such.
SEMICOLON_EXPECTED = ("expected the columns", "expected comma-separated")


def unknown_country(source, variant, fixture, column, value, rows=1) -> Case:
    """Harmonised with the project resolver (config/country_aliases.yaml + config areas)."""
    return B(source, COUNTRY, variant, fixture, error=ResolveError, stage="harmonise",
             source_id=f"source {source!r}", column=f"column {column!r}", value=f"{value!r} ({rows} rows)",
             problem="cannot resolve to ISO3", expected="Add each to config/country_aliases.yaml")


def checksum(source) -> Case:
    return B(source, CHECKSUM, "", one_byte_changed(source), error=IntakeError, stage="intake",
             file=F, source_id=f"source {source!r}", problem="checksum mismatch",
             value="found {observed}", expected="expected sha256 {pinned}")


XLSX_ONLY = "an .xlsx file carries its own encoding (XML, UTF-8); there are no bytes to decode as text"
XLSX_NO_DELIMITER = "an .xlsx file has cells, not delimited text"
RDA_TEXT = "an .rda file is binary R serialisation; strings carry their own encoding flag"
RDA_NO_BANNER = "an R data frame has no rows above its header (column names are attributes)"
RDA_NO_DELIMITER = "an .rda file has typed vectors, not delimited text"
CSV_NO_SHEET = "a CSV file has no sheets"
JSON_NO_SHEET = "a JSON-stat file has no sheets (the nearest case, another JSON document, is api_error.json below)"
JSON_NO_BANNER = "JSON has no rows above a header; the dimensions are named keys"
JSON_NO_DELIMITER = "JSON numbers have one syntax ('.' decimal point); there is no delimiter to get wrong"

IOM_CSV_LAYOUT = "old CSV layout"
IOM_XLSX_CUT = truncated(iom_xlsx("one good incident"))

CASES: list[Case] = [
    # ---------------------------------------------------------------- iom_mmp: xlsx (2024) and old CSV
    B("iom_mmp", EMPTY, "xlsx", empty_file("iom_mmp", IOM_XLSX),
      file=F, problem="file is empty", expected="expected an .xlsx workbook"),
    B("iom_mmp", EMPTY, IOM_CSV_LAYOUT, files("iom_mmp/empty.csv"),
      file=F, problem="file is empty", expected="expected a CSV file with a header row"),
    B("iom_mmp", CORRUPT, "xlsx cut short", IOM_XLSX_CUT,
      file=F, problem="cannot open as an .xlsx workbook", value=("BadZipFile", "CalamineError"),
      expected="expected an intact .xlsx"),
    B("iom_mmp", CORRUPT, "xlsx, sheet XML cut", xml_part_cut(iom_xlsx("one good incident")),
      file=F, place="sheet 'Worksheet'", problem="cannot read", expected="expected an intact .xlsx"),
    A("iom_mmp", CORRUPT, f"{IOM_CSV_LAYOUT}, last line cut", files("iom_mmp/truncated.csv"), 2,
      {"missing_value": 1}, [("missing_value", "'dead_and_missing' is empty")]),
    B("iom_mmp", SHEET, "", iom_xlsx("sheet named Sheet1", sheet="Sheet1"),
      file=F, problem="sheet 'Worksheet' not found", value="['Sheet1']", expected="a sheet named 'Worksheet'"),
    B("iom_mmp", COLUMN, "xlsx", iom_xlsx("'Total Number of Dead and Missing' renamed 'Total Dead and Missing'",
                                          head=[h.replace("Total Number of", "Total") for h in IOM_HEAD]),
      file=F, place="sheet 'Worksheet' row 1", column="'Total Number of Dead and Missing'",
      value="'Total Dead and Missing'", expected="expected the columns"),
    B("iom_mmp", COLUMN, IOM_CSV_LAYOUT, files("iom_mmp/renamed_column.csv"),
      file=F, place="line 1", column="'Total Dead and Missing'", value="'Total'", expected="expected the columns"),
    B("iom_mmp", BANNER, "xlsx, title and blank row above the header",
      iom_xlsx("2 rows above the header", above=(["Missing Migrants Project: global figures"], [])),
      file=F, place="sheet 'Worksheet' row 1", column="'Incident ID'",
      value="'Missing Migrants Project: global figures'", expected="expected the columns"),
    B("iom_mmp", BANNER, f"{IOM_CSV_LAYOUT}, title line", files("iom_mmp/banner.csv"),
      file=F, place="line 1", column="'Web ID'", value="Missing Migrants Project - global figures",
      expected="expected the columns"),
    B("iom_mmp", LATIN1, IOM_CSV_LAYOUT, files("iom_mmp/latin1.csv"),
      file=F, place="line 3", problem="bytes are not utf-8-sig", value="\\xe1n Sea",
      expected="expected text encoded as utf-8-sig"),
    A("iom_mmp", BOM, f"{IOM_CSV_LAYOUT}: native, read as UTF-8 with the BOM dropped", files("iom_mmp/bom.csv"),
      2, {}),
    NA("iom_mmp", BOM, f"xlsx: {XLSX_ONLY}"),
    B("iom_mmp", SEMICOLON, f"{IOM_CSV_LAYOUT}: every line splits on its commas the same way, so the header "
      "is read as one column", files("iom_mmp/semicolon.csv"),
      file=F, place="line 1", value="'Web ID;Region of Incident;", expected=SEMICOLON_EXPECTED),
    NA("iom_mmp", SEMICOLON, f"xlsx: {XLSX_NO_DELIMITER}"),
    A("iom_mmp", DUPLICATE, "xlsx: an incident exported twice, then a third time with another count",
      iom_xlsx("incident 2016.MMP90001 three times", iom_row(), iom_row(),
               iom_row(changes={"Number of Dead": 3, "Total Number of Dead and Missing": 4})),
      3, {"duplicate_record": 1, "conflicting_duplicate": 1}, [("duplicate_record", "Worksheet!row 2")]),
    A("iom_mmp", NEGATIVE, "xlsx 'Number of Dead' -2 (negative 'missing' is IOM's split-incident adjustment, "
      "kept by design)",
      iom_xlsx("dead -2", iom_row(), iom_row("2016.MMP90002", {"Number of Dead": -2, "Total Number of Dead and "
                                                              "Missing": 3, "Minimum Estimated Number of Missing": 5}),
               iom_row("2016.MMP90003", {"Number of Dead": 3, "Minimum Estimated Number of Missing": -3,
                                         "Total Number of Dead and Missing": 0})),
      3, {"negative_count": 1}, [("negative_count", "-2")]),
    A("iom_mmp", NOT_NUMBER, "xlsx 'Number of Dead' 'two'",
      iom_xlsx("dead 'two'", iom_row(), iom_row("2016.MMP90002", {"Number of Dead": "two"})),
      2, {"not_a_number": 1}, [("not_a_number", "two")]),
    A("iom_mmp", NOT_NUMBER, f"{IOM_CSV_LAYOUT} 'Number Dead' 'many', with 'February 30, 2019'",
      files("../layouts/iom_mmp/MissingMigrants-Global-2019-12-31.csv"),
      5, {"invalid_period": 1, "not_a_number": 1}, [("not_a_number", "many")]),
    A("iom_mmp", HUGE, "xlsx total 99,999,999",
      iom_xlsx("total 99999999", iom_row(), iom_row("2016.MMP90002", {"Total Number of Dead and Missing": 99999999})),
      2, {"implausible_count": 1}, [("implausible_count", "99999999")]),
    A("iom_mmp", FUTURE, "xlsx 'Incident Date' '2031-05-01' as text (the native cell type)",
      iom_xlsx("date 2031-05-01", iom_row(), iom_row("2031.MMP90002", {"Incident Date": "2031-05-01",
                                                                       "Incident Year": 2031, "Month": "May"})),
      2, {"future_period": 1}, [("future_period", "2031-05-01")]),
    A("iom_mmp", FUTURE, "xlsx 'Incident Date' 2031-05-01 as an Excel date cell",
      iom_xlsx("date cell 2031-05-01", iom_row(), iom_row("2031.MMP90002", {"Incident Date": datetime(2031, 5, 1),
                                                                            "Incident Year": 2031, "Month": "May"})),
      2, {"future_period": 1}, [("future_period", "2031-05-01")]),
    A("iom_mmp", IMPOSSIBLE, "xlsx 'Incident Date' '2016-02-30'; no date and Month 'Smarch'",
      iom_xlsx("2016-02-30 and month Smarch", iom_row(), iom_row("2016.MMP90002", {"Incident Date": "2016-02-30"}),
               iom_row("2016.MMP90003", {"Incident Date": None, "Month": "Smarch"})),
      3, {"invalid_period": 2}, [("invalid_period", "2016-02-30"), ("invalid_period", "2016-Smarch")]),
    A("iom_mmp", IMPOSSIBLE, f"{IOM_CSV_LAYOUT} 'February 30, 2019'",
      files("../layouts/iom_mmp/MissingMigrants-Global-2019-12-31.csv"),
      5, {"invalid_period": 1, "not_a_number": 1}, [("invalid_period", "February 30, 2019")]),
    unknown_country("iom_mmp", "xlsx 'Country of Incident' 'Atlantis'",
                    iom_xlsx("country Atlantis", iom_row(),
                             iom_row("2016.MMP90002", {"Country of Incident": "Atlantis"})),
                    "country_of_incident", "Atlantis"),
    checksum("iom_mmp"),

    # ---------------------------------------------------------------- frontex_ibc: R .rda
    B("frontex_ibc", EMPTY, "", empty_file("frontex_ibc", "frontex.rda"),
      file=F, problem="file is empty", expected="expected an R .rda file"),
    B("frontex_ibc", CORRUPT, "cut short", truncated(frontex_rda("one good record", [FRONTEX_OK])),
      file=F, problem="cannot read as an R data file", expected="expected an intact .rda"),
    B("frontex_ibc", CORRUPT, "not R data at all",
      built("frontex.rda holding plain text")(lambda tmp: _write(target(tmp, "frontex_ibc", "frontex.rda"),
                                                                 b"route,type,nat,t,n\n")),
      file=F, problem="cannot read as an R data file", expected="expected an intact .rda"),
    B("frontex_ibc", SHEET, "the R object, the .rda's sheet, is named 'ibc'",
      frontex_rda("object named ibc", [FRONTEX_OK], name="ibc"),
      file=F, problem="object 'frontex' not found", value="['ibc']", expected="an R object named 'frontex'"),
    B("frontex_ibc", COLUMN, "n renamed value", frontex_rda("n renamed value", [FRONTEX_OK], rename={"n": "value"}),
      file=F, place="object 'frontex'", column="['n']", value="'value'", expected="expected the columns"),
    NA("frontex_ibc", BANNER, RDA_NO_BANNER),
    NA("frontex_ibc", LATIN1, RDA_TEXT),
    NA("frontex_ibc", BOM, RDA_TEXT),
    NA("frontex_ibc", SEMICOLON, RDA_NO_DELIMITER),
    A("frontex_ibc", DUPLICATE, "a cell twice, then a third time with another count",
      frontex_rda("one cell three times", [FRONTEX_OK, FRONTEX_OK, (*FRONTEX_OK[:4], 1300.0)]),
      3, {"duplicate_record": 1, "conflicting_duplicate": 1}, [("conflicting_duplicate", "frontex record 1")]),
    A("frontex_ibc", NEGATIVE, "n = -5", frontex_rda("n -5", [FRONTEX_OK, (CM, "Sea", "SEN", "2016-01", -5.0)]),
      2, {"negative_count": 1}, [("negative_count", "-5")]),
    A("frontex_ibc", NOT_NUMBER, "n a character vector holding 'many'",
      frontex_rda("n as text", [(*FRONTEX_OK[:4], "1200"), (CM, "Sea", "SEN", "2016-01", "many")]),
      2, {"not_a_number": 1}, [("not_a_number", "many")]),
    A("frontex_ibc", HUGE, "n = 5e9", frontex_rda("n 5e9", [FRONTEX_OK, (CM, "Sea", "SEN", "2016-01", 5e9)]),
      2, {"implausible_count": 1}, [("implausible_count", "5000000000")]),
    A("frontex_ibc", FUTURE, "t = 2031-01", frontex_rda("t 2031-01", [FRONTEX_OK, (CM, "Sea", "SEN", "2031-01", 5.0)]),
      2, {"future_period": 1}, [("future_period", "2031-01")]),
    A("frontex_ibc", IMPOSSIBLE, "t = 16815 days (2016-01-15, not a month's first day); t = NA",
      frontex_rda("t mid-month and NA", [FRONTEX_OK, (CM, "Sea", "SEN", 16815.0, 5.0),
                                         (CM, "Sea", "TUN", float("nan"), 5.0)]),
      3, {"invalid_period": 1, "missing_value": 1}, [("invalid_period", "16815"), ("missing_value", "period")]),
    unknown_country("frontex_ibc", "nat 'QQQ'",
                    frontex_rda("nat QQQ", [FRONTEX_OK, (CM, "Sea", "QQQ", "2016-01", 5.0)]), "citizenship", "QQQ"),
    checksum("frontex_ibc"),

    # ---------------------------------------------------------------- unhcr_med: xlsx sheets and totals CSV
    B("unhcr_med", EMPTY, "xlsx", files("unhcr_med/empty.xlsx"),
      file=F, problem="file is empty", expected="expected an .xlsx workbook"),
    B("unhcr_med", EMPTY, "CSV", files("unhcr_med/empty.csv"),
      file=F, problem="file is empty", expected="expected a CSV file with a header row"),
    B("unhcr_med", CORRUPT, "xlsx that is not a zip", files("unhcr_med/corrupt.xlsx"),
      file=F, problem="cannot open as an .xlsx workbook", value=("BadZipFile", "CalamineError"),
      expected="expected an intact .xlsx"),
    B("unhcr_med", CORRUPT, "xlsx, sheet XML cut", xml_part_cut(unhcr_xlsx("one good row", [UNHCR_OK]),
                                                               "xl/worksheets/sheet2.xml"),
      file=F, place="sheet 'Arrivals - Italy'", problem="cannot read", expected="expected an intact .xlsx"),
    A("unhcr_med", CORRUPT, "CSV, last line cut after one value", files("unhcr_med/truncated.csv"),
      18, {"missing_count": 8}, [("missing_count", "'greece_all' is empty")]),
    B("unhcr_med", SHEET, "", files("unhcr_med/missing_sheet.xlsx"),
      file=F, problem="sheet 'Arrivals - Spain' not found", value="'COMBINED'",
      expected="a sheet named 'Arrivals - Spain'"),
    B("unhcr_med", COLUMN, "xlsx", files("unhcr_med/renamed_column.xlsx"),
      file=F, place="sheet 'Arrivals - Italy' row 1", column="['Number of individuals arrived']",
      value="'Number of arrivals'", expected="expected the columns"),
    B("unhcr_med", COLUMN, "CSV", files("unhcr_med/renamed_column.csv"),
      file=F, place="line 1", column="['italy_all']", value="'italy_total'", expected="expected the columns"),
    B("unhcr_med", BANNER, "xlsx, title row above the header",
      unhcr_xlsx("title row on Arrivals - Italy", [UNHCR_OK], above=(["UNHCR - Arrivals to Italy"],)),
      file=F, place="sheet 'Arrivals - Italy' row 1", column="'Country of Origin ISO Code'",
      value="'UNHCR - Arrivals to Italy'", expected="expected the columns"),
    B("unhcr_med", BANNER, "CSV, title line padded with commas", files("unhcr_med/banner.csv"),
      file=F, place="line 1", column="'month'", value="'UNHCR Operational Data Portal - Mediterranean situation'",
      expected="expected the columns"),
    B("unhcr_med", LATIN1, "CSV", files("unhcr_med/latin1.csv"),
      file=F, place="line 2", problem="bytes are not utf-8-sig", value="\\xe9", expected="utf-8-sig"),
    A("unhcr_med", BOM, "CSV: native, read with the BOM dropped", files("unhcr_med/bom.csv"), 9, {}),
    NA("unhcr_med", BOM, f"xlsx: {XLSX_ONLY}"),
    B("unhcr_med", SEMICOLON, "CSV", files("unhcr_med/semicolon.csv"),
      file=F, place="line 1", value="month;year;month-year", expected=SEMICOLON_EXPECTED),
    NA("unhcr_med", SEMICOLON, f"xlsx: {XLSX_NO_DELIMITER}"),
    A("unhcr_med", DUPLICATE, "CSV: a month twice, then a third time with another italy_all",
      files("unhcr_med/duplicate.csv"), 27, {"conflicting_duplicate": 1, "duplicate_record": 17},
      [("conflicting_duplicate", "row 2, column italy_all")]),
    A("unhcr_med", NEGATIVE, "xlsx -4 (with other bad values)", files("unhcr_med/bad_values.xlsx"), 12,
      {"invalid_period": 1, "missing_count": 1, "missing_value": 2, "negative_count": 1, "not_a_number": 1},
      [("negative_count", "-4")]),
    A("unhcr_med", NEGATIVE, "CSV malta_all -3 (with other bad values)", files("unhcr_med/bad_values.csv"), 54,
      {"invalid_period": 9, "missing_count": 1, "negative_count": 1, "not_a_number": 2, "not_whole_number": 1,
       "period_conflict": 9}, [("negative_count", "-3")]),
    A("unhcr_med", NOT_NUMBER, "xlsx '1,2' (with other bad values)", files("unhcr_med/bad_values.xlsx"), 12,
      {"invalid_period": 1, "missing_count": 1, "missing_value": 2, "negative_count": 1, "not_a_number": 1},
      [("not_a_number", "1,2")]),
    A("unhcr_med", NOT_NUMBER, "CSV '1.2k' and '1,234' (with other bad values)", files("unhcr_med/bad_values.csv"), 54,
      {"invalid_period": 9, "missing_count": 1, "negative_count": 1, "not_a_number": 2, "not_whole_number": 1,
       "period_conflict": 9}, [("not_a_number", "1.2k"), ("not_a_number", "1,234")]),
    A("unhcr_med", HUGE, "CSV italy_all 99999999 (and a line for Jan-2031)", files("unhcr_med/extremes.csv"), 18,
      {"future_period": 9, "implausible_count": 1}, [("implausible_count", "99999999")]),
    A("unhcr_med", FUTURE, "CSV line Jan-2031: each of its 9 cells (and italy_all 99999999)",
      files("unhcr_med/extremes.csv"), 18, {"future_period": 9, "implausible_count": 1},
      [("future_period", "2031-01")]),
    A("unhcr_med", IMPOSSIBLE, "xlsx month 13 (with other bad values)", files("unhcr_med/bad_values.xlsx"), 12,
      {"invalid_period": 1, "missing_count": 1, "missing_value": 2, "negative_count": 1, "not_a_number": 1},
      [("invalid_period", "2016-13")]),
    A("unhcr_med", IMPOSSIBLE, "CSV label '2016/05' (with other bad values)", files("unhcr_med/bad_values.csv"), 54,
      {"invalid_period": 9, "missing_count": 1, "negative_count": 1, "not_a_number": 2, "not_whole_number": 1,
       "period_conflict": 9}, [("invalid_period", "2016/05")]),
    unknown_country("unhcr_med", "xlsx name 'Atlantis', ISO code blank",
                    unhcr_xlsx("origin Atlantis", [UNHCR_OK, [None, "Atlantis", 1, 2016, 12, "January"]]),
                    "citizenship", "Atlantis"),
    checksum("unhcr_med"),
    B("unhcr_med", OTHER, "a file that is neither the workbook nor the CSV", files("unhcr_med/arrivals.txt"),
      file=F, problem="unknown file type", value="'.txt'", expected="the workbook (.xlsx) or the monthly totals"),

    # ---------------------------------------------------------------- italy_moi_landings: onData CSVs
    B("italy_moi_landings", EMPTY, "", files("italy_moi_landings/empty/sbarchi-per-giorno.csv"),
      file=F, problem="file is empty", expected="expected a CSV file with a header row"),
    A("italy_moi_landings", CORRUPT, "last line cut inside ISO_3166-1",
      files("italy_moi_landings/truncated/nazionalita.csv"), 2, {"missing_value": 1},
      [("missing_value", "'persons' is empty")]),
    NA("italy_moi_landings", SHEET, CSV_NO_SHEET),
    B("italy_moi_landings", COLUMN, "", files("italy_moi_landings/renamed/nazionalita.csv"),
      file=F, place="line 1", column="'ISO_3166-1'", value="'ISO'", expected="expected the columns"),
    B("italy_moi_landings", BANNER, "title line", files("italy_moi_landings/banner/sbarchi-per-giorno.csv"),
      file=F, place="line 1", column="'Data'", value="'Cruscotto statistico giornaliero - sbarchi per giorno'",
      expected="expected the columns"),
    B("italy_moi_landings", LATIN1, "", files("italy_moi_landings/latin1/nazionalita.csv"),
      file=F, place="line 2", problem="bytes are not utf-8-sig", value="\\xe0", expected="utf-8-sig"),
    A("italy_moi_landings", BOM, "read with the BOM dropped", files("italy_moi_landings/bom/nazionalita.csv"), 2, {}),
    B("italy_moi_landings", SEMICOLON, "", files("italy_moi_landings/semicolon/sbarchi-per-giorno.csv"),
      file=F, place="line 1", value="Data;Valore;Note", expected=SEMICOLON_EXPECTED),
    A("italy_moi_landings", DUPLICATE, "one date twice in the winning report, a Guinea row twice",
      files("italy_moi_landings/duplicates/sbarchi-per-giorno.csv", "italy_moi_landings/duplicates/nazionalita.csv"),
      5, {"conflicting_duplicate": 2, "superseded_same_value": 1}, [("conflicting_duplicate", "2017-03-04")]),
    A("italy_moi_landings", NEGATIVE, "Valore -5 (with other bad values)",
      files("italy_moi_landings/values/sbarchi-per-giorno.csv", "italy_moi_landings/values/nazionalita.csv"), 15,
      {"invalid_period": 1, "missing_value": 4, "negative_count": 1, "not_a_number": 3}, [("negative_count", "-5")]),
    A("italy_moi_landings", NOT_NUMBER, "Valore '0[VALORE]0' and 'n.d.' (with other bad values)",
      files("italy_moi_landings/values/sbarchi-per-giorno.csv", "italy_moi_landings/values/nazionalita.csv"), 15,
      {"invalid_period": 1, "missing_value": 4, "negative_count": 1, "not_a_number": 3},
      [("not_a_number", "0[VALORE]0"), ("not_a_number", "n.d.")]),
    A("italy_moi_landings", HUGE, "Valore 99999999 (and a report of 2031)",
      files("italy_moi_landings/extremes/nazionalita.csv"), 3, {"future_period": 1, "implausible_count": 1},
      [("implausible_count", "99999999")]),
    A("italy_moi_landings", FUTURE, "Data_Report 2031-01-15 (and Valore 99999999)",
      files("italy_moi_landings/extremes/nazionalita.csv"), 3, {"future_period": 1, "implausible_count": 1},
      [("future_period", "2031-01-15")]),
    A("italy_moi_landings", IMPOSSIBLE, "Data_Report 2017-03-32 (with other bad values)",
      files("italy_moi_landings/values/sbarchi-per-giorno.csv", "italy_moi_landings/values/nazionalita.csv"), 15,
      {"invalid_period": 1, "missing_value": 4, "negative_count": 1, "not_a_number": 3},
      [("invalid_period", "2017-03-32")]),
    unknown_country("italy_moi_landings", "Nazione 'Atlantide', no ISO code",
                    files("italy_moi_landings/unknown_country/nazionalita.csv"), "counterpart", "Atlantide"),
    checksum("italy_moi_landings"),
    B("italy_moi_landings", OTHER, "an unquoted comma in Note: one field too many",
      files("italy_moi_landings/ragged/sbarchi-per-giorno.csv"),
      file=F, place="line 3", value="ore 8:00, del giorno", expected="5 fields"),
    B("italy_moi_landings", OTHER, "a CSV that is not one of this source's tables",
      files("italy_moi_landings/accoglienza.csv"),
      file=F, problem="not a file of this source", value="'accoglienza.csv'", expected="sbarchi-per-giorno.csv"),

    # ---------------------------------------------------------------- eurostat_migr_eipre: JSON-stat 2.0
    B("eurostat_migr_eipre", EMPTY, "", files("eurostat_migr_eipre/empty.json"),
      file=F, problem="file is empty", expected="a JSON-stat 2.0 dataset"),
    B("eurostat_migr_eipre", CORRUPT, "cut short", files("eurostat_migr_eipre/truncated.json"),
      file=F, place="line 3 column 1", problem="not valid JSON", expected="a JSON-stat 2.0 dataset"),
    NA("eurostat_migr_eipre", SHEET, JSON_NO_SHEET),
    B("eurostat_migr_eipre", COLUMN, "no 'apprehen' dimension", files("eurostat_migr_eipre/missing_dimension.json"),
      file=F, place="key 'id'", column="['apprehen']", value="'freq', 'reason', 'citizen'",
      expected="the migr_eipre dimensions"),
    NA("eurostat_migr_eipre", BANNER, JSON_NO_BANNER),
    B("eurostat_migr_eipre", LATIN1, "", files("eurostat_migr_eipre/latin1.json"),
      file=F, place="byte 46", problem="bytes are not UTF-8", value="\\xe8ce", expected="UTF-8"),
    A("eurostat_migr_eipre", BOM, "read with the BOM dropped", files("eurostat_migr_eipre/bom.json"), 2, {}),
    NA("eurostat_migr_eipre", SEMICOLON, JSON_NO_DELIMITER),
    B("eurostat_migr_eipre", DUPLICATE, "cell index '0' twice in 'value', 1200 then 1300",
      files("eurostat_migr_eipre/duplicate_cell.json"),
      file=F, place="key '0'", value="1200, 1300", expected="once"),
    A("eurostat_migr_eipre", NEGATIVE, "-5 (with other bad values)", files("eurostat_migr_eipre/dense_flags.json"), 13,
      {"missing_value": 1, "negative_count": 1, "not_a_number": 1, "not_whole_number": 1, "unknown_category": 1,
       "unsupported_status_flag": 1}, [("negative_count", "-5")]),
    A("eurostat_migr_eipre", NOT_NUMBER, "':' (with other bad values)", files("eurostat_migr_eipre/dense_flags.json"),
      13, {"missing_value": 1, "negative_count": 1, "not_a_number": 1, "not_whole_number": 1, "unknown_category": 1,
           "unsupported_status_flag": 1}, [("not_a_number", ":")]),
    A("eurostat_migr_eipre", HUGE, "99999999 (and years 2031, 2016-02-30)", files("eurostat_migr_eipre/extremes.json"),
      3, {"future_period": 1, "implausible_count": 1, "invalid_period": 1}, [("implausible_count", "99999999")]),
    A("eurostat_migr_eipre", FUTURE, "time 2031", files("eurostat_migr_eipre/extremes.json"),
      3, {"future_period": 1, "implausible_count": 1, "invalid_period": 1}, [("future_period", "2031")]),
    A("eurostat_migr_eipre", IMPOSSIBLE, "time 2016-02-30", files("eurostat_migr_eipre/extremes.json"),
      3, {"future_period": 1, "implausible_count": 1, "invalid_period": 1}, [("invalid_period", "2016-02-30")]),
    unknown_country("eurostat_migr_eipre", "geo 'EA19' (a Eurostat aggregate not in config areas)",
                    files("eurostat_migr_eipre/unknown_geo.json"), "geo", "EA19"),
    checksum("eurostat_migr_eipre"),
    B("eurostat_migr_eipre", OTHER, "an API error document instead of the dataset",
      files("eurostat_migr_eipre/api_error.json"),
      file=F, place="key 'class'", value="Invalid value for dimension geo", expected='"class": "dataset"'),
    B("eurostat_migr_eipre", OTHER, "'size' and category.index disagree",
      files("eurostat_migr_eipre/size_mismatch.json"),
      file=F, place="dimension 'geo'", value="['IT', 'ES']", expected="as many categories as 'size' says"),
    B("eurostat_migr_eipre", OTHER, "a fixed dimension broken down (another extract)",
      files("eurostat_migr_eipre/unfixed_sex.json"),
      file=F, place="dimension 'sex'", value="['T', 'M', 'F']", expected="only 'T'"),
    B("eurostat_migr_eipre", OTHER, "a value key beyond the cells", files("eurostat_migr_eipre/bad_value_key.json"),
      file=F, place="value['7']", value="'7'", expected="a whole number from 0 to 1"),
    B("eurostat_migr_eipre", OTHER, "a dense value array too short", files("eurostat_migr_eipre/dense_short.json"),
      file=F, place="key 'value'", problem="array has 3 entries", expected="4 entries"),

    # ---------------------------------------------------------------- population: World Bank CSV (datahub)
    B("population", EMPTY, "", files("population/empty.csv"),
      file=F, problem="file is empty", expected="expected a CSV file with a header row"),
    A("population", CORRUPT, "last line cut inside Year", files("population/truncated.csv"), 2,
      {"invalid_period": 1}, [("invalid_period", "20")]),
    NA("population", SHEET, CSV_NO_SHEET),
    B("population", COLUMN, "", files("population/renamed_column.csv"),
      file=F, place="line 1", column="['Country Code']", value="'Country_Code'", expected="expected the columns"),
    B("population", BANNER, "the World Bank API's 'Data Source' / 'Last Updated Date' lines",
      files("population/banner.csv"),
      file=F, place="line 4", value="Country Name,Country Code", expected="header"),
    B("population", LATIN1, "", files("population/latin1.csv"),
      file=F, place="line 3", problem="bytes are not utf-8-sig", value="te d'Iv", expected="utf-8-sig"),
    A("population", BOM, "read with the BOM dropped", files("population/bom.csv"), 2, {}),
    B("population", SEMICOLON, "", files("population/semicolon.csv"),
      file=F, place="line 1", value="Country Name;Country Code", expected=SEMICOLON_EXPECTED),
    A("population", DUPLICATE, "ITA 2016 twice, ESP 2016 twice with two values", files("population/duplicates.csv"),
      4, {"conflicting_duplicate": 1, "duplicate_record": 1}, [("duplicate_record", "ITA,2016")]),
    A("population", NEGATIVE, "-5 (and 1e15, year 2031)", files("population/extremes.csv"), 4,
      {"future_period": 1, "implausible_count": 1, "negative_count": 1}, [("negative_count", "-5")]),
    A("population", NOT_NUMBER, "'..' (with other bad values)", files("population/values.csv"), 6,
      {"invalid_period": 1, "missing_value": 2, "not_a_number": 1}, [("not_a_number", "..")]),
    A("population", HUGE, "999999999999999, above the column's own 20e9 ceiling", files("population/extremes.csv"), 4,
      {"future_period": 1, "implausible_count": 1, "negative_count": 1}, [("implausible_count", "999999999999999")]),
    A("population", FUTURE, "Year 2031", files("population/extremes.csv"), 4,
      {"future_period": 1, "implausible_count": 1, "negative_count": 1}, [("future_period", "2031")]),
    A("population", IMPOSSIBLE, "Year '20l6' (with other bad values)", files("population/values.csv"), 6,
      {"invalid_period": 1, "missing_value": 2, "not_a_number": 1}, [("invalid_period", "20l6")]),
    A("population", COUNTRY, "'Atlantis' / 'ATL': rejected by the adapter by design (codes only, never names)",
      files("population/unknown_country.csv"), 2, {"aggregate_not_a_country": 1},
      [("aggregate_not_a_country", "Country Code 'ATL' ('Atlantis')")]),
    checksum("population"),
    B("population", OTHER, "a line with a fifth field", files("population/extra_field.csv"),
      file=F, place="line 3", value="46401225,12", expected="4 fields"),

    # ---------------------------------------------------------------- unodc_glotip: dataUNODC xlsx
    B("unodc_glotip", EMPTY, "", empty_file("unodc_glotip", UNODC["unodc_glotip"][0]),
      file=F, problem="file is empty", expected="a dataUNODC .xlsx workbook"),
    B("unodc_glotip", CORRUPT, "cut short", truncated(unodc_xlsx("unodc_glotip", "one good row")),
      file=F, problem="cannot open as an .xlsx workbook", value=("BadZipFile", "CalamineError"),
      expected="expected an intact .xlsx"),
    B("unodc_glotip", CORRUPT, "sheet XML cut", xml_part_cut(unodc_xlsx("unodc_glotip", "one good row")),
      file=F, place="sheet 'data_glotip_1'", problem="cannot read", expected="expected an intact .xlsx"),
    B("unodc_glotip", SHEET, "", files("unodc_glotip/wrong_sheet.xlsx"),
      file=F, problem="sheet 'data_glotip_1' not found", value="['Sheet1']", expected="a sheet named 'data_glotip_1'"),
    B("unodc_glotip", COLUMN, "txtVALUE renamed VALUE", files("unodc_glotip/renamed_column.xlsx"),
      file=F, place="sheet 'data_glotip_1' row 3", column="['txtVALUE']", value="'VALUE'",
      expected="expected the columns"),
    B("unodc_glotip", BANNER, "a third banner row: the header on row 4",
      unodc_xlsx("unodc_glotip", "a note row above the header", extra_banner=True),
      file=F, place="sheet 'data_glotip_1' row 3", column="'Iso3_code'",
      value="'Note: invented rows for the bad-input corpus'", expected="expected the columns"),
    B("unodc_glotip", BANNER, "banner rows removed: the header on row 1", files("unodc_glotip/no_banner.xlsx"),
      file=F, place="cell A1", problem="banner rows missing", value="'Iso3_code'", expected="'UNODC' in A1"),
    NA("unodc_glotip", LATIN1, XLSX_ONLY),
    NA("unodc_glotip", BOM, XLSX_ONLY),
    NA("unodc_glotip", SEMICOLON, XLSX_NO_DELIMITER),
    A("unodc_glotip", DUPLICATE, "one key twice with txtVALUE 12 and 15: every row of the key rejected, by design",
      unodc_xlsx("unodc_glotip", "a key twice", glotip_row("12"), glotip_row("15"), glotip_row("40", year=2017)),
      3, {"ambiguous_duplicate_key": 2}, [("ambiguous_duplicate_key", "txtVALUE 12, 15")]),
    A("unodc_glotip", DUPLICATE, "one key twice with the same txtVALUE 5: both rejected, by design (with other "
      "bad labels)",
      files("unodc_glotip/bad_labels.xlsx"), 14,
      {"ambiguous_duplicate_key": 2, "invalid_period": 1, "missing_value": 1, "not_a_number": 2,
       "unexpected_unit": 1, "unknown_age": 1, "unknown_category": 2, "unknown_dimension": 1,
       "unknown_indicator": 1, "unknown_sex": 1}, [("ambiguous_duplicate_key", "txtVALUE 5, 5")]),
    A("unodc_glotip", NEGATIVE, "txtVALUE '-3'",
      unodc_xlsx("unodc_glotip", "txtVALUE -3", glotip_row(), glotip_row("-3", year=2017)),
      2, {"negative_count": 1}, [("negative_count", "-3")]),
    A("unodc_glotip", NOT_NUMBER, "txtVALUE '1,5' (with other bad labels)", files("unodc_glotip/bad_labels.xlsx"), 14,
      {"ambiguous_duplicate_key": 2, "invalid_period": 1, "missing_value": 1, "not_a_number": 2,
       "unexpected_unit": 1, "unknown_age": 1, "unknown_category": 2, "unknown_dimension": 1,
       "unknown_indicator": 1, "unknown_sex": 1}, [("not_a_number", "1,5")]),
    A("unodc_glotip", HUGE, "txtVALUE '99,999,999'",
      unodc_xlsx("unodc_glotip", "txtVALUE 99,999,999", glotip_row(), glotip_row("99,999,999", year=2017)),
      2, {"implausible_count": 1}, [("implausible_count", "99999999")]),
    A("unodc_glotip", FUTURE, "Year 2031",
      unodc_xlsx("unodc_glotip", "Year 2031", glotip_row(), glotip_row(year=2031)),
      2, {"future_period": 1}, [("future_period", "2031")]),
    A("unodc_glotip", IMPOSSIBLE, "Year 20166 (with other bad labels)", files("unodc_glotip/bad_labels.xlsx"), 14,
      {"ambiguous_duplicate_key": 2, "invalid_period": 1, "missing_value": 1, "not_a_number": 2,
       "unexpected_unit": 1, "unknown_age": 1, "unknown_category": 2, "unknown_dimension": 1,
       "unknown_indicator": 1, "unknown_sex": 1}, [("invalid_period", "20166")]),
    unknown_country("unodc_glotip", "citizenship 'Atlantis'",
                    unodc_xlsx("unodc_glotip", "citizenship Atlantis", glotip_row(),
                               glotip_row(citizenship="Atlantis")),
                    "citizenship", "Atlantis"),
    checksum("unodc_glotip"),

    # ---------------------------------------------------------------- unodc_cts: dataUNODC xlsx
    B("unodc_cts", EMPTY, "", empty_file("unodc_cts", UNODC["unodc_cts"][0]),
      file=F, problem="file is empty", expected="a dataUNODC .xlsx workbook"),
    B("unodc_cts", CORRUPT, "cut short", truncated(unodc_xlsx("unodc_cts", "one good row")),
      file=F, problem="cannot open as an .xlsx workbook", value=("BadZipFile", "CalamineError"),
      expected="expected an intact .xlsx"),
    B("unodc_cts", CORRUPT, "sheet XML cut", xml_part_cut(unodc_xlsx("unodc_cts", "one good row")),
      file=F, place="sheet 'data_cts_corruption_and_economi'", problem="cannot read",
      expected="expected an intact .xlsx"),
    B("unodc_cts", SHEET, "a user's copy with the sheet renamed", files("unodc_cts/user_edited.xlsx"),
      file=F, problem="sheet 'data_cts_corruption_and_economi' not found", value="'Corruption Altered'",
      expected="a sheet named 'data_cts_corruption_and_economi'"),
    B("unodc_cts", COLUMN, "VALUE renamed txtVALUE", files("unodc_cts/renamed_column.xlsx"),
      file=F, place="sheet 'data_cts_corruption_and_economi' row 3", column="['VALUE']", value="'txtVALUE'",
      expected="expected the columns"),
    B("unodc_cts", BANNER, "a third banner row: the header on row 4",
      unodc_xlsx("unodc_cts", "a note row above the header", extra_banner=True),
      file=F, place="sheet 'data_cts_corruption_and_economi' row 3", column="'Iso3_code'",
      value="'Note: invented rows for the bad-input corpus'", expected="expected the columns"),
    B("unodc_cts", BANNER, "banner rows removed: the header on row 1", files("unodc_cts/no_banner.xlsx"),
      file=F, place="cell A1", problem="banner rows missing", value="'Iso3_code'", expected="'UNODC' in A1"),
    NA("unodc_cts", LATIN1, XLSX_ONLY),
    NA("unodc_cts", BOM, XLSX_ONLY),
    NA("unodc_cts", SEMICOLON, XLSX_NO_DELIMITER),
    A("unodc_cts", DUPLICATE, "a row twice (with other bad values)", files("unodc_cts/bad_values.xlsx"), 10,
      {"duplicate_record": 1, "missing_value": 1, "negative_count": 1, "not_a_number": 1, "not_whole_number": 1,
       "unknown_indicator": 1, "unknown_sex": 1, "unknown_unit": 1}, [("duplicate_record", "row 4")]),
    A("unodc_cts", NEGATIVE, "Counts VALUE -3 (with other bad values)", files("unodc_cts/bad_values.xlsx"),
      10, {"duplicate_record": 1, "missing_value": 1, "negative_count": 1, "not_a_number": 1,
           "not_whole_number": 1, "unknown_indicator": 1, "unknown_sex": 1, "unknown_unit": 1},
      [("negative_count", "-3")]),
    A("unodc_cts", NEGATIVE, "a 'Rate per 100,000 population' VALUE of -1.5",
      unodc_xlsx("unodc_cts", "rate -1.5", cts_row(), cts_row(-1.5, unit="Rate per 100,000 population")),
      2, {"negative_rate": 1}, [("negative_rate", "-1.5")]),
    A("unodc_cts", NOT_NUMBER, "VALUE 'n/a' (with other bad values)", files("unodc_cts/bad_values.xlsx"), 10,
      {"duplicate_record": 1, "missing_value": 1, "negative_count": 1, "not_a_number": 1, "not_whole_number": 1,
       "unknown_indicator": 1, "unknown_sex": 1, "unknown_unit": 1}, [("not_a_number", "n/a")]),
    A("unodc_cts", HUGE, "Counts VALUE 99999999",
      unodc_xlsx("unodc_cts", "VALUE 99999999", cts_row(), cts_row(99999999, year=2017)),
      2, {"implausible_count": 1}, [("implausible_count", "99999999")]),
    A("unodc_cts", FUTURE, "Year 2031", unodc_xlsx("unodc_cts", "Year 2031", cts_row(), cts_row(year=2031)),
      2, {"future_period": 1}, [("future_period", "2031")]),
    A("unodc_cts", IMPOSSIBLE, "Year '2016/17'", unodc_xlsx("unodc_cts", "Year 2016/17", cts_row(),
                                                           cts_row(year="2016/17")),
      2, {"invalid_period": 1}, [("invalid_period", "2016/17")]),
    unknown_country("unodc_cts", "Iso3_code 'XXX' ('Atlantis'): the code is what the resolver reads",
                    unodc_xlsx("unodc_cts", "Iso3_code XXX", cts_row(), cts_row(iso3="XXX", country="Atlantis")),
                    "iso3_code", "XXX"),
    checksum("unodc_cts"),
]


# --- running a case -------------------------------------------------------------------------------------

@cache
def _project() -> tuple[dict, CountryResolver, dict]:
    """The project's routes, resolver (config/country_aliases.yaml + config areas) and indicators."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    aliases = yaml.safe_load((REPO / "config" / "country_aliases.yaml").read_text(encoding="utf-8"))
    indicators = yaml.safe_load((REPO / "config" / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]
    return config["routes"], CountryResolver(aliases, config["areas"]), indicators


@cache
def _registry() -> dict[str, dict]:
    return {s["id"]: s for s in yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))["sources"]}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Result:
    paths: list[Path]
    error: BaseException | None = None
    ledger: dict | None = None
    rejects: pd.DataFrame | None = None
    subs: dict[str, str] = field(default_factory=dict)  # placeholders for the expected message parts


def run(case: Case, tmp: Path) -> Result:
    paths = case.fixture.make(tmp)
    res = Result(paths, subs={"file": str(paths[0])})
    try:
        if case.stage == "intake":
            source = _registry()[case.source]
            entry = next(f for f in source["files"] if f["name"] == paths[0].name)
            res.subs.update(pinned=entry["sha256"], observed=_sha256(paths[0]))
            check_file(paths[0].parent.parent, source, entry)
            return res
        adapter = adapters.get(case.source)
        raw = read_records(adapter, paths)
        kept, res.rejects, res.ledger = clean(
            raw, adapter.SPEC, raw_sha256={f"{p.parent.name}/{p.name}": _sha256(p) for p in paths},
            max_count=MAX_COUNT, max_period=MAX_PERIOD)
        if case.stage == "harmonise":
            routes, resolver, indicators = _project()
            harmonise(kept, adapter.SPEC, case.source, routes, resolver, indicators)
    except Exception as exc:  # judged by check(): only a MedroutesError may stop a run
        res.error = exc
    return res


def _raised(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"


def check(case: Case, res: Result) -> None:
    """Assert the row's expected outcome (AssertionError naming what differs)."""
    if case.outcome == "a":
        assert res.error is None, f"expected rows rejected with a reason; the run stopped: {_raised(res.error)}"
        led = res.ledger
        assert led["rows_in"] == led["rows_kept"] + led["rows_rejected"], f"rows do not reconcile: {led}"
        assert led["rows_in"] == case.rows, f"the fixture holds {case.rows} records, the ledger counts {led}"
        assert led["rejected_by_reason"] == case.reasons, f"reason codes {led['rejected_by_reason']} != {case.reasons}"
        for reason, text in case.named:
            hit = res.rejects[res.rejects["reason"] == reason]
            shown = (hit["value"].fillna("") + " | " + hit["detail"].fillna("")).tolist()
            assert any(text in s for s in shown), f"no {reason} reject shows {text!r}: {shown}"
        return
    assert res.error is not None, f"expected the run to stop; it went on with the ledger {res.ledger}"
    assert isinstance(res.error, MedroutesError), f"a raw exception escaped: {_raised(res.error)}"
    assert isinstance(res.error, case.error), f"expected {case.error.__name__}, got {_raised(res.error)}"
    message = str(res.error)
    for label, part in case.parts.items():
        if part is not None:
            options = [p.format(**res.subs) for p in (part if isinstance(part, tuple) else (part,))]
            assert any(p in message for p in options), f"the message lacks the {label} {options}: {message}"


RUN = [c for c in CASES if c.outcome != "n/a"]


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.bug)] if c.bug else [])
    for c in RUN])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    check(case, run(case, tmp_path))


def test_every_adapter_has_every_case() -> None:
    """Each adapter has a row (run, or n/a with a reason) for each case the issue names."""
    assert sorted({c.source for c in CASES}) == adapters.available()
    assert len({c.id for c in CASES}) == len(CASES), "two rows with one id"
    missing = [(s, k) for s in adapters.available() for k in REQUIRED
               if not any(c.source == s and c.kind == k for c in CASES)]
    assert not missing, f"cases without a row: {missing}"
    assert all(c.why for c in CASES if c.outcome == "n/a")
    assert all(c.fixture is not None and (c.reasons is not None if c.outcome == "a" else c.parts) for c in RUN)


def test_corpus_fixtures_stay_small() -> None:
    new = [p for p in BAD.rglob("*") if p.is_file()]
    assert new and all(p.stat().st_size < 20_000 for p in new)


# --- the outcome table --------------------------------------------------------------------------------

class Row(NamedTuple):
    source: str
    case: str
    outcome: str  # a, b, n/a; "xfail (expected a|b)" for a row that shows a bug
    result: str  # (a) reason codes and counts; (b) the exact message; n/a: why; xfail: what happened instead
    fixture: str


def _tidy(text: str, tmp: Path) -> str:
    return text.replace(str(tmp) + "/", "<tmp>/").replace(str(REPO) + "/", "")


def corpus_table() -> list[Row]:
    """Run every case and describe what happened, for the closing note."""
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        for i, case in enumerate(CASES):
            if case.outcome == "n/a":
                rows.append(Row(case.source, case.case, "n/a", case.why, "-"))
                continue
            tmp = Path(tmpdir) / str(i)
            res = run(case, tmp)
            try:
                check(case, res)
                mismatch = None
            except AssertionError as exc:
                mismatch = str(exc)
            if res.error is not None:
                text = (str(res.error) if isinstance(res.error, MedroutesError)
                        else f"RAW {_raised(res.error)}")
            else:
                led = res.ledger or {}
                codes = ", ".join(f"{k} {v}" for k, v in led.get("rejected_by_reason", {}).items()) or "none"
                text = (f"rejected: {codes}; rows in {led['rows_in']} = kept {led['rows_kept']} + rejected "
                        f"{led['rows_rejected']}" if led else "accepted (no error)")
                if led and not led.get("rejected_by_reason"):
                    text = f"accepted, nothing rejected; rows in {led['rows_in']} = kept {led['rows_kept']}"
            outcome = case.outcome
            if case.bug:
                outcome = f"xfail (expected {case.outcome})"
                text = f"BUG: {case.bug}. Observed: {text}"
            elif mismatch:
                outcome = f"MISMATCH (expected {case.outcome})"
                text = f"{mismatch} || observed: {text}"
            rows.append(Row(case.source, case.case, outcome, _tidy(text, tmp), _tidy(case.fixture.label, tmp)))
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def markdown(rows: list[Row]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", "<br>")

    out = ["| source | case | fixture | outcome | reason codes / message |", "| --- | --- | --- | --- | --- |"]
    out += [f"| {r.source} | {cell(r.case)} | {cell(r.fixture)} | {r.outcome} | {cell(r.result)} |" for r in rows]
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(corpus_table()))
