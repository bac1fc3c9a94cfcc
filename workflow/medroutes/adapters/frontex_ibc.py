"""Frontex detections of illegal border crossings (IBC), monthly, by route, sea/land and nationality.

Native format: an R ``save`` file (``frontex.rda``, from IOM's gdidata package) holding one
tibble ``frontex`` with columns ``route, type, nat, t, n``; ``t`` is a ``yearmonth``: days since
1970-01-01 of the month's first day. Read with ``rdata`` (pure-Python, maintained R-data reader).
Zero cells are not stored. Frontex counts detections, not persons.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pandas as pd
import rdata

from ..errors import InputError
from ..spec import Column, Lit, Observation, SourceSpec
from ._common import file_label, mark_rejected, require_columns, with_lineage

OBJECT = "frontex"
COLUMNS = ("route", "type", "nat", "t", "n")
MODES = {"Sea": "sea", "Land": "land"}

SPEC = SourceSpec(
    columns=(
        Column("route", "text", required=True, description="Frontex route name"),
        Column("mode", "text", required=True, description="sea or land"),
        Column("citizenship", "text", required=True, description="ISO3 (Frontex uses some non-ISO codes)"),
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


def read_one(path: Path, data: bytes) -> pd.DataFrame:
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

