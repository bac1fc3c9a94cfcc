"""Synthetic k-times copies of the study's public raw files, in their native formats (issue 13, part 3).

For a factor k (1 to 16), every registered public file is read from the real raw folder and written
again with its records k times over: the real records as they are, then k-1 replicas whose time keys
are moved back whole years (OFFSETS: 20, 40, ..., 100, 128, ..., 308). Everything else of a record
stays, so the real file's duplicates, rejects and quirks recur at the same rate, and the real years'
numbers are untouched. The files keep their format and layout:

- xlsx (IOM, UNHCR's two ``Arrivals`` sheets, the UNODC banner workbooks): the zip is copied part by
  part and only the data sheet's ``<sheetData>`` grows, row XML copied with new row numbers (banner
  and header rows once), new shared strings appended; styles, other sheets, formulas (shared ones
  re-anchored), dimension and table ranges, and quirks such as GLOTIP's ``A1`` dimension or IOM's
  BOM inside some Main IDs stay (1x gives every zip part byte for byte);
- R ``.rda`` (Frontex): the parsed R object tree (tibble classes, ``yearmonth``) with longer vectors,
  written back with rdata's unparser in the same XDR format and bzip2 level (1x gives the same bytes);
- JSON-stat (Eurostat): more categories on the ``time`` dimension, cells re-indexed, same compact
  layout (1x gives the same bytes);
- CSV (Italian landings, population, UNHCR totals): each line's bytes (BOM, CRLF, quoting, no final
  newline where the real file has none), date or year fields moved (1x gives the same bytes).

What moves: IOM Incident/Main ID year prefix, Incident Date and Year; Frontex ``t``; UNHCR Arrival
Year, ``year`` and ``month-year``; Italian ``Data``/``Data_Report``; Eurostat ``time``; World Bank
``Year``; UNODC ``Year``. Why these offsets: replicas at least 20 years apart never share a key (no
source but population spans more: GLOTIP/CTS 2003-2022); multiples of 4 that skip 120 and 220 keep
every real 29 February (2016, 2020, 2024) on a leap year (1900 and 1800 are not); and no period may
fall before 1678, where pandas' timestamps, and so clean.py's dates, end. That caps k at 16, and
population (1960-2024, moved 65 years a replica) at 5x.

The registry written beside the files is config/sources.yaml with the generated files' sha256 and
bytes (later vintages dropped: only the pinned files are generated). Nothing is written into the
repository.

Usage (from the repository root; the output folder must be new or empty):
    .venv/bin/python bench/synthetic_scale.py --factor 4 --out /tmp/raw4 [--raw ../shared/data]
writes /tmp/raw4/<source>/<file> and /tmp/raw4/sources.yaml and prints the records per source.
bench/benchmark_scale.py runs the study on them.
"""

from __future__ import annotations

import argparse
import bz2
import copy
import hashlib
import html
import io
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
STRIDE = 20  # years between replicas, at least; no source but population spans more (GLOTIP/CTS: 2003-2022)
POPULATION_STRIDE = 65  # World Bank population: 1960-2024
FIRST_PANDAS_YEAR = 1678  # pd.Timestamp.min is 1677-09-21: an earlier period is invalid to clean.py
REAL_FIRST_YEAR = {"population": 1960, None: 2003}  # the earliest year in the real files
LEAP_YEARS = (2016, 2020, 2024)  # the real files' 29 Februaries (IOM incidents, Italian days and reports)


def _offsets(step: int, first: int, leap_safe: bool) -> list[int]:
    """Years to move replica 1, 2, ... back: ``step`` apart or more, never before FIRST_PANDAS_YEAR, and
    (``leap_safe``) multiples of 4 that never put a real 29 February on 1900 or 1800, which have none."""
    out, o = [], step
    while first - o >= FIRST_PANDAS_YEAR:
        bad = leap_safe and (o % 4 or any((y - o) % 100 == 0 and (y - o) % 400 for y in LEAP_YEARS))
        if bad:
            o += 4
            continue
        out.append(o)
        o += step
    return out


OFFSETS = _offsets(STRIDE, REAL_FIRST_YEAR[None], leap_safe=True)  # 20, 40, ..., 100, 128, ..., 308
POPULATION_OFFSETS = _offsets(POPULATION_STRIDE, REAL_FIRST_YEAR["population"], leap_safe=False)  # 65 ... 260
MAX_FACTOR = 1 + len(OFFSETS)


