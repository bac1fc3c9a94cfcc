"""Templates of the restricted evidence: machine-readable schemas, blank workbooks for data holders,
and one validating reader for all of them.

``config/templates/<name>.yaml`` declares a template: its data sheet, its grain and key, and its
columns, each with a type, the codes it takes (a list, ``@codebook:<list>`` or ``@routes``) and a
description; a column named ``@codebook:<list>`` stands for one column per code of that list. From it
come the data dictionary (:func:`dictionary`), the blank workbook with a README sheet and drop-down
code lists, and its CSV form (:func:`write_blank`), and the reader (:func:`read`): every data row is
kept, typed, or rejected with the column, the value and the reason, and rows in = kept + rejected.
A file that cannot be read as the template (wrong or missing sheet, a renamed column) is an
:class:`InputError` naming the file, the sheet, the column and what was expected.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import codebase
from .config import load_yaml
from .errors import ConfigError, InputError

TEMPLATES_DIR = codebase.REPO / "config" / "templates"
# cell types -> what a data holder is told to write
TYPES = {
    "id": "an identifier, unique in the file",
    "identifier": "the study's informant identifier (pseudonymised as read)",
    "text": "text",
    "code": "one of the listed codes",
    "study_country": "ISO3 code or English name of a study country",
    "country": "ISO3 code or English name of a country",
    "countries": "ISO3 codes or English names, separated by ';'",
    "citizenship": "ISO3 code or English name of a country; _U unknown, _Z not applicable",
    "routes": "study route codes, separated by ';'",
    "year": "a year within the study period",
    "month": "a month as YYYY-MM within the study period",
    "count": "a whole number, 0 or more",
    "flag": "1 (documented) or 0 (not documented)",
    "answer": "one of the listed codes",
}
REJECT_COLUMNS = ["raw_file", "sheet", "raw_row", "raw_ref", "column", "value", "reason", "detail"]
WITHHELD = "[withheld]"  # identifiers and free text never enter a rejects table, even a restricted one
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entry times of a blank workbook: same template, same bytes


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    codes: tuple[str, ...] = ()
    description: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    sheet: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _codes(spec, codebook: dict, routes) -> tuple[str, ...]:
    if spec is None:
        return ()
    if isinstance(spec, str) and spec.startswith("@codebook:"):
        return tuple(codebook[spec.removeprefix("@codebook:")])
    if spec == "@routes":
        return tuple(routes)
    return tuple(str(c) for c in spec)


def load(name: str, codebook: dict, routes, directory: Path = TEMPLATES_DIR) -> Template:
    """The template ``name``, its code-book columns expanded and its code lists resolved."""
    path = Path(directory) / f"{name}.yaml"
    spec = load_yaml(path)
    columns = []
    for col in spec["columns"]:
        if col["type"] not in TYPES:
            raise ConfigError(f"{path}: column {col['name']!r}: unknown type {col['type']!r} "
                              f"(expected one of {', '.join(TYPES)})")
        names = (list(codebook[col["name"].removeprefix("@codebook:")]) if col["name"].startswith("@codebook:")
                 else [col["name"]])
        for n in names:
            desc = col.get("description", "")
            if col["name"].startswith("@codebook:"):
                desc = f"{codebook[col['name'].removeprefix('@codebook:')][n]}: {desc}"
            columns.append(Column(n, col["type"], _codes(col.get("codes"), codebook, routes), desc,
                                  bool(col.get("optional"))))
    return Template(spec["template"], spec["title"], spec["sheet"], spec["grain"], tuple(spec["key"]),
                    tuple(columns))


def dictionary(t: Template) -> pd.DataFrame:
    """The data dictionary: one row per column, what it holds and what it takes."""
    return pd.DataFrame([{"column": c.name, "type": c.type, "required": "no" if c.optional else "yes",
                          "takes": " | ".join(c.codes) if c.codes else TYPES[c.type], "description": c.description}
                         for c in t.columns], columns=["column", "type", "required", "takes", "description"])


# ---------------------------------------------------------------------------------------------- blank forms

def write_blank(t: Template, out_dir, *, years: tuple[int, int]) -> list[Path]:
    """``<name>.xlsx`` (a README sheet with the dictionary, the data sheet with its header and a
    drop-down on every coded column, the code lists on a ``codes`` sheet) and ``<name>.csv`` (the
    header). The same template gives the same bytes (fixed document times and zip entry times)."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    readme = book.active
    readme.title = "README"
    lines = [[t.title], [f"One row per: {t.grain}. Fill in the '{t.sheet}' sheet; keep its header row as it is."],
             [f"Years: {years[0]} to {years[1]}. Leave no cell of a required column empty."],
             ["Codes of each coded column are on the 'codes' sheet; the cells offer them as a drop-down list."],
             [], ["column", "type", "required", "takes", "description"]]
    for row in lines + dictionary(t).values.tolist():
        readme.append(row)
    readme["A1"].font = Font(bold=True, size=13)
    for cell in readme[6]:
        cell.font = Font(bold=True)
    readme.column_dimensions["A"].width = 28
    readme.column_dimensions["D"].width = 40
    readme.column_dimensions["E"].width = 80
    data = book.create_sheet(t.sheet)
    data.append(t.names)
    for i, c in enumerate(t.columns, start=1):
        data.cell(row=1, column=i).font = Font(bold=True)
        data.cell(row=1, column=i).alignment = Alignment(wrap_text=True)
        data.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(c.name) + 2))
    data.freeze_panes = "A2"
    codes = book.create_sheet("codes")
    coded = [c for c in t.columns if c.codes or c.type == "flag"]
    for j, c in enumerate(coded, start=1):
        values = list(c.codes) if c.codes else ["1", "0"]
        codes.cell(row=1, column=j, value=c.name).font = Font(bold=True)
        for k, v in enumerate(values, start=2):
            codes.cell(row=k, column=j, value=v)
        letter = get_column_letter(j)
        dv = DataValidation(type="list", formula1=f"codes!${letter}$2:${letter}${len(values) + 1}",
                            allow_blank=c.optional, showErrorMessage=True, errorTitle="Not a code",
                            error=f"{c.name} takes one of the codes on the 'codes' sheet")
        col = get_column_letter(t.names.index(c.name) + 1)
        dv.add(f"{col}2:{col}5000")
        data.add_data_validation(dv)
    book.properties.creator = "medroutes"
    book.properties.created = book.properties.modified = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    book.save(buf)
    xlsx = out_dir / f"{t.name}.xlsx"
    xlsx.write_bytes(_fixed_zip(buf.getvalue()))
    csv = out_dir / f"{t.name}.csv"
    csv.write_text(",".join(t.names) + "\n", encoding="utf-8")
    return [xlsx, csv]


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's time fixed, and the document's modified time too (openpyxl
    stamps the time of writing on both, whatever the workbook's properties say)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            part = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", part)
            dst.writestr(fixed, part)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- reader

@dataclass
class Context:
    """What the cell checks need: the study countries, a country resolver, the study years and the
    pseudonym key (for an identifier column)."""
    countries: list[str]
    resolver: object
    years: tuple[int, int]
    routes_codes: tuple[str, ...] = ()
    pseudonym_key: bytes | None = None


def read_table(path: Path, data: bytes, t: Template) -> tuple[pd.DataFrame, str]:
    """The data rows of a filled-in template (xlsx: its data sheet; csv), every cell as text, and the
    sheet name used in references. A missing sheet or column, or a renamed one, raises InputError."""
    from .adapters._common import read_csv_text, read_excel_sheet

    if path.suffix.lower() == ".xlsx":
        df, sheet = read_excel_sheet(path, data, t.sheet, what=f"the {t.name} template workbook"), t.sheet
    elif path.suffix.lower() == ".csv":
        df, sheet = read_csv_text(path, data), "csv"
    else:
        raise InputError(path, "unknown template file type", value=path.suffix,
                         expected=f"the {t.name} template as .xlsx (sheet {t.sheet!r}) or .csv")
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in t.names if c not in df.columns]
    extra = [c for c in df.columns if c not in t.names and not c.startswith("Unnamed:")]
    where = f"sheet {sheet!r}, header row 1" if sheet != "csv" else "header, line 1"
    if missing:
        found = f" (the header has {', '.join(map(repr, extra))} instead)" if extra else ""
        raise InputError(path, f"missing from the header{found}", where=where, column=missing[0],
                         expected=f"the {t.name} template's columns: {', '.join(t.names)}")
    if extra:
        raise InputError(path, "not a column of the template", where=where,
                         column=extra[0], expected=f"only the {t.name} template's columns: {', '.join(t.names)}")
    df = df[t.names].astype(object).where(df[t.names].notna(), None)
    df = df.map(lambda v: None if v is None or str(v).strip() == "" else _as_text(v))
    return df, sheet


