"""Helpers shared by adapters: reading native files with errors that name the file and cell."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError

from ..errors import InputError

# xlsx is read by calamine (Rust, through python-calamine): 6-8x faster than openpyxl on the real
# files, with the same cells (bench/benchmark.py, closing note of issue 8). What reading a damaged
# workbook raises: calamine's own errors (a broken zip, bad XML, a password), and a missing part or a
# bad cell value as OSError, ValueError or KeyError.
XLSX_ENGINE = "calamine"
XLSX_ERRORS = (CalamineError, zipfile.BadZipFile, OSError, ValueError, KeyError, SyntaxError)


def require_columns(df: pd.DataFrame, expected, file, where: str = "header") -> None:
    missing = [c for c in expected if c not in df.columns]
    if missing:
        raise InputError(file, f"missing column(s) {missing}", where=where,
                         value=[str(c) for c in df.columns],
                         expected=f"the columns {list(expected)}")


def read_excel_sheet(path: Path, sheet: str, header_row: int | None = 1, *,
                     what: str = "an .xlsx workbook") -> pd.DataFrame:
    """One sheet, every cell as a Python object (no type guessing); ``header_row`` is 1-based, or
    None to get every row as data (for sheets with banner rows above the header)."""
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty", expected=what)
    try:
        book = pd.ExcelFile(path, engine=XLSX_ENGINE)
    except XLSX_ERRORS as exc:
        raise InputError(path, f"cannot open as an .xlsx workbook ({type(exc).__name__}: {exc})",
                         expected="an intact .xlsx file") from None
    with book:
        if sheet not in book.sheet_names:
            raise InputError(path, f"sheet {sheet!r} not found", value=book.sheet_names,
                             expected=f"a sheet named {sheet!r}")
        try:
            # only empty cells are missing: pandas' NA strings would make "NA" (Namibia) and "N/A" NaN
            return book.parse(sheet, header=None if header_row is None else header_row - 1, dtype=object,
                              keep_default_na=False, na_values=[""])
        except XLSX_ERRORS as exc:
            raise InputError(path, f"cannot read sheet {sheet!r} ({type(exc).__name__}: {exc})",
                             expected="an intact .xlsx file") from None


def read_csv_text(path: Path, encodings=("utf-8-sig",)) -> pd.DataFrame:
    """A comma-separated file, every cell as text; a BOM is dropped. Errors name the file and line."""
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(path, "file is empty", expected="a CSV file with a header row")
    for enc in encodings:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError as exc:
            err = exc
    else:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(path, f"bytes are not {' or '.join(encodings)}", where=f"line {line}",
                         value=raw[err.start: err.start + 8], expected=f"text encoded as {encodings[0]}")
    lines = text.splitlines()
    header = lines[0] if lines else ""
    if ";" in header and "," not in header:
        raise InputError(path, "the header is separated by ';', not ','", where="line 1", value=header,
                         expected="comma-separated values with '.' as the decimal mark")
    try:
        # blank lines stay (as empty records, which cleaning rejects) so row numbers match the file
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
                           sep=",", quotechar='"', skip_blank_lines=False)
    except (pd.errors.ParserError, csv.Error) as exc:
        hit = re.search(r"line (\d+)", str(exc))
        n = int(hit.group(1)) if hit else None
        raise InputError(path, f"not a well-formed CSV ({str(exc).strip()})",
                         where=f"line {n}" if n else None,
                         value=lines[n - 1] if n and n <= len(lines) else None,
                         expected=f"comma-separated values, as many fields as the header on line 1 ({header!r})"
                         ) from None


def with_lineage(df: pd.DataFrame, file_label: str, first_row: int, ref_prefix: str) -> pd.DataFrame:
    """Add ``raw_file``, ``raw_row`` (as a person counts rows in the file) and ``raw_ref``."""
    df = df.reset_index(drop=True)
    df["raw_file"] = file_label
    df["raw_row"] = range(first_row, first_row + len(df))
    df["raw_ref"] = [f"{file_label} {ref_prefix}{n}" for n in df["raw_row"]]
    return df


def file_label(path: Path) -> str:
    """How lineage names a raw file: ``<source_id>/<file name>``."""
    return f"{path.parent.name}/{path.name}"


def text(v) -> str | None:
    """A cell as stripped text; None for a missing cell."""
    return None if pd.isna(v) else str(v).strip()


def text_series(s: pd.Series) -> pd.Series:
    """A column as stripped text (pandas' string dtype; missing stays missing)."""
    return s.astype("string").str.strip()


def is_blank(value) -> bool:
    """True for a missing cell or one holding only spaces."""
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


def header_key(header) -> str:
    """A column header compared the way a person reads it: no BOM, single spaces, any case."""
    return " ".join(str(header).replace("\ufeff", "").split()).casefold()


def mark_rejected(out: pd.DataFrame, reasons, details) -> None:
    """Fill the adapter's reject columns of ``out`` (see medroutes.adapters), one entry per row in
    order: a reason code or None, and a sentence naming the value where there is a reason."""
    reasons, details = list(reasons), list(details)
    out["adapter_reject"] = pd.Series(reasons, index=out.index, dtype=object)
    out["adapter_detail"] = pd.Series([d if r is not None else None for r, d in zip(reasons, details, strict=True)],
                                      index=out.index, dtype=object)