def back_years(source: str, factor: int) -> list[int]:
    """How many years each replica of ``source`` moves back at ``factor`` (population stops at 5x)."""
    if not 1 <= factor <= MAX_FACTOR:
        raise ValueError(f"factor {factor}: from 1 to {MAX_FACTOR} (the replicas' years must stay after "
                         f"{FIRST_PANDAS_YEAR})")
    return (POPULATION_OFFSETS if source == "population" else OFFSETS)[:factor - 1]


# --- moving a year inside a text ------------------------------------------------------------------

_LEAD_YEAR = re.compile(r"^([\s\ufeff]*)(\d{4})(?!\d)")  # "2014", "2014-01-06", "2014.MMP00001", "\ufeff2016.MMP…"
_TAIL_YEAR = re.compile(r"(?<!\d)(\d{4})(\s*)$")  # "Jan-2014"


def lead_year(text: str, back: int) -> str:
    """The leading year moved back ``back`` years; text without one stays as it is (so does a quirk)."""
    return _LEAD_YEAR.sub(lambda m: f"{m.group(1)}{int(m.group(2)) - back:04d}", text, count=1)


def tail_year(text: str, back: int) -> str:
    return _TAIL_YEAR.sub(lambda m: f"{int(m.group(1)) - back:04d}{m.group(2)}", text, count=1)


def number_year(text: str, back: int) -> str:
    """A numeric cell holding a year ("2014", "2014.0"); other numbers stay."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value) - back) if value.is_integer() and 1000 <= value <= 9999 else text


# --- xlsx: grow one sheet's rows inside the zip ---------------------------------------------------

_ROW = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_ROW_NUM = re.compile(r'<row\b[^>]*?\br="(\d+)"')
_CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
_CELL_REF = re.compile(r'^<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')
_CELL_TYPE = re.compile(r'^<c\b[^>]*?\bt="(\w+)"')
_VALUE = re.compile(r"<v>([^<]*)</v>")
_INLINE = re.compile(r"<is>\s*<t\b[^>]*>([^<]*)</t>\s*</is>")  # an inline string of one run
_REFS_IN_ATTR = re.compile(r'(<(?:row|c)\b[^>]*?\br="[A-Z]{0,3})(\d+)(")')
_FORMULA = re.compile(r"(<f\b[^>]*?)(?:/>|>([^<]*)</f>)")
_A1 = re.compile(r"(?<![A-Za-z_\d.!'\"])(\$?[A-Z]{1,3}\$?)(\d+)(?![\d(A-Za-z_])")
_SI = re.compile(r"<si>.*?</si>|<si/>", re.S)
_T = re.compile(r"<t\b[^>]*>([^<]*)</t>|<t\b[^>]*/>")
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_RANGE_END = re.compile(r'(\bref="[A-Z]{1,3}\d+:[A-Z]{1,3})(\d+)(")')


@dataclass
class SharedStrings:
    """xl/sharedStrings.xml: the items as found (kept byte for byte) plus the ones replicas add."""

    head: str = ""
    body: str = ""
    tail: str = ""
    items: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    refs_added: int = 0
    _texts: dict[int, str] = field(default_factory=dict)
    _index: dict[str, int] | None = None

    @classmethod
    def parse(cls, xml: str) -> SharedStrings:
        end = xml.rfind("</sst>")
        start = xml.find("<si", 0, end)
        start = end if start < 0 else start
        return cls(xml[:start], xml[start:end], xml[end:], _SI.findall(xml, start, end))

    def text(self, i: int) -> str:
        if i not in self._texts:
            item = self.items[i] if i < len(self.items) else self.added[i - len(self.items)]
            item = _PHONETIC.sub("", item)  # a phonetic reading is not part of the cell's text
            self._texts[i] = html.unescape("".join(m.group(1) or "" for m in _T.finditer(item)))
        return self._texts[i]

    def index(self, text: str) -> int:
        if self._index is None:
            self._index = {}
            for i in range(len(self.items)):
                self._index.setdefault(self.text(i), i)
        if text not in self._index:
            i = self._index[text] = len(self.items) + len(self.added)
            space = ' xml:space="preserve"' if text != text.strip() else ""
            self.added.append(f"<si><t{space}>{html.escape(text, quote=False)}</t></si>")
            self._texts[i] = text
        return self._index[text]

    def xml(self) -> str:
        head = self.head
        for attr, extra in (("count", self.refs_added), ("uniqueCount", len(self.added))):
            head = re.sub(rf'\b{attr}="(\d+)"', lambda m, e=extra, a=attr: f'{a}="{int(m.group(1)) + e}"', head,
                          count=1)
        return head + self.body + "".join(self.added) + self.tail


@dataclass
class SheetPlan:
    """One sheet to grow: its name, the spreadsheet row of its header, and header -> year mover."""

    sheet: str
    header_row: int
    moves: dict[str, Callable[[str, int], str]]


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip part of its XML."""
    wb = z.read("xl/workbook.xml").decode("utf-8")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {m.group(1): m.group(2) for m in re.finditer(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"',
                                                            rels)}
    targets |= {m.group(2): m.group(1) for m in re.finditer(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"',
                                                            rels)}
    out = {}
    for m in re.finditer(r'<sheet\b[^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', wb):
        target = targets[m.group(2)]
        out[html.unescape(m.group(1))] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _cell_value(cell: str) -> re.Match | None:
    """Where a cell's value is written: ``<v>`` (numbers, shared-string indexes) or an inline string."""
    return (_INLINE if _cell_type(cell) == "inlineStr" else _VALUE).search(cell)