def _as_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # a count typed in Excel arrives as 3.0
    return str(v).strip()


class Reject(Exception):
    def __init__(self, reason: str, detail: str, value=None):
        super().__init__(detail)
        self.reason, self.detail, self.value = reason, detail, value


def _country(v: str, ctx: Context, *, study: bool) -> str:
    iso = v.upper() if re.fullmatch(r"[A-Za-z]{3}", v) and v.upper() in ctx.countries else ctx.resolver.one(v)
    if iso is None or not re.fullmatch(r"[A-Z]{3}", iso):  # a region or a special code is not a country
        raise Reject("unknown_country", "not a country name or ISO3 code the resolver knows"
                     + (f"; expected a study country ({', '.join(ctx.countries)})" if study else ""))
    if study and iso not in ctx.countries:
        raise Reject("not_study_country", f"resolves to {iso}, not a study country ({', '.join(ctx.countries)})")
    return iso


def _parse(c: Column, v: str, ctx: Context):
    if c.type in ("code", "answer"):
        if v not in c.codes:
            if c.type == "answer" and (len(v) > 20 or " " in v):
                raise Reject("free_text_in_coded_column", f"a coded column takes only {', '.join(c.codes)}; "
                             "notes and quotes stay out of the coding sheet", WITHHELD)
            raise Reject("not_in_codebook", f"expected one of {', '.join(c.codes)}")
        return v
    if c.type in ("count", "flag"):
        if not re.fullmatch(r"-?\d+", v):
            raise Reject("not_a_number", "expected a whole number" if c.type == "count" else "expected 1 or 0")
        n = int(v)
        if c.type == "flag" and n not in (0, 1):
            raise Reject("not_a_flag", "expected 1 (documented) or 0 (not documented)")
        if n < 0:
            raise Reject("negative_count", "a count is 0 or more")
        return n
    if c.type == "year":
        if not re.fullmatch(r"\d{4}", v):
            raise Reject("not_a_year", "expected a four-digit year")
        if not ctx.years[0] <= int(v) <= ctx.years[1]:
            raise Reject("year_outside_study", f"expected a year from {ctx.years[0]} to {ctx.years[1]}")
        return int(v)
    if c.type == "month":
        m = re.fullmatch(r"(\d{4})-(\d{2})", v)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise Reject("not_a_month", "expected a month as YYYY-MM")
        if not ctx.years[0] <= int(m.group(1)) <= ctx.years[1]:
            raise Reject("year_outside_study", f"expected a month from {ctx.years[0]}-01 to {ctx.years[1]}-12")
        return v
    if c.type == "study_country":
        return _country(v, ctx, study=True)
    if c.type == "country":
        return _country(v, ctx, study=False)
    if c.type == "citizenship":
        return v if v in ("_U", "_Z") else _country(v, ctx, study=False)
    if c.type == "countries":
        return ";".join(sorted({_country(p.strip(), ctx, study=False) for p in v.split(";") if p.strip()}))
    if c.type == "routes":
        parts = sorted({p.strip() for p in v.split(";") if p.strip()})
        bad = [p for p in parts if p not in ctx.routes_codes]
        if bad or not parts:
            raise Reject("not_in_codebook", f"expected study route codes ({', '.join(ctx.routes_codes)}) "
                         "separated by ';'", bad[0] if bad else v)
        return ";".join(parts)
    if c.type == "identifier":
        from .restricted import pseudonymise

        if ctx.pseudonym_key is None:
            raise ConfigError("an identifier column is read without the pseudonym key")
        return pseudonymise(ctx.pseudonym_key, v)
    return v  # id, text


