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


# Zip-bomb guard, Apache POI's defaults (ZipSecureFile): a part may inflate at most 100x, and a
# workbook to at most 1 GiB. Real workbooks inflate 5-15x (the three in the study: 6.5-14.4x per part).
MAX_INFLATE_RATIO = 100
MIN_RATIO_CHECKED = 1 << 20  # parts this small are never a bomb, whatever their ratio
MAX_UNPACKED = 1 << 30


def check_zip_ratio(path: Path, data: bytes) -> None:
    """Refuse an .xlsx whose parts unpack out of proportion to their packed size, before parsing."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip at all: the workbook reader names that
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED:
        raise InputError(path, f"unpacks to {total:,} bytes, over the {MAX_UNPACKED:,}-byte limit for a workbook "
                               f"(a zip bomb?); not parsed", expected="an .xlsx as the publisher produces it")
    for p in parts:
        if p.file_size > MIN_RATIO_CHECKED and p.file_size > MAX_INFLATE_RATIO * max(p.compress_size, 1):
            raise InputError(path, f"part {p.filename!r} unpacks {p.file_size / max(p.compress_size, 1):,.0f}x "
                                   f"({p.compress_size:,} -> {p.file_size:,} bytes), over the {MAX_INFLATE_RATIO}x "
                                   f"limit (a zip bomb?); not parsed",
                             expected="an .xlsx as the publisher produces it")


def read_excel_sheet(path: Path, data: bytes, sheet: str, header_row: int | None = 1, *,
                     what: str = "an .xlsx workbook") -> pd.DataFrame:
    """One sheet, every cell as a Python object (no type guessing); ``header_row`` is 1-based, or
    None to get every row as data (for sheets with banner rows above the header)."""
    if not data:
        raise InputError(path, "file is empty", expected=what)
    check_zip_ratio(path, data)
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine=XLSX_ENGINE)
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


def read_csv_text(path: Path, raw: bytes, encodings=("utf-8-sig",)) -> pd.DataFrame:
    """A comma-separated file's bytes, every cell as text; a BOM is dropped. Errors name the file and line."""
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
