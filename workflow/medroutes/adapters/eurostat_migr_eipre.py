"""Eurostat ``migr_eipre``: third-country nationals found to be illegally present, annual, by reason
and place of apprehension (EU statistics on the enforcement of immigration legislation).

Native format: one JSON-stat 2.0 dataset as the Eurostat dissemination API returns it for the query
``age=TOTAL&sex=T&unit=PER&citizen=TOTAL`` (so no breakdown by citizenship, sex or age). Values are
persons, rounded by Eurostat to the nearest 5. ``value`` and ``status`` are sparse objects keyed by
the flat row-major cell index; the decoder below also reads the dense-array form of the standard.

One raw record per cell that has a value or a status flag; ``raw_row`` is the flat cell index.
``reason`` x ``apprehen`` is a full cross with totals, and ``apprehen`` is itself two-level
(``TOTAL = BRD_EXT + INL``, ``BRD_EXT = BCP_SLA + BCP_S + BCP_L``). The contract has one
dimension/category pair, so each cell goes to the breakdown it belongs to (see ``breakdown``):
within one ``dimension`` the categories never overlap, so summing them never double counts.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..spec import Column, Observation, SourceSpec
from ._common import file_label

QUERY = "age=TOTAL&sex=T&unit=PER&citizen=TOTAL"
# Dimensions the query fixes to one category: anything else is a different extract.
FIXED = {"freq": "A", "citizen": "TOTAL", "sex": "T", "age": "TOTAL", "unit": "PER"}
BROKEN_DOWN = ("reason", "apprehen", "geo", "time")
TOTAL = "TOTAL"

REASONS = {"ENTRY_NLEG": "illegal_entry", "OSTAY": "overstay", "OTH": "other_reason"}
PLACES = {"BRD_EXT": "external_border_area", "INL": "inland_area"}  # sum to TOTAL
BORDER_PLACES = {  # sum to BRD_EXT
    "BCP_SLA": "border_crossing_point", "BCP_S": "between_bcp_sea", "BCP_L": "between_bcp_land",
}

# Eurostat flags -> contract obs_status. s (Eurostat estimate) is an estimate; r (revised) is the
# current normal value. Other flags (u low reliability, n not significant, z not applicable, f
# forecast, ...) have no contract code: such records are rejected so that a person decides.
FLAGS = {"c": "C", "b": "B", "d": "D", "e": "E", "s": "E", "p": "P", "r": "A"}
PRECEDENCE = "CBDEPA"  # a combined flag such as "bp" takes the first of these

SPEC = SourceSpec(
    columns=(
        Column("reason", "text", required=True, description="Eurostat reason code (TOTAL, ENTRY_NLEG, ...)"),
        Column("apprehen", "text", required=True,
               description="Eurostat place-of-apprehension code (TOTAL, BRD_EXT, BCP_S, ...)"),
        Column("geo", "text", required=True,
               description="Eurostat reporting country: ISO 3166 alpha-2 except EL (Greece), UK; "
                           "EU27_2020/EU28 aggregates"),
        Column("time", "period", required=True, description="reference year"),
        Column("persons", "count",
               description="persons found illegally present, rounded to 5; empty only if confidential"),
        Column("status", "text", description="Eurostat flag as given (d, b, ...)"),
        Column("obs_status", "text", required=True, description="contract status derived from the flag"),
        Column("dimension", "text", required=True, description="contract breakdown (see the module doc)"),
        Column("category", "text", required=True, description="contract category within the breakdown"),
    ),
    key=("reason", "apprehen", "geo", "time"),
    observations=(
        Observation(indicator="illegally_present_tcn", value="persons", unit="persons", period="time",
                    ref_area="geo", dimension="dimension", category="category", obs_status="obs_status"),
    ),
)


# --- JSON-stat 2.0 decoding --------------------------------------------------------------------

@dataclass(frozen=True)
class Cube:
    """A decoded JSON-stat dataset: dimension ids, their category ids in index order, and the cells."""

    ids: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    values: dict[int, object]  # flat row-major index -> value (non-null only)
    status: dict[int, str]  # flat index -> status flag (non-empty only)

    def coords(self, flat: int) -> dict[str, str]:
        """Category id of each dimension for one flat index (row-major: the last dimension is fastest)."""
        out = {}
        for dim, cats in zip(reversed(self.ids), reversed(self.categories), strict=True):
            flat, pos = divmod(flat, len(cats))
            out[dim] = cats[pos]
        return out


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")  # Python's json would accept it as a float


class _DuplicateKey(ValueError):
    """A key given twice in one JSON object (json.loads would keep the last value silently)."""


def _unique_keys(pairs: list) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key, out[key], value)
        out[key] = value
    return out


def load_json(path: Path, raw: bytes) -> object:
    if not raw.strip():
        raise InputError(path, "file is empty", expected="a JSON-stat 2.0 dataset")
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except UnicodeDecodeError as exc:
        raise InputError(path, "bytes are not UTF-8", where=f"byte {exc.start}",
                         value=raw[exc.start: exc.start + 8], expected="JSON text encoded as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc.msg})", where=f"line {exc.lineno} column {exc.colno}",
                         expected="a JSON-stat 2.0 dataset") from None
    except _DuplicateKey as exc:
        key, first, second = exc.args
        raise InputError(path, "a key occurs twice in one JSON object", where=f"key {key!r}",
                         value=[first, second], expected="each key once (in 'value' or 'status', each cell once)"
                         ) from None
    except ValueError as exc:  # from _no_constant
        raise InputError(path, str(exc), expected="numbers or null as values (JSON has no NaN)") from None


def _categories(dim_obj: object, dim: str, n: int, path: Path) -> tuple[str, ...]:
    where = f"dimension {dim!r}"
    cat = dim_obj.get("category") if isinstance(dim_obj, dict) else None
    if not isinstance(cat, dict):
        raise InputError(path, "has no 'category' object", where=where, expected="dimension.<id>.category")
    index = cat.get("index")
    labels = cat.get("label")
    if index is None and n == 1 and isinstance(labels, dict) and len(labels) == 1:
        return (str(next(iter(labels))),)  # the standard lets a one-category dimension omit index
    if isinstance(index, list):
        ids = index
    elif isinstance(index, dict):
        positions = list(index.values())
        whole = all(isinstance(v, int) and not isinstance(v, bool) for v in positions)
        if not whole or sorted(positions) != list(range(len(positions))):
            raise InputError(path, "category.index positions are not 0..n-1", where=where,
                             value=index, expected="each category mapped to a distinct position 0..n-1")
        ids = sorted(index, key=index.get)
    else:
        raise InputError(path, "category.index is missing", where=where, value=type(index).__name__,
                         expected="an object {category: position} or an array of category ids")
    if len(ids) != n:
        raise InputError(path, f"'size' gives {n} categories but category.index lists {len(ids)}",
                         where=where, value=ids, expected="as many categories as 'size' says")
    if len(set(ids)) != len(ids) or not all(isinstance(c, str) for c in ids):
        raise InputError(path, "category ids are not distinct strings", where=where, value=ids,
                         expected="distinct category ids")
    return tuple(ids)


def _cells(obj: object, n: int, key: str, size: list, path: Path) -> dict[int, object]:
    """``value`` or ``status`` as {flat index: entry}, nulls left out; dense array or sparse object."""
    if isinstance(obj, list):
        if len(obj) != n:
            raise InputError(path, f"array has {len(obj)} entries", where=f"key {key!r}",
                             expected=f"{n} entries, the product of 'size' {size}")
        return {i: v for i, v in enumerate(obj) if v is not None}
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if not (isinstance(k, str) and k.isdigit() and int(k) < n):
                raise InputError(path, "key is not a cell index", where=f"{key}[{k!r}]", value=k,
                                 expected=f"a whole number from 0 to {n - 1} (the product of 'size' {size})")
            if v is not None:
                out[int(k)] = v
        return out
    raise InputError(path, "is neither an array nor an object", where=f"key {key!r}",
                     value=type(obj).__name__, expected="a dense array or an object keyed by cell index")


def decode(doc: object, path: Path) -> Cube:
    """Decode a JSON-stat 2.0 ``dataset`` (``id``, ``size``, ``dimension``, ``value``, ``status``)."""
    if not isinstance(doc, dict) or doc.get("class") != "dataset":
        found = doc.get("error", doc.get("class")) if isinstance(doc, dict) else type(doc).__name__
        raise InputError(path, "not a JSON-stat dataset", where="key 'class'", value=found,
                         expected='a JSON-stat 2.0 response with "class": "dataset"')
    if doc.get("version") != "2.0":
        raise InputError(path, "unsupported JSON-stat version", where="key 'version'",
                         value=doc.get("version"), expected='"2.0"')
    ids, size, dims = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)):
        raise InputError(path, "'id' is not a list of distinct dimension ids", where="key 'id'", value=ids,
                         expected="a list of dimension ids")
    if not (isinstance(size, list) and len(size) == len(ids)
            and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in size)):
        raise InputError(path, "'size' does not match 'id'", where="key 'size'", value=size,
                         expected=f"{len(ids)} non-negative whole numbers, one per dimension in 'id'")
    if not isinstance(dims, dict) or any(d not in dims for d in ids):
        raise InputError(path, "'dimension' lacks a dimension named in 'id'", where="key 'dimension'",
                         value=sorted(dims) if isinstance(dims, dict) else type(dims).__name__,
                         expected=f"an object with the dimensions {ids}")
    if "value" not in doc:
        raise InputError(path, "has no 'value'", where="key 'value'", expected="a JSON-stat dataset")
    cats = tuple(_categories(dims[d], d, n, path) for d, n in zip(ids, size, strict=True))
    n = math.prod(size)
    values = _cells(doc["value"], n, "value", size, path)
    status_obj = doc.get("status")
    if status_obj is None:
        status = {}
    elif isinstance(status_obj, str):  # one flag for every value
        status = dict.fromkeys(values, status_obj)
    else:
        status = _cells(status_obj, n, "status", size, path)
    status = {i: str(s).strip() for i, s in status.items() if str(s).strip()}
    return Cube(tuple(ids), cats, values, status)


# --- migr_eipre -------------------------------------------------------------------------------

def breakdown(reason: str, apprehen: str) -> tuple[str, str] | None:
    """(dimension, category) of a cell; None for a code outside the dataset's code lists.

    dimension                            categories                         they sum to
    _T                                   _T                                 (the total)
    reason                               illegal_entry, overstay, other_r.  the total
    place_of_apprehension                external_border_area, inland_area  the total
    place_at_external_border             border_crossing_point, between_... external_border_area
    reason_by_place_of_apprehension      <reason>|<place_of_apprehension>   the total
    reason_by_place_at_external_border   <reason>|<place_at_external_b.>    external_border_area
    """
    r, p, b = REASONS.get(reason), PLACES.get(apprehen), BORDER_PLACES.get(apprehen)
    if reason == TOTAL and apprehen == TOTAL:
        return "_T", "_T"
    if apprehen == TOTAL and r:
        return "reason", r
    if reason == TOTAL and (p or b):
        return ("place_of_apprehension", p) if p else ("place_at_external_border", b)
    if r and p:
        return "reason_by_place_of_apprehension", f"{r}|{p}"
    if r and b:
        return "reason_by_place_at_external_border", f"{r}|{b}"
    return None


def obs_status(flag: str | None) -> str | None:
    """Contract obs_status of a Eurostat flag (``A`` when none); None for a flag not mapped."""
    if not flag:
        return "A"
    codes = {FLAGS.get(ch) for ch in flag}
    if None in codes:
        return None
    return min(codes, key=PRECEDENCE.index)


def _check_dimensions(cube: Cube, path: Path) -> None:
    missing = [d for d in (*FIXED, *BROKEN_DOWN) if d not in cube.ids]
    if missing:
        raise InputError(path, f"missing dimension(s) {missing}", where="key 'id'", value=list(cube.ids),
                         expected=f"the migr_eipre dimensions {[*FIXED, *BROKEN_DOWN]}")
    for dim, cats in zip(cube.ids, cube.categories, strict=True):
        if dim in FIXED and cats != (FIXED[dim],):
            raise InputError(path, "dimension is not fixed to the queried category", where=f"dimension {dim!r}",
                             value=list(cats), expected=f"only {FIXED[dim]!r} (the extract {QUERY})")
        if dim not in FIXED and dim not in BROKEN_DOWN and len(cats) != 1:
            raise InputError(path, "unexpected dimension with several categories", where=f"dimension {dim!r}",
                             value=list(cats), expected=f"only the dimensions {[*FIXED, *BROKEN_DOWN]}")


def read_one(path: Path, data: bytes) -> pd.DataFrame:
    label = file_label(path)
    cube = decode(load_json(path, data), path)
    _check_dimensions(cube, path)
    rows = []
    for flat in sorted(set(cube.values) | set(cube.status)):
        c = cube.coords(flat)
        value, flag = cube.values.get(flat), cube.status.get(flat)
        reason, apprehen = c["reason"], c["apprehen"]
        split, status = breakdown(reason, apprehen), obs_status(flag)
        reject = detail = None
        if split is None:
            reject = "unknown_category"
            detail = (f"reason {reason!r} / apprehen {apprehen!r} is outside the code lists "
                      f"(reason: TOTAL, {', '.join(REASONS)}; apprehen: TOTAL, "
                      f"{', '.join([*PLACES, *BORDER_PLACES])})")
        elif status is None:
            reject = "unsupported_status_flag"
            detail = f"status {flag!r} of value[{flat}] is not a flag this adapter maps ({', '.join(FLAGS)})"
        elif value is None and status != "C":
            reject = "missing_value"
            detail = f"value[{flat}] has status {flag!r} but no value (only a confidential 'c' cell may)"
        dimension, category = split or (None, None)
        rows.append({
            "reason": reason, "apprehen": apprehen, "geo": c["geo"], "time": c["time"], "persons": value,
            "status": flag, "obs_status": status, "dimension": dimension, "category": category,
            "adapter_reject": reject, "adapter_detail": detail, "raw_file": label, "raw_row": flat,
            "raw_ref": f"{label} value[{flat}] (reason={reason} apprehen={apprehen} geo={c['geo']} "
                       f"time={c['time']})",
        })
    columns = [*SPEC.names, "adapter_reject", "adapter_detail", "raw_file", "raw_row", "raw_ref"]
    out = pd.DataFrame(rows, columns=columns, dtype=object)
    out["raw_row"] = out["raw_row"].astype("int64")
    return out