def _cell_text(cell: str, sst: SharedStrings) -> str | None:
    v = _cell_value(cell)
    if v is None:
        return None
    return sst.text(int(v.group(1))) if _cell_type(cell) == "s" else html.unescape(v.group(1))


def _cell_type(cell: str) -> str:
    m = _CELL_TYPE.match(cell)
    return m.group(1) if m else "n"


class _Row:
    """One data row as a format string: {0} is its row number, {1}... the moved cells' values."""

    def __init__(self, xml: str, moves: dict[str, Callable[[str, int], str]], sst: SharedStrings):
        self.formula = "<f" in xml
        self.xml = xml
        self.slots: list[tuple[Callable[[str, int], str], str, str]] = []  # mover, cell type, value as stored
        pieces, last = [], 0
        for m in _CELL.finditer(xml):
            cell = m.group(0)
            ref = _CELL_REF.match(cell)
            mover = moves.get(ref.group(1)) if ref else None
            v = _cell_value(cell) if mover else None
            if v is None:
                continue
            kind = _cell_type(cell)
            if kind not in ("s", "n", "str", "inlineStr"):
                raise NotImplementedError(f"cell {ref.group(0)} of type {kind!r} holds a year to move")
            pieces += [xml[last:m.start() + v.start(1)], None]
            last = m.start() + v.end(1)
            self.slots.append((mover, kind, v.group(1)))
        pieces.append(xml[last:])
        fmt, slot = [], 0
        for p in pieces:
            if p is None:
                slot += 1
                fmt.append(f"{{{slot}}}")
            else:  # braces are literal; the row number in r="..." becomes {0}
                p = p.replace("{", "{{").replace("}", "}}")
                fmt.append(_REFS_IN_ATTR.sub(lambda m: f"{m.group(1)}{{0}}{m.group(3)}", p))
        self.fmt = "".join(fmt)
        self.sst = sst
        self.shared_refs = xml.count('t="s"')

    def at(self, back: int, row_shift: int, si_shift: int, number: int) -> str:
        values = []
        for mover, kind, stored in self.slots:
            if kind == "s":
                values.append(str(self.sst.index(mover(self.sst.text(int(stored)), back))))
            else:
                values.append(html.escape(mover(html.unescape(stored), back), quote=False))
        out = self.fmt.format(number, *values)
        if self.formula:  # rare (UNHCR's Month Name): re-anchor refs and give shared formulas their own ids
            out = _FORMULA.sub(lambda m: _move_formula(m, row_shift, si_shift), out)
        return out


