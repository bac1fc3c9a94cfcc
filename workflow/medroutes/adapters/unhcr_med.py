"""UNHCR Mediterranean situation: monthly arrivals to Italy, Spain, Greece, Cyprus and Malta.

Two files of one source (the repo ``stklem/med_migration``, data as of late November 2019):
- the workbook ``unhcr med data 12 31.xlsx``: only its UNHCR sheets ``Arrivals - Italy`` and
  ``Arrivals - Spain`` are read (monthly arrivals by nationality: ISO code, name, month number, year,
  number; header in row 1). ``Month Name`` is the repo authors' ``=TEXT(DATE(...))`` formula, in some
  rows without a cached value, so the month number (``Arrival Month``) is used. ``OTH``/``Others``
  groups the other origins.
  The authors' own sheets (``COMBINED``, ``greece comp``, ``italy comp``, ``Sheet4``, ``Source``)
  are not read.
- the CSV ``unhcr_arrivals_12_31.csv`` (UTF-8 with BOM; the authors' export of ``COMBINED``): wide
  monthly totals per country and mode (``italy_all``, ``spain_sea``...), month labels ``Jan-2014``,
  missing months as the literal ``NA``. Each cell becomes one record; an ``NA`` cell is kept with no
  value (no observation), never rejected.

UNHCR's monthly totals and the by-nationality table disagree (the by-nationality table lists top
origins only), so they are two indicators: ``arrivals`` (totals) and ``arrivals_by_nationality``,
never to be added together. Within ``arrivals``, Spain and Greece carry the total (category ``_T``)
and its sea/land split: a sum over time must pick one category.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..spec import Column, Lit, Observation, SourceSpec
from ._common import file_label, header_key, is_blank, read_csv_text, read_excel_sheet, with_lineage

SHEETS = {"Arrivals - Italy": "Italy", "Arrivals - Spain": "Spain"}
# Native headers; matched ignoring case and spacing ("Month Name" on one sheet, "Month name" on the other).
XLSX_COLUMNS = {
    "Country of Origin ISO Code": "code",
    "Country of Origin Name": "name",
    "Arrival Month": "month",
    "Arrival Year": "year",
    "Number of individuals arrived": "arrivals",
}
CSV_PERIOD = ("month", "year", "month-year")
# CSV column -> (destination as the column names it, mode); "all" is the sum of sea and land.
CSV_SERIES = {
    "italy_all": ("Italy", "_T"),
    "spain_all": ("Spain", "_T"),
    "spain_sea": ("Spain", "sea"),
    "spain_land": ("Spain", "land"),
    "greece_all": ("Greece", "_T"),
    "greece_sea": ("Greece", "sea"),
    "greece_land": ("Greece", "land"),
    "cyprus_all": ("Cyprus", "_T"),
    "malta_all": ("Malta", "_T"),
}
CSV_MISSING = "NA"  # the file's marker of a month with no figure

BY_NATIONALITY = "by_nationality"
MONTHLY_TOTALS = "monthly_totals"

SPEC = SourceSpec(
    columns=(
        Column("table", "text", required=True,
               description="by_nationality (workbook sheets Arrivals - *) or monthly_totals (CSV)"),
        Column("destination", "text", required=True,
               description="arrival country as the sheet or CSV column names it (Italy, Spain...)"),
        Column("mode", "text", required=True, description="sea, land or _T (all modes)"),
        Column("citizenship", "text", required=True,
               description="ISO3 code of origin as given (OTH = others); name where the code is blank; "
                           "_T for monthly totals"),
        Column("citizenship_name", "text", description="country of origin name as given"),
        Column("period", "period", required=True, description="month of arrival, YYYY-MM"),
        Column("arrivals", "count",
               description="persons arrived; empty where the CSV says NA (no figure for that month)"),
    ),
    key=("table", "destination", "mode", "citizenship", "period"),
    observations=(
        Observation(indicator="arrivals", value="arrivals", unit="persons", period="period",
                    ref_area="destination", route="destination", counterpart_area=Lit("_T"),
                    dimension=Lit("mode"), category="mode",
                    where=lambda d: d["table"].eq(MONTHLY_TOTALS) & d["arrivals"].notna()),
        Observation(indicator="arrivals_by_nationality", value="arrivals", unit="persons",
                    period="period", ref_area="destination", route="destination",
                    counterpart_area="citizenship",
                    where=lambda d: d["table"].eq(BY_NATIONALITY) & d["arrivals"].notna()),
    ),
)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = {name: i for i, full in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1) for name in (full, full[:3])}
_LABEL = re.compile(r"^([A-Za-z]{3})-(\d{4})$")


def _whole(value) -> int | None:
    """An integer from 3, 3.0 or "3"; None for anything else."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _month(value) -> int | None:
    """Month as a number (1) or an English name ("January", "Jan"); None if neither."""
    n = _whole(value)
    if n is not None:
        return n if 1 <= n <= 12 else None
    text = str(value).strip().casefold()
    return _MONTH_NAMES.get(text)


def _period(year, month) -> str | None:
    """``YYYY-MM``; the raw text where year or month is not readable, so cleaning names the value."""
    if is_blank(year) or is_blank(month):
        return None
    y, m = _whole(year), _month(month)
    if y is None or m is None:
        return f"{str(year).strip()}-{str(month).strip()}"
    return f"{y:04d}-{m:02d}"


