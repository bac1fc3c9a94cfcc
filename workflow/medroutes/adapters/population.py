"""Population, total (World Bank indicator SP.POP.TOTL), in either of two native formats.

The publisher's own format is the **World Bank API v2 JSON** response to
``https://api.worldbank.org/v2/country/all/indicator/SP.POP.TOTL?format=json&per_page=20000``: a
top-level array of two elements, the paging metadata (``page``, ``pages``, ``per_page``, ``total``,
``sourceid``, ``lastupdated`` as ``YYYY-MM-DD``) and the list of records
``{"indicator": {"id", "value"}, "country": {"id", "value"}, "countryiso3code", "date": "2023",
"value": 123456 or null, "unit", "obs_status", "decimal"}``. ``raw_row`` is the record's number in
that list (1-based). The file must be the whole indicator on one page (``per_page`` >= ``total``);
``lastupdated`` is the vintage, logged and kept in the frame's ``attrs["lastupdated"]``. The API's
error response (``[{"message": [...]}]``) is an error quoting its message.

The **datahub ``datasets/population`` CSV** is a repackaging of the same numbers: a comma-separated
file (CRLF, no BOM) in long format with the header ``Country Name,Country Code,Year,Value``; names
with commas are quoted ("Korea, Rep."). The content decides the format, not the file name: a first
non-space byte ``[`` (or ``{``) is JSON, anything else CSV.

Both map to one tidy table (``country_name``, ``country_code``, ``year``, ``population``, all as
read, as text). World Bank aggregates (regions, income groups, "World", the Channel Islands) share
the code column with countries. A code is a country when it is an ISO 3166-1 alpha-3 code known to
country_converter (Kosovo's user-assigned ``XKX`` included); every other code, and in the API an
empty ``countryiso3code``, is rejected as ``aggregate_not_a_country``, so that a sum over countries
never counts a person twice. A missing value (empty CSV cell, JSON null) is rejected by cleaning as
``missing_value``.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..log import get_logger
from ..spec import Column, Observation, SourceSpec
from ._common import file_label, mark_rejected, read_csv_text, require_columns, with_lineage

log = get_logger(__name__)

COLUMNS = {"Country Name": "country_name", "Country Code": "country_code", "Year": "year",
           "Value": "population"}
EXTRA_COUNTRIES = {"XKX"}  # Kosovo: World Bank and EU code outside ISO 3166-1
NOT_A_COUNTRY = "is not an ISO 3166-1 alpha-3 country code: a World Bank aggregate or grouping, not a country"

API_INDICATOR = "SP.POP.TOTL"
API_SHAPE = "the World Bank API v2 JSON response: [paging metadata object, array of records]"
PAGING = ("page", "pages", "per_page", "total", "lastupdated")

SPEC = SourceSpec(
    columns=(
        Column("country_name", "text", description="World Bank economy name"),
        Column("country_code", "text", required=True, description="ISO3 (aggregates are rejected)"),
        Column("year", "period", required=True),
        # "number", not "count": country populations exceed the run-wide max_count (10 million)
        # that guards event counts; see the handoff for a per-column limit proposal.
        Column("population", "count", required=True, max_count=20_000_000_000,
               description="persons, mid-year estimate"),
    ),
    key=("country_code", "year"),
    observations=(
        Observation(indicator="population", value="population", unit="persons", period="year",
                    ref_area="country_code"),
    ),
)


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes known to country_converter, plus the extra country codes."""
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return frozenset(coco.CountryConverter().data["ISO3"].dropna()) | EXTRA_COUNTRIES


def not_a_country(code: pd.Series) -> pd.Series:
    """The one country test of both formats: True where a code is not a country's ISO3 code."""
    return ~code.str.upper().isin(iso3_codes())


def read_one(path: Path, data: bytes) -> pd.DataFrame:
    first = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if not first:
        raise InputError(path, "file is empty", expected=f"a CSV file with a header row, or {API_SHAPE}")
    if first == b"<":  # the API's default answer, without format=json
        raise InputError(path, "is XML or HTML, not CSV or JSON", value=data[:40],
                         expected=f"{API_SHAPE} (format=json in the query), or the datahub CSV")
    return read_api_json(path, data) if first in b"[{" else read_csv(path, data)


def read_csv(path: Path, data: bytes) -> pd.DataFrame:
    raw = read_csv_text(path, data)
    require_columns(raw, COLUMNS, path, where="line 1")
    out = raw[list(COLUMNS)].rename(columns=COLUMNS)
    code = out["country_code"].fillna("").str.strip()
    # a blank code is a damaged row, left to cleaning's missing_value
    aggregate = code.ne("") & not_a_country(code)
    mark_rejected(out, ["aggregate_not_a_country" if a else None for a in aggregate],
                  [f"Country Code {c!r} ({n!r}) {NOT_A_COUNTRY}"
                   for c, n in zip(code, out["country_name"], strict=True)])
    return with_lineage(out, file_label(path), 2, "row ")


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")  # Python's json would read NaN as a float


