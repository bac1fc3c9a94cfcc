"""Frontex detections of illegal border crossings (IBC), monthly, by route, sea/land and nationality.

Two native formats, read into one tidy table (dispatch on the bytes: a zip is a workbook, else R data):

- an R ``save`` file (``frontex.rda``, from IOM's gdidata package) holding one tibble ``frontex``
  with columns ``route, type, nat, t, n``; ``t`` is a ``yearmonth``: days since 1970-01-01 of the
  month's first day; ``nat`` an ISO3-like code (``STL`` stateless, ``OOS`` not specified, ``OOO``
  other). Routes carry the suffix "Route" ("Central Mediterranean Route"). Zero cells are not stored.
  Read with ``rdata`` (pure-Python, maintained R-data reader).
- Frontex's own workbook ``Detections_of_IBC_<yyyy>_<mm>_<dd>.xlsx`` (Migratory Map page). The data
  sheet, found by its header whatever its name, is wide: ``Route`` (bare: "Central Mediterranean"),
  ``BorderLocation`` (Land/Sea), ``NationalityLong`` (English names and the groups "Other and
  stateless", "Unknown", "Not specified"), then one column per month whose header is an Excel date;
  integer cells, zeros included. Each month cell becomes one record (zeros kept). Names go to the
  country resolver at harmonisation, as every source's do (aliases in config/country_aliases.yaml).
  The ``Notes`` sheet gives the data-as-of date (logged; :func:`as_of`); the ``Dictionary`` sheet
  (side-by-side lists of nationalities, route -> zones included, border types) is documentation and
  is not read: routes map through config ``routes.<route>.source_labels.frontex_ibc``.

Frontex counts detections, not persons.
"""

from __future__ import annotations

import io
import re
import warnings
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import rdata
from openpyxl.utils import get_column_letter

from ..errors import InputError
from ..log import get_logger
from ..spec import Column, Lit, Observation, SourceSpec
from ._common import (
    XLSX_ENGINE,
    XLSX_ERRORS,
    check_zip_ratio,
    file_label,
    header_key,
    is_blank,
    mark_rejected,
    read_excel_sheet,
    require_columns,
    text,
    with_lineage,
)

log = get_logger(__name__)

OBJECT = "frontex"
COLUMNS = ("route", "type", "nat", "t", "n")
MODES = {"Sea": "sea", "Land": "land"}
HEAD = ("Route", "BorderLocation", "NationalityLong")  # the workbook's data sheet: these side by side
HEADER_ROWS = 10  # how far down a data sheet's header is looked for (a banner row must not hide the sheet)
ZIP = b"PK\x03\x04"
AS_OF = re.compile(r"\bdata\s+as\s+(?:of|at)\b[\s:]*(.*)", re.IGNORECASE | re.DOTALL)

SPEC = SourceSpec(
    columns=(
        Column("route", "text", required=True,
               description="Frontex route name as given (.rda: 'Central Mediterranean Route'; workbook: bare)"),
        Column("mode", "text", required=True, description="sea or land"),
        Column("citizenship", "text", required=True,
               description="nationality as given, for the resolver: a code (.rda; Frontex uses some non-ISO "
                           "codes) or an English name (workbook)"),
        Column("period", "period", required=True, description="month, YYYY-MM"),
        Column("detections", "count", required=True),
    ),
    key=("route", "mode", "citizenship", "period"),
    observations=(
        Observation(indicator="irregular_border_crossings", value="detections", unit="detections",
                    period="period", ref_area=Lit("EU_EXT"), route="route",
                    counterpart_area="citizenship", dimension=Lit("mode"), category="mode"),
    ),
)


def read_one(path: Path, data: bytes) -> pd.DataFrame:
    if data[:4] == ZIP or path.suffix.lower() == ".xlsx":
        return _read_workbook(path, data)
    return _read_rda(path, data)


# --- the .rda -------------------------------------------------------------------------------------