def _label_period(label) -> str | None:
    """``Jan-2014`` -> ``2014-01``; None where the label is not of that form."""
    hit = _LABEL.match(str(label).strip()) if not is_blank(label) else None
    if not hit or hit.group(1).casefold() not in _MONTHS:
        return None
    return f"{hit.group(2)}-{_MONTHS.index(hit.group(1).casefold()) + 1:02d}"


def _take_columns(raw: pd.DataFrame, names, path: Path, where: str) -> pd.DataFrame:
    """The named native columns, matched ignoring case and spacing; errors show the headers as found."""
    found = {header_key(c): c for c in raw.columns}
    missing = [n for n in names if header_key(n) not in found]
    if missing:
        raise InputError(path, f"missing column(s) {missing}", where=where,
                         value=[str(c) for c in raw.columns],
                         expected=f"the columns {list(names)} (case and spacing may differ)")
    return raw[[found[header_key(n)] for n in names]].set_axis(list(names), axis=1)


def _read_sheet(path: Path, data: bytes, sheet: str, destination: str, label: str) -> pd.DataFrame:
    raw = _take_columns(read_excel_sheet(path, data, sheet), XLSX_COLUMNS, path, f"sheet {sheet!r} row 1")
    raw = raw.rename(columns=XLSX_COLUMNS)
    code, name, number = raw["code"], raw["name"], raw["arrivals"]
    out = pd.DataFrame({
        "table": BY_NATIONALITY,
        "destination": destination,
        "mode": "_T",
        # the ISO code identifies the origin; the name only where the code is blank
        "citizenship": [None if is_blank(c) and is_blank(n) else (str(n).strip() if is_blank(c) else str(c).strip())
                        for c, n in zip(code, name, strict=True)],
        "citizenship_name": [None if is_blank(n) else str(n).strip() for n in name],
        "period": [_period(y, m) for y, m in zip(raw["year"], raw["month"], strict=True)],
        "arrivals": number.astype(object),
    })
    out = with_lineage(out, label, 2, f"{sheet}!row ")
    # A wholly empty spreadsheet row is formatting, not a record.
    empty = raw.apply(lambda col: col.map(is_blank)).all(axis=1).to_numpy()
    out = out[~empty].reset_index(drop=True)
    # A listed origin and month without a number is not "no arrivals": reject it, naming the cell.
    missing = number[~empty].map(is_blank).to_numpy()
    out["adapter_reject"] = [("missing_count" if m else None) for m in missing]
    out["adapter_detail"] = [
        (f"column 'Number of individuals arrived' is empty for {c} {p}" if m else None)
        for m, c, p in zip(missing, out["citizenship"], out["period"], strict=True)]
    return out


def _read_workbook(path: Path, data: bytes, label: str) -> pd.DataFrame:
    return pd.concat([_read_sheet(path, data, sheet, dest, label) for sheet, dest in SHEETS.items()],
                     ignore_index=True)


def _read_totals(path: Path, data: bytes, label: str) -> pd.DataFrame:
    raw = _take_columns(read_csv_text(path, data), [*CSV_PERIOD, *CSV_SERIES], path, "line 1")
    from_label = raw["month-year"].map(_label_period)
    from_numbers = [_period(y, m) for y, m in zip(raw["year"], raw["month"], strict=True)]
    # The label is the period; unreadable labels pass through so cleaning rejects them by value.
    period = [p if p is not None else (None if is_blank(lab) else str(lab).strip())
              for p, lab in zip(from_label, raw["month-year"], strict=True)]
    conflict = [p is not None and n is not None and p != n
                for p, n in zip(from_label, from_numbers, strict=True)]
    parts = []
    for col, (destination, mode) in CSV_SERIES.items():
        cells = raw[col]
        part = pd.DataFrame({
            "table": MONTHLY_TOTALS, "destination": destination, "mode": mode,
            "citizenship": "_T", "citizenship_name": None, "period": period,
            # "NA" is the file's "no figure": kept as an empty value, not an observation
            "arrivals": [None if isinstance(v, str) and v.strip() == CSV_MISSING else v for v in cells],
        })
        part = with_lineage(part, label, 2, "row ")
        part["raw_ref"] = part["raw_ref"] + f", column {col}"
        reasons, details = [], []
        rows = zip(conflict, cells, raw["month-year"], raw["year"], raw["month"], strict=True)
        for c, v, lab, y, m in rows:
            if c:
                reasons.append("period_conflict")
                details.append(f"column 'month-year' is {lab!r} but 'year'/'month' are {y!r}/{m!r}")
            elif is_blank(v):
                reasons.append("missing_count")
                details.append(f"column {col!r} is empty; this file marks a month with no figure as 'NA'")
            else:
                reasons.append(None)
                details.append(None)
        part["adapter_reject"], part["adapter_detail"] = reasons, details
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    # one CSV line's cells together, in the file's column order
    return out.sort_values("raw_row", kind="stable").reset_index(drop=True)


def read_one(path: Path, data: bytes) -> pd.DataFrame:
    label = file_label(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_workbook(path, data, label)
    if suffix == ".csv":
        return _read_totals(path, data, label)
    raise InputError(path, "unknown file type", value=path.suffix,
                     expected="the workbook (.xlsx) or the monthly totals CSV (.csv)")