def _json_kind(v) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(v), "number")


def _is_date(s) -> bool:
    try:
        return date.fromisoformat(s).isoformat() == s
    except (TypeError, ValueError):
        return False


def read_api_json(path: Path, data: bytes) -> pd.DataFrame:
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise InputError(path, "bytes are not UTF-8", where=f"byte {exc.start}",
                         value=data[exc.start: exc.start + 8], expected="JSON text encoded as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc.msg})", where=f"line {exc.lineno} column {exc.colno}",
                         expected=API_SHAPE) from None
    except ValueError as exc:  # from _no_constant
        raise InputError(path, str(exc), expected="numbers or null as values (JSON has no NaN)") from None
    # the API answers a bad query (unknown indicator, bad parameter) with HTTP 200 and this document
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "message" in doc[0]:
        msgs = doc[0]["message"] if isinstance(doc[0]["message"], list) else [doc[0]["message"]]
        said = "; ".join(f"{m.get('id')} {m.get('key')}: {m.get('value')}" if isinstance(m, dict) else str(m)
                         for m in msgs)
        raise InputError(path, f"is the World Bank API's error response, not data: {said!r}", where="element [0]",
                         expected="the response to a valid query (check the indicator code and the URL's parameters)")
    if not (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict)):
        raise InputError(path, "not the World Bank API's two-element array", where="top level",
                         value=[_json_kind(v) for v in doc] if isinstance(doc, list) else _json_kind(doc),
                         expected=API_SHAPE)
    meta, records = doc
    if missing := [k for k in PAGING if k not in meta]:
        raise InputError(path, f"paging metadata lacks {missing}", where="element [0]", value=sorted(meta),
                         expected=f"the keys {list(PAGING)}")
    try:  # numbers, though older API versions give per_page as a string ("50")
        page, pages, per_page, total = (int(meta[k]) for k in PAGING[:4])
    except (TypeError, ValueError):
        raise InputError(path, "paging metadata is not whole numbers", where="element [0]",
                         value={k: meta[k] for k in PAGING[:4]}, expected="page, pages, per_page and total as numbers"
                         ) from None
    if (page, pages) != (1, 1):
        # a paged download holds only some countries: a sum over the file would be silently short
        raise InputError(path, f"is page {page} of {pages} ({total} records, {per_page} per page): the other "
                               f"pages' records are not in this file", where="element [0]",
                         value={"page": page, "pages": pages, "per_page": per_page, "total": total},
                         expected=f"the whole indicator on one page: download with per_page >= total ({total})")
    if not isinstance(records, list) or len(records) != total:
        raise InputError(path, f"the records do not match the metadata's total of {total}", where="element [1]",
                         value=f"{len(records)} records" if isinstance(records, list) else _json_kind(records),
                         expected=f"an array of {total} records (a cut or edited download?)")
    if not _is_date(vintage := meta["lastupdated"]):
        raise InputError(path, "'lastupdated' is not a date", where="element [0]", value=vintage,
                         expected="YYYY-MM-DD")
    rows = []
    for n, rec in enumerate(records, 1):
        where = f"record {n} (element [1][{n - 1}])"
        try:
            indicator, country = rec["indicator"]["id"], rec["country"]
            rows.append((country["value"], rec["countryiso3code"] or "", rec["date"], rec["value"], country["id"]))
        except (KeyError, TypeError) as exc:
            raise InputError(path, f"not a record of the API's shape ({type(exc).__name__}: {exc})", where=where,
                             value=rec, expected="indicator.id, country.id, country.value, countryiso3code, "
                                                 "date and value") from None
        if indicator != API_INDICATOR:
            raise InputError(path, "a record of another indicator", where=where, column="indicator.id",
                             value=indicator, expected=repr(API_INDICATOR))
    # as text, like the CSV path, so that cleaning types both formats the same way
    out = pd.DataFrame([[None if v is None else str(v) for v in r] for r in rows],
                       columns=[*COLUMNS.values(), "wb_id"], dtype=object)
    wb_id, code = out.pop("wb_id"), out["country_code"].str.strip()
    # the API leaves countryiso3code empty for some aggregates: unlike a blank CSV cell, that is a grouping
    mark_rejected(out, ["aggregate_not_a_country" if a else None for a in not_a_country(code)],
                  [f"countryiso3code {c!r} (country.id {i!r}, {n!r}) {NOT_A_COUNTRY}"
                   for c, i, n in zip(code, wb_id, out["country_name"], strict=True)])
    out = with_lineage(out, file_label(path), 1, "record ")
    # the vintage: no column of the tidy table, so it goes to the log and the frame's attrs
    out.attrs["lastupdated"] = vintage
    log.info("%s: World Bank API v2 %s, source %s, lastupdated %s, %d records", file_label(path), API_INDICATOR,
             meta.get("sourceid"), vintage, len(out))
    return out
