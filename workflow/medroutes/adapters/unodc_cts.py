"""UNODC Crime Trends Survey (CTS): corruption and economic crime, for its "Smuggling of migrants" offences.

Native format: ``data_cts_corruption_and_economic_crime.xlsx``, sheet ``data_cts_corruption_and_economi``
(Excel's 31-character cut of the name), dataUNODC long format (see ``_unodc``): banner rows, header
on row 3, one value per row, ``VALUE`` numeric. Each country-year comes twice: ``Counts`` and
``Rate per 100,000 population``. The study keeps only the Category "Smuggling of migrants" (police-
recorded offences; the file has no persons arrested, prosecuted or convicted); every other
category (theft, corruption, environmental crime, ...) is rejected as ``out_of_scope_category`` so
that the row counts reconcile and a reviewer sees why. Rows for parts of a country (``GBR_S``
Scotland, ``GBR_NI`` Northern Ireland) are rejected as ``subnational_area``: the resolver would
read both as GBR and give the United Kingdom two values per year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..spec import Column, Observation, SourceSpec
from ._common import file_label, text, with_lineage
from ._unodc import AGE_CODES, SEX_CODES, read_sheet, subnational

SHEET = "data_cts_corruption_and_economi"
VALUE_COLUMN = "VALUE"
CATEGORY = "Smuggling of migrants"
INDICATOR = "Offences"
MEASURES = {"Counts": "count", "Rate per 100,000 population": "rate"}

SPEC = SourceSpec(
    columns=(
        Column("iso3_code", "text", required=True, description="ISO3 of the reporting country (Iso3_code)"),
        Column("country", "text"),
        Column("region", "text"),
        Column("subregion", "text"),
        Column("indicator", "text", required=True, description="UNODC indicator label (Offences)"),
        Column("dimension", "text", description="always 'by type of offence'"),
        Column("category", "text", required=True, description="type of offence, as given"),
        Column("sex", "text", required=True, description="UNODC sex label (always Total)"),
        Column("age", "text", required=True, description="UNODC age label (always Total)"),
        Column("year", "period", required=True),
        Column("unit", "text", required=True, description="Unit of measurement, as given"),
        Column("value", "number", required=True, description="VALUE as given"),
        Column("source", "text", description="UNODC's note on the national source (CTS, CTS/MoI, ...)"),
        Column("measure", "text", required=True, description="count or rate, from the unit"),
        Column("count", "count", description="VALUE of a Counts row: offences"),
        Column("rate", "number", description="VALUE of a rate row: offences per 100,000 population"),
        Column("sex_code", "text", required=True),
        Column("age_code", "text", required=True),
    ),
    key=("iso3_code", "indicator", "category", "sex", "age", "year", "unit"),
    observations=(
        Observation(indicator="smuggling_offences", value="count", unit="offences", period="year",
                    ref_area="iso3_code", sex="sex_code", age="age_code",
                    where=lambda d: d["measure"].eq("count").fillna(False).astype(bool)),
        Observation(indicator="smuggling_offences_rate", value="rate", unit="per_100k", period="year",
                    ref_area="iso3_code", sex="sex_code", age="age_code",
                    where=lambda d: d["measure"].eq("rate").fillna(False).astype(bool)),
    ),
)



def _derive(r) -> dict:
    """The coded columns of one record and, if it is out of scope or mislabelled, why."""
    measure = MEASURES.get(text(r.unit) or "")
    out = {"measure": measure, "count": r.value if measure == "count" else None,
           "rate": r.value if measure == "rate" else None,
           "sex_code": SEX_CODES.get(text(r.sex) or ""), "age_code": AGE_CODES.get(text(r.age) or ""),
           "adapter_reject": None, "adapter_detail": None}

    def reject(reason: str, detail: str) -> dict:
        out.update(adapter_reject=reason, adapter_detail=detail)
        return out

    category = text(r.category)
    if category and category != CATEGORY:
        return reject("out_of_scope_category",
                      f"Category {category!r} is outside the study (only {CATEGORY!r} is kept)")
    if why := subnational(r.iso3_code, r.country):
        return reject("subnational_area", why)
    if text(r.indicator) and text(r.indicator) != INDICATOR:
        return reject("unknown_indicator", f"Indicator {text(r.indicator)!r} is not {INDICATOR!r}")
    if text(r.unit) and measure is None:
        return reject("unknown_unit",
                      f"Unit of measurement {text(r.unit)!r} is not one of {sorted(MEASURES)}")
    for label, coded, codes, name in ((r.sex, out["sex_code"], SEX_CODES, "Sex"),
                                      (r.age, out["age_code"], AGE_CODES, "Age")):
        if text(label) and coded is None:
            return reject(f"unknown_{name.lower()}", f"{name} {text(label)!r} is not one of {sorted(codes)}")
    rate = pd.to_numeric(pd.Series([out["rate"]], dtype=object), errors="coerce").iloc[0]
    if pd.notna(rate) and rate < 0:
        return reject("negative_rate", f"VALUE {r.value!r} of a {text(r.unit)!r} row is negative")
    return out


def read_one(path: Path, data: bytes) -> pd.DataFrame:
    out, _release = read_sheet(path, data, SHEET, VALUE_COLUMN)
    out = out.rename(columns={VALUE_COLUMN: "value"})
    derived = pd.DataFrame([_derive(r) for r in out.itertuples(index=False)], index=out.index,
                           columns=["measure", "count", "rate", "sex_code", "age_code", "adapter_reject",
                                    "adapter_detail"], dtype=object)
    out = pd.concat([out, derived], axis=1)
    return with_lineage(out, file_label(path), 4, f"{SHEET}!row ")