def _load(path: Path, data: bytes) -> pd.DataFrame:
    if not data:
        raise InputError(path, "file is empty", expected="an R .rda file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rdata warns about R classes it maps to plain vectors
            objects = rdata.read_rda(io.BytesIO(data))
    except Exception as exc:  # rdata raises many types on corrupt input; name the file instead
        raise InputError(path, f"cannot read as an R data file ({type(exc).__name__}: {exc})",
                         expected="an intact .rda (R save) file") from None
    if OBJECT not in objects:
        raise InputError(path, f"object {OBJECT!r} not found", value=sorted(objects),
                         expected=f"an R object named {OBJECT!r}")
    df = objects[OBJECT]
    if not isinstance(df, pd.DataFrame):
        raise InputError(path, f"object {OBJECT!r} is not a data frame", value=type(df).__name__,
                         expected="a data.frame/tibble")
    return df.reset_index(drop=True)


def _read_rda(path: Path, data: bytes) -> pd.DataFrame:
    raw = _load(path, data)
    require_columns(raw, COLUMNS, path, where=f"object {OBJECT!r}")
    days = pd.to_numeric(pd.Series(raw["t"]), errors="coerce")
    month = pd.to_datetime(days, unit="D", errors="coerce")
    period = month.dt.strftime("%Y-%m")
    # a yearmonth is the first day of its month; anything else is not a month we can name
    period = period.where(month.dt.day.eq(1), days.astype("string"))
    out = pd.DataFrame({
        "route": raw["route"].astype("string"),
        "mode": raw["type"].map(MODES).astype("string"),
        "citizenship": raw["nat"].astype("string"),
        "period": period.astype("string"),
        "detections": pd.Series(raw["n"]).astype(object),
    })
    bad_mode = raw["type"].notna() & out["mode"].isna()
    mark_rejected(out, ["unknown_mode" if b else None for b in bad_mode],
                  [f"type {v!r} is not Sea or Land" for v in raw["type"]])
    return with_lineage(out, file_label(path), 1, f"{OBJECT} record ")


# --- the workbook ---------------------------------------------------------------------------------

def _sheets(path: Path, data: bytes) -> dict[str, pd.DataFrame]:
    """Every sheet, every cell as read (row i, column j = spreadsheet row i+1, column j+1)."""
    if not data:
        raise InputError(path, "file is empty", expected="an .xlsx workbook")
    check_zip_ratio(path, data)
    try:
        with pd.ExcelFile(io.BytesIO(data), engine=XLSX_ENGINE) as book:
            names = book.sheet_names
    except XLSX_ERRORS as exc:
        raise InputError(path, f"cannot open as an .xlsx workbook ({type(exc).__name__}: {exc})",
                         expected="an intact .xlsx file") from None
    return {name: read_excel_sheet(path, data, name, header_row=None) for name in names}


def _header_at(sheet: pd.DataFrame) -> tuple[int, int] | None:
    """(row, column) of ``Route`` where the three HEAD cells stand side by side; the Dictionary sheet
    names the same fields, but in separate lists, so adjacency tells the data sheet apart."""
    want = [header_key(h) for h in HEAD]
    for i in range(min(HEADER_ROWS, len(sheet))):
        keys = ["" if is_blank(v) else header_key(v) for v in sheet.iloc[i]]
        for j in range(len(keys) - 2):
            if keys[j:j + 3] == want:
                return i, j
    return None


def _data_sheet(path: Path, sheets: dict[str, pd.DataFrame]) -> tuple[str, int, int]:
    found = [(name, *at) for name, sheet in sheets.items() if (at := _header_at(sheet))]
    if len(found) != 1:  # two would double-count; guessing which is meant is not ours to do
        raise InputError(path, "no data sheet" if not found else "more than one data sheet",
                         value=list(sheets) if not found else [f[0] for f in found],
                         expected=f"one sheet with the header {', '.join(HEAD)} side by side, then one "
                                  f"column per month")
    return found[0]


def _month(head) -> str | None:
    """``YYYY-MM`` of a month header: a real date cell on a month's first day, nothing else (a text
    "2025-01" would be a changed layout, and a number a date that lost its format)."""
    return head.strftime("%Y-%m") if isinstance(head, datetime) and head.day == 1 else None


def _read_workbook(path: Path, data: bytes) -> pd.DataFrame:
    label = file_label(path)
    sheets = _sheets(path, data)
    name, top, left = _data_sheet(path, sheets)
    sheet = sheets[name]
    found = _as_of(sheets, name)
    if found:
        log.info("%s: data as of %s (sheet %r cell %s)", label, found[0].isoformat(), *found[1:])
    else:
        log.warning("%s: no readable 'Data as of' date on any sheet but %r (Notes): the vintage is known "
                    "only from the file name", label, name)
    body = sheet.iloc[top + 1:]
    body = body[~body.map(is_blank).all(axis=1)]  # a wholly empty row is formatting, not a record
    route, where, nat = (body.iloc[:, left + k] for k in range(3))
    mode = where.map(lambda v: MODES.get(text(v)) if not is_blank(v) else None)
    rows = body.index + 1
    bad_mode = [m is None and not is_blank(w) for w, m in zip(where, mode, strict=True)]
    mode_detail = [f"BorderLocation {w!r} (cell {get_column_letter(left + 2)}{r}) is not Sea or Land"
                   for w, r in zip(where, rows, strict=True)]
    parts = []
    for j in (j for j in range(sheet.shape[1]) if not left <= j < left + 3):
        head, cells, col = sheet.iat[top, j], body.iloc[:, j], get_column_letter(j + 1)
        if is_blank(head) and cells.map(is_blank).all():
            continue  # an empty column, not a month
        period = _month(head)
        part = pd.DataFrame({
            "route": route.map(text), "mode": mode, "citizenship": nat.map(text),
            # an unreadable header passes through as text, so the reject's record shows it
            "period": period if period else text(head), "detections": cells.astype(object),
        })
        if period is None:  # every cell under it: its month cannot be named
            shown = ("blank" if is_blank(head) else
                     f"the date {head:%Y-%m-%d}" if isinstance(head, datetime) else repr(head))
            mark_rejected(part, ["invalid_period"] * len(part),
                          [f"month header {col}{top + 1} of sheet {name!r} is {shown}; expected a date cell on "
                           f"a month's first day"] * len(part))
        else:
            mark_rejected(part, ["unknown_mode" if b else None for b in bad_mode], mode_detail)
        part = with_lineage(part, label, 0, "")
        part["raw_row"] = list(rows)
        part["raw_ref"] = [f"{label} {name}!{col}{r}" for r in rows]
        parts.append(part)
    if not parts:
        raise InputError(path, "no month columns", where=f"sheet {name!r} row {top + 1}",
                         expected=f"one column per month after {', '.join(HEAD)}, headed by a date")
    # one spreadsheet row's cells together, in the sheet's column order
    return pd.concat(parts, ignore_index=True).sort_values("raw_row", kind="stable").reset_index(drop=True)


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if is_blank(value) or not isinstance(value, str):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns when it guesses a format: the guess is what we want
        hit = pd.to_datetime(value.strip().rstrip("."), dayfirst=True, errors="coerce")
    return None if pd.isna(hit) else hit.date()


def _as_of(sheets: dict[str, pd.DataFrame], data_sheet: str) -> tuple[date, str, str] | None:
    """(date, sheet, cell) of the first "Data as of" label with a date in its text or in a cell to
    its right. A missing one is a warning, not an error: no number depends on it."""
    for name, sheet in sheets.items():
        if name == data_sheet:
            continue
        for i in range(len(sheet)):
            row = sheet.iloc[i]
            for j, v in enumerate(row):
                hit = AS_OF.search(v) if isinstance(v, str) else None
                if hit is None:
                    continue
                for k, cand in [(j, hit.group(1)), *((k, row.iat[k]) for k in range(j + 1, len(row)))]:
                    if (d := _date(cand)) is not None:
                        return d, name, f"{get_column_letter(k + 1)}{i + 1}"
    return None


def as_of(path: Path, data: bytes) -> date | None:
    """The workbook's data-as-of date (Notes sheet); None for the .rda, which has none."""
    if not (data[:4] == ZIP or path.suffix.lower() == ".xlsx"):
        return None
    sheets = _sheets(path, data)
    found = _as_of(sheets, _data_sheet(path, sheets)[0])
    return found[0] if found else None