def _move_formula(m: re.Match, row_shift: int, si_shift: int) -> str:
    """A formula of a replica row: relative row references and the shared range moved with the row,
    the shared-formula id made the replica's own."""
    def move(a: re.Match) -> str:  # "C$3" is absolute: it stays
        return a.group(0) if a.group(1).endswith("$") else f"{a.group(1)}{int(a.group(2)) + row_shift}"

    head = re.sub(r'\bsi="(\d+)"', lambda s: f'si="{int(s.group(1)) + si_shift}"', m.group(1))
    head = re.sub(r'\bref="([^"]+)"', lambda r: f'ref="{_A1.sub(move, r.group(1))}"', head)
    return head + "/>" if m.group(2) is None else f"{head}>{_A1.sub(move, m.group(2))}</f>"


def grow_xlsx(data: bytes, plans: list[SheetPlan], back_years: list[int]) -> tuple[bytes, dict[str, int]]:
    """The workbook with each planned sheet's data rows once per entry of ``back_years`` after the real
    ones (moved back that many years); returns the bytes and the data rows per sheet. A grown sheet
    is spooled to disk (16x GLOTIP is 430 MB of XML), then copied into the zip in its old place."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = _sheet_parts(src)
    sst_part = "xl/sharedStrings.xml"
    sst = SharedStrings.parse(src.read(sst_part).decode("utf-8")) if sst_part in src.namelist() else SharedStrings()
    grown: dict[str, tuple[tempfile.SpooledTemporaryFile, int, int]] = {}  # part -> (XML, old, new last row)
    rows_out = {}
    for plan in plans:
        part = parts[plan.sheet]
        xml = src.read(part).decode("utf-8")
        start, end = xml.index("<sheetData>") + len("<sheetData>"), xml.index("</sheetData>")
        rows = _ROW.findall(xml, start, end)
        numbers = [int(_ROW_NUM.match(r).group(1)) for r in rows]
        head = [r for r, n in zip(rows, numbers, strict=True) if n <= plan.header_row]
        body = [(r, n) for r, n in zip(rows, numbers, strict=True) if n > plan.header_row]
        header = {}
        for cell in _CELL.findall(head[-1] if head else ""):
            ref = _CELL_REF.match(cell)
            if ref and int(ref.group(2)) == plan.header_row:
                header[(_cell_text(cell, sst) or "").strip()] = ref.group(1)
        missing = [h for h in plan.moves if h not in header]
        if missing:
            raise ValueError(f"sheet {plan.sheet!r}: no header {missing} in row {plan.header_row}")
        moves = {header[h]: f for h, f in plan.moves.items()}
        last = numbers[-1] if numbers else plan.header_row
        block = last - plan.header_row  # replica j's rows sit j blocks below the real ones
        new_last = last + len(back_years) * block
        si_top = max((int(x) for x in re.findall(r'\bsi="(\d+)"', xml)), default=-1) + 1
        prefix = re.sub(r'(<dimension\b[^>]*?\bref="[A-Z]{1,3}\d+:[A-Z]{1,3})' + str(last) + '"',
                        lambda m, b=new_last: f'{m.group(1)}{b}"', xml[:start], count=1)
        spool = tempfile.SpooledTemporaryFile(max_size=64 << 20)
        spool.write(prefix.encode("utf-8"))
        spool.write(xml[start:end].encode("utf-8"))  # the real rows, byte for byte
        compiled = [(_Row(r, moves, sst), n) for r, n in body]
        for j, back in enumerate(back_years, start=1):
            chunk = [row.at(back, j * block, j * si_top, n + j * block) for row, n in compiled]
            spool.write("".join(chunk).encode("utf-8"))
            sst.refs_added += sum(row.shared_refs for row, _ in compiled)
        spool.write(xml[end:].encode("utf-8"))
        grown[part] = (spool, last, new_last)
        rows_out[plan.sheet] = len(body) * (1 + len(back_years))
    tables = {}  # a table on a grown sheet ends on its new last row
    for part, (_, last, new_last) in grown.items():
        folder, name = part.rsplit("/", 1)
        rels = f"{folder}/_rels/{name}.rels"
        if rels not in src.namelist():
            continue
        for target in re.findall(r'Target="\.\./tables/([^"]+)"', src.read(rels).decode("utf-8")):
            table = f"xl/tables/{target}"
            if table in src.namelist():
                end = {str(last): str(new_last)}
                tables[table] = _RANGE_END.sub(lambda m, e=end: m.group(1) + e.get(m.group(2), m.group(2)) + m.group(3),
                                               src.read(table).decode("utf-8"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            new = copy.copy(info)
            if info.filename in grown:
                spool = grown[info.filename][0]
                spool.seek(0)
                with dst.open(new, "w", force_zip64=True) as fh:
                    shutil.copyfileobj(spool, fh, 16 << 20)
                spool.close()
                continue
            if info.filename == sst_part and sst.added:
                payload = sst.xml().encode("utf-8")
            elif info.filename in tables:
                payload = tables[info.filename].encode("utf-8")
            else:
                payload = src.read(info.filename)
            dst.writestr(new, payload, compress_type=info.compress_type)
    return buf.getvalue(), rows_out


# --- text files ------------------------------------------------------------------------------------

def grow_lines(data: bytes, move: Callable[[str, int], str], back_years: list[int]) -> tuple[bytes, int]:
    """A header line, then every data line as it is and once per replica through ``move``; the file's
    BOM, line ending and final newline (or its absence) kept."""
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data[3 if bom else 0:].decode("utf-8")
    nl = "\r\n" if "\r\n" in text else "\n"
    final = text.endswith(nl)
    lines = text.removesuffix(nl).split(nl) if text else []
    header, body = lines[:1], lines[1:]
    out = header + body + [move(line, back) for back in back_years for line in body]
    return (b"\xef\xbb\xbf" if bom else b"") + (nl.join(out) + (nl if final else "")).encode("utf-8"), len(
        body) * (1 + len(back_years))


def fields(move_at: dict[int, Callable[[str, int], str]]) -> Callable[[str, int], str]:
    """Move the comma-separated fields at these positions (files with no quoted commas)."""
    def move(line: str, back: int) -> str:
        cells = line.split(",")
        for i, f in move_at.items():
            if i < len(cells):
                cells[i] = f(cells[i], back)
        return ",".join(cells)
    return move


def population_line(line: str, back: int) -> str:
    """World Bank CSV: ``Country Name,Country Code,Year,Value``; a name may hold quoted commas, so the
    year is the second field from the end."""
    head, sep, rest = line.rpartition(",")
    if not sep:
        return line
    front, sep2, year = head.rpartition(",")
    return f"{front}{sep2}{lead_year(year, back)},{rest}" if sep2 else line


# --- JSON-stat ---------------------------------------------------------------------------------------

def grow_jsonstat(data: bytes, back_years: list[int], dim: str = "time") -> tuple[bytes, int]:
    """More categories on the time dimension (the replicas' years first, ascending), every cell of a
    real year copied to each replica year, in the file's own JSON layout."""
    doc = json.loads(data.decode("utf-8"))
    pos = doc["id"].index(dim)
    size = list(doc["size"])
    cat = doc["dimension"][dim]["category"]
    index = cat["index"]
    old = sorted(index, key=index.get) if isinstance(index, dict) else list(index)
    n_old = len(old)
    years = sorted({lead_year(t, b) for t in old for b in back_years} - set(old)) + old
    new_pos = {t: i for i, t in enumerate(years)}
    inner = 1
    for s in size[pos + 1:]:
        inner *= s

    def flat(i: int, t_new: int) -> int:
        outer, rest = divmod(i, n_old * inner)
        return (outer * len(years) + t_new) * inner + rest % inner

    def cells(obj):
        out = {}
        for k, v in obj.items():
            i = int(k)
            t = old[(i // inner) % n_old]
            out[str(flat(i, new_pos[t]))] = v
        for b in back_years:
            for k, v in obj.items():
                i = int(k)
                t = old[(i // inner) % n_old]
                out[str(flat(i, new_pos[lead_year(t, b)]))] = v
        return out

    n_cells = len(set(doc["value"]) | set(doc.get("status") or {}))
    doc["value"] = cells(doc["value"])
    if isinstance(doc.get("status"), dict):
        doc["status"] = cells(doc["status"])
    size[pos] = len(years)
    doc["size"] = size
    cat["index"] = {t: i for i, t in enumerate(years)} if isinstance(index, dict) else years
    if isinstance(cat.get("label"), dict):  # Eurostat labels a year with itself
        cat["label"] = {t: cat["label"].get(t, t) for t in years}
    return _dump_like(doc, data), n_cells * (1 + len(back_years))


def _dump_like(doc, original: bytes) -> bytes:
    """``doc`` as JSON in the layout of ``original``: the first of Eurostat's compact form or an
    indented one that gives the original's bytes back when it is re-read and dumped (else compact)."""
    text = original.decode("utf-8")
    again = json.loads(text)
    for kwargs in ({"separators": (",", ":"), "ensure_ascii": False}, {"separators": (",", ":")},
                   *({"indent": n, "ensure_ascii": a} for n in (2, 4, 1) for a in (False, True))):
        for end in ("", "\n"):
            if json.dumps(again, **kwargs) + end == text:
                return (json.dumps(doc, **kwargs) + end).encode("utf-8")
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- R .rda (Frontex, gdidata) --------------------------------------------------------------------------

def _xdr(obj) -> bytes:
    """One R object in XDR serialisation."""
    from rdata.unparser._xdr import UnparserXDR

    fd = io.BytesIO()
    UnparserXDR(fd).unparse_r_object(obj)
    return fd.getvalue()


def _attributes(obj) -> dict:
    """An R object's attributes by name (they are a pairlist)."""
    out, node = {}, obj.attributes
    while node is not None and node.info.type.name == "LIST":
        tag = node.tag.referenced_object or node.tag  # a name seen before is a reference to it
        out[tag.value.value.decode()] = node.value[0]
        node = node.value[1]
    return out


def grow_rda(data: bytes, back_years: list[int], name: str = "frontex") -> tuple[bytes, int]:
    """The tibble's column vectors repeated, ``t`` (days since 1970 of a month's first day) moved back
    whole years; classes (``tbl_df``, ``yearmonth``) and the compact row names kept. rdata's unparser
    writes strings one by one (minutes at 16x), so each character column is written once, as a
    one-string placeholder, and its serialised strings are spliced in k times."""
    import numpy as np
    import pandas as pd
    import rdata

    compressed = data[:3] == b"BZh"
    parsed = rdata.parser.parse_data(bz2.decompress(data) if compressed else data)
    if parsed.object.tag.value.value != name.encode():
        raise ValueError(f"the .rda's first object is not {name!r}")
    frame = parsed.object.value[0]  # the pairlist's first value: the object named ``name``
    attrs = _attributes(frame)
    names = [c.value.decode() for c in attrs["names"].value]
    k = 1 + len(back_years)
    splices = []
    for i, col in enumerate(frame.value):
        v = col.value
        if isinstance(v, list):  # a character vector
            n = len(v)
            whole = _xdr(col)  # flags, length, then the strings
            marker = copy.copy(v[0])
            marker.value = f"@@medroutes-bench-{i}@@".encode()
            col.value = [marker]
            splices.append((_xdr(col), whole[:4] + struct.pack(">i", n * k) + whole[8:] * k))
        else:
            arr = np.asarray(v)
            n = len(arr)
            if names[i] == "t":
                month = pd.to_datetime(arr, unit="D")
                moved = [((month - pd.DateOffset(years=b)) - pd.Timestamp("1970-01-01")).days.to_numpy(float)
                         for b in back_years]
                col.value = np.concatenate([arr, *moved]).astype(arr.dtype)
            else:
                col.value = np.concatenate([arr] * k)
    rownames = attrs["row.names"]
    rn = rownames.value
    if isinstance(rn, np.ma.MaskedArray) and len(rn) == 2 and rn.mask[0]:  # R's compact form c(NA, -n)
        rownames.value = np.ma.masked_array([0, -n * k], mask=rn.mask, dtype=rn.dtype, fill_value=rn.fill_value)
    elif isinstance(rn, np.ndarray) and np.array_equal(rn, np.arange(rn[0], rn[0] + n)):  # 1..n (or 0..n-1)
        rownames.value = np.arange(rn[0], rn[0] + n * k, dtype=rn.dtype)
    else:
        raise NotImplementedError("row names other than a sequence")
    out = rdata.unparser.unparse_data(parsed, file_format="xdr", file_type="rda")
    for placeholder, real in splices:
        if out.count(placeholder) != 1:
            raise ValueError("a character column's placeholder is not found exactly once")
        out = out.replace(placeholder, real)
    return (bz2.compress(out, 9) if compressed else out), n * k


# --- per source ------------------------------------------------------------------------------------------

XLSX = {
    "iom_mmp": [SheetPlan("Worksheet", 1, {"Incident ID": lead_year, "Main ID": lead_year,
                                           "Incident Date": lead_year, "Incident Year": number_year})],
    "unhcr_med": [SheetPlan(s, 1, {"Arrival Year": number_year}) for s in ("Arrivals - Italy", "Arrivals - Spain")],
    "unodc_glotip": [SheetPlan("data_glotip_1", 3, {"Year": number_year})],
    "unodc_cts": [SheetPlan("data_cts_corruption_and_economi", 3, {"Year": number_year})],
}
LINES = {
    "sbarchi-per-giorno.csv": fields({0: lead_year, 4: lead_year}),  # Data, ..., Data_Report
    "nazionalita.csv": fields({0: lead_year}),  # Data_Report
    "anagrafica-report.csv": fields({0: lead_year}),  # Data_Report (metadata, grown alike)
    "unhcr_arrivals_12_31.csv": fields({1: lead_year, 2: tail_year}),  # year, month-year
    "population.csv": population_line,
}
COPIED = {"italian-immigration-datapackage.json"}  # metadata: its size does not grow with the records


def grow_file(source: str, name: str, data: bytes, factor: int) -> tuple[bytes, int | None]:
    """(the file at ``factor``, its records or None for a metadata file) for one registered file."""
    back = back_years(source, factor)
    suffix = name.rsplit(".", 1)[-1].lower()
    if name in COPIED:
        return data, None
    if suffix == "xlsx" and source in XLSX:
        out, rows = grow_xlsx(data, XLSX[source], back)
        return out, sum(rows.values())
    if name in LINES:
        return grow_lines(data, LINES[name], back)
    if suffix == "json":
        return grow_jsonstat(data, back)
    if suffix == "rda":
        return grow_rda(data, back)
    raise NotImplementedError(f"{source}/{name}: no generator for this file")


def default_raw() -> Path:
    return Path(os.environ.get("MEDROUTES_RAW_DIR") or REPO.parent / "shared" / "data")


def generate(factor: int, out: Path, raw: Path | None = None, registry: Path = REPO / "config" / "sources.yaml",
             sources: list[str] | None = None) -> dict:
    """Write every public registered file at ``factor`` under ``out/<source>/`` and ``out/sources.yaml``;
    return {source: {"factor": achieved, "records": n, "real_records": n1, "bytes": b}}."""
    raw = Path(raw or default_raw())
    doc = yaml.safe_load(registry.read_text(encoding="utf-8"))
    report = {}
    for entry in doc["sources"]:
        if entry.get("access") == "restricted" or not entry.get("files"):
            continue
        if sources is not None and entry["id"] not in sources:
            continue
        entry.pop("vintages", None)  # only the pinned files are generated
        total = real = size = 0
        for f in entry["files"]:
            data = (raw / entry["id"] / f["name"]).read_bytes()
            grown, records = grow_file(entry["id"], f["name"], data, factor)
            dest = out / entry["id"] / f["name"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(grown)
            f["sha256"], f["bytes"] = hashlib.sha256(grown).hexdigest(), len(grown)
            size += len(grown)
            if records is not None:
                total += records
                real += records // (1 + len(back_years(entry["id"], factor)))
        report[entry["id"]] = {"factor": 1 + len(back_years(entry["id"], factor)), "records": total,
                               "real_records": real, "bytes": size}
    if sources is not None:
        doc["sources"] = [e for e in doc["sources"] if e["id"] in sources or e.get("access") == "restricted"]
    (out / "sources.yaml").write_text(
        "# Generated by bench/synthetic_scale.py: config/sources.yaml with the synthetic files' pins.\n"
        + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    return report


def first_year(real_first: int, factor: int) -> int:
    """The first year replicas reach at ``factor`` for a source whose real data start in ``real_first``
    (not population)."""
    return real_first - (OFFSETS[factor - 2] if factor > 1 else 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--factor", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--raw", type=Path, help="real raw folder (default $MEDROUTES_RAW_DIR or ../shared/data)")
    args = ap.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"{args.out} is not empty")
    report = generate(args.factor, args.out, args.raw)
    for source, r in report.items():
        print(f"{source:22} {r['factor']:>3}x  {r['records']:>10,} records ({r['real_records']:,} real)  "
              f"{r['bytes'] / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