def read(path, data: bytes, t: Template, ctx: Context, *, label: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(kept, rejects)`` of one filled-in template file; ``label`` names it in the lineage columns.

    Kept rows carry typed values (an identifier column replaced by its pseudonym) plus ``raw_file``,
    ``raw_row`` and ``raw_ref``; a row with a bad cell is rejected with that cell's column, value
    (identifiers and free text withheld), reason and what was expected; a repeated key rejects every
    row after the first (``duplicate_key``)."""
    from .clean import check_row_counts

    path = Path(path)
    if any(c.type == "identifier" for c in t.columns) and ctx.pseudonym_key is None:
        raise ConfigError(f"{path}: the {t.name} template has an identifier column and no pseudonym key was given")
    df, sheet = read_table(path, data, t)
    kept, rejects, seen = [], [], {}
    for i, rec in enumerate(df.to_dict("records")):
        row_no = i + 2  # the header is row 1
        ref = f"{label} {sheet}!row {row_no}" if sheet != "csv" else f"{label} line {row_no}"
        out, bad = {}, None
        for c in t.columns:
            v = rec[c.name]
            if v is None:
                if c.optional:
                    out[c.name] = "" if c.type in ("countries", "routes", "text") else None
                    continue
                bad = (c, Reject("missing_value", f"{c.name} is required ({TYPES[c.type]})"))
                break
            try:
                out[c.name] = _parse(c, v, ctx)
            except Reject as r:
                bad = (c, r)
                break
        if bad is None:
            key = tuple(out[k] for k in t.key)
            if key in seen:
                bad = (t.column(t.key[0]), Reject("duplicate_key", f"same {', '.join(t.key)} as row {seen[key]}"))
            else:
                seen[key] = row_no
        if bad is not None:
            c, r = bad
            value = WITHHELD if c.type == "identifier" else (r.value if r.value is not None else rec[c.name])
            rejects.append({"raw_file": label, "sheet": sheet, "raw_row": row_no, "raw_ref": ref, "column": c.name,
                            "value": None if value is None else str(value)[:200], "reason": r.reason,
                            "detail": r.detail})
            continue
        kept.append({**out, "raw_file": label, "raw_row": row_no, "raw_ref": ref})
    kept_df = pd.DataFrame(kept, columns=[*t.names, "raw_file", "raw_row", "raw_ref"])
    rejects_df = pd.DataFrame(rejects, columns=REJECT_COLUMNS).astype({"raw_row": "int64"})
    check_row_counts(len(df), len(kept_df), rejects_df["reason"])
    return kept_df, rejects_df
