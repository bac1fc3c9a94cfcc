"""The dataUNODC long-format workbook layout, shared by the GLOTIP and CTS adapters.

Every dataUNODC download is one sheet: A1 ``UNODC``, B1 a ``HYPERLINK`` formula to the data
mailbox, A2 the release date as text (``14/04/2025``), the header on row 3, then one value per row
under 13 columns. Only the value column differs: ``txtVALUE`` (text) in GLOTIP, ``VALUE`` in CTS.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ._common import read_excel_sheet

BANNER = "UNODC"
HEADER_ROW = 3  # spreadsheet row of the header; data start on the next row
FIRST_DATA_ROW = HEADER_ROW + 1

# Native header -> tidy column; each adapter adds its value column.
COLUMNS = {
    "Iso3_code": "iso3_code",
    "Country": "country",
    "Region": "region",
    "Subregion": "subregion",
    "Indicator": "indicator",
    "Dimension": "dimension",
    "Category": "category",
    "Sex": "sex",
    "Age": "age",
    "Year": "year",
    "Unit of measurement": "unit",
    "Source": "source",
}

# UNODC labels -> the data contract's codes. "Other" (a third sex category UNODC reports since
# 2019) gets the SDMX "other" code.
SEX_CODES = {"Total": "_T", "Female": "F", "Male": "M", "Other": "_O", "Unknown": "_U"}
AGE_CODES = {"Total": "_T", "0 to 17 years": "child", "18 years or over": "adult", "Unknown": "_U"}

# UNODC codes parts of a country as ISO3 + suffix (GBR_S Scotland, GBR_E_W England and Wales,
# IRQ_C Central Iraq); the country resolver would read GBR_S as GBR and merge the parts.
_ISO3 = re.compile(r"^[A-Z]{3}$")


def read_sheet(path: Path, data: bytes, sheet: str, value_column: str) -> tuple[pd.DataFrame, str]:
    """The data rows of one dataUNODC sheet, cells as stored, and the release date from A2.

    No type guessing and no pandas NA strings: a Category ``N/A`` or ``NA`` stays text, and only
    empty cells are missing. pandas opens the workbook in openpyxl's read-only mode and resets the
    sheet dimension, so the GLOTIP sheet whose ``<dimension>`` says ``A1`` is read in full (and the
    drawing part that its sheet relations name but the zip lacks is never opened).
    """
    cells = read_excel_sheet(path, data, sheet, header_row=None, what="a dataUNODC .xlsx workbook")
    a1 = cells.iat[0, 0] if cells.shape[0] and cells.shape[1] else None
    if a1 != BANNER or cells.shape[0] < HEADER_ROW:
        raise InputError(path, "banner rows missing", where=f"sheet {sheet!r} cell A1",
                         value=None if pd.isna(a1) else a1,
                         expected=f"{BANNER!r} in A1, the release date in A2 and the header on row "
                                  f"{HEADER_ROW}, as dataUNODC publishes it")
    release = cells.iat[1, 0]
    header = ["" if pd.isna(h) else str(h).strip() for h in cells.iloc[HEADER_ROW - 1]]
    expected = [*COLUMNS, value_column]
    missing = [c for c in expected if c not in header]
    if missing:
        raise InputError(path, f"missing column(s) {missing}", where=f"sheet {sheet!r} row {HEADER_ROW}",
                         value=[h for h in header if h], expected=f"the columns {expected}")
    data = cells.iloc[HEADER_ROW:].copy()
    data.columns = header
    data = data[expected].rename(columns=COLUMNS).reset_index(drop=True)
    # Years are int cells; as text the period check in clean.py sees them as written.
    data["year"] = pd.Series([str(v) if isinstance(v, int) else v for v in data["year"]], dtype=object)
    return data, ("" if pd.isna(release) else str(release))


def subnational(iso3, country) -> str | None:
    """Why a record is rejected as ``subnational_area`` when Iso3_code names part of a country."""
    if pd.isna(iso3) or _ISO3.match(str(iso3).strip()):
        return None
    return f"Iso3_code {str(iso3)!r} ({country}) is part of a country, not an ISO 3166 country"
