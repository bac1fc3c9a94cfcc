"""IOM Missing Migrants Project: incident-level dead and missing migrants.

Two native layouts of the same global download:
- the current workbook (``Missing_Migrants_Global_Figures_allData.xlsx``, sheet ``Worksheet``);
- the older CSV (UTF-8 with BOM) whose columns were named ``Web ID``, ``Reported Date``
  ("December 30, 2019"), ``Number Dead``, ``Total Dead and Missing``, ``Location Coordinates``...
  It has no country of incident, and its date is the reported date, not the incident date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..spec import Column, Lit, Observation, SourceSpec
from ._common import file_label, read_csv_text, read_excel_sheet, require_columns, with_lineage

SHEET = "Worksheet"

XLSX_COLUMNS = {
    "Incident ID": "incident_id",
    "Main ID": "main_id",
    "Incident Type": "incident_type",
    "Region of Incident": "region",
    "Number of Dead": "dead",
    "Minimum Estimated Number of Missing": "missing",
    "Total Number of Dead and Missing": "dead_and_missing",
    "Number of Survivors": "survivors",
    "Number of Females": "females",
    "Number of Males": "males",
    "Number of Children": "children",
    "Country of Origin": "country_of_origin",
    "Cause of Death": "cause_of_death",
    "Country of Incident": "country_of_incident",
    "Migration Route": "route",
    "Coordinates": "coordinates",
    "Source Quality": "source_quality",
}
XLSX_DATE = ("Incident Date", "Incident Year", "Month")

CSV_COLUMNS = {
    "Web ID": "incident_id",
    "Region of Incident": "region",
    "Number Dead": "dead",
    "Minimum Estimated Number of Missing": "missing",
    "Total Dead and Missing": "dead_and_missing",
    "Number of Survivors": "survivors",
    "Number of Females": "females",
    "Number of Males": "males",
    "Number of Children": "children",
    "Cause of Death": "cause_of_death",
    "Migration Route": "route",
    "Location Coordinates": "coordinates",
    "Source Quality": "source_quality",
}
CSV_DATE = ("Reported Date", "Reported Year")

SPEC = SourceSpec(
    columns=(
        Column("incident_id", "text", required=True, description="IOM incident id (Web ID in old layout)"),
        Column("main_id", "text", description="IOM main id; split incidents share it"),
        Column("incident_type", "text"),
        Column("region", "text", description="IOM region of incident"),
        Column("period", "period", required=True,
               description="incident date (YYYY-MM-DD); YYYY-MM where only year and month are given"),
        Column("dead", "count"),
        # IOM records split incidents with negative missing/survivors so that persons later found
        # dead are not counted twice; dead + missing == total holds in every row of the 2024 file.
        Column("missing", "count", signed=True,
               description="minimum estimated number of missing; negative in split-incident adjustments"),
        Column("dead_and_missing", "count", required=True),
        Column("survivors", "count", signed=True),
        Column("females", "count"),
        Column("males", "count"),
        Column("children", "count"),
        Column("country_of_origin", "text", description="as IOM gives it; may list several"),
        Column("cause_of_death", "text"),
        Column("country_of_incident", "text"),
        Column("route", "text", description="IOM migration route label"),
        Column("coordinates", "text", description="'lat, lon' as given"),
        Column("source_quality", "count", description="IOM source quality, 1 (low) to 5 (high)"),
    ),
    key=("incident_id",),
    event_id="incident_id",
    observations=tuple(
        Observation(indicator=ind, value=col, unit="persons", period="period",
                    ref_area="country_of_incident", route="route",
                    where=(lambda d, c=col: d[c].notna()))
        for ind, col in (("dead", "dead"), ("missing", "missing"), ("dead_and_missing", "dead_and_missing"))
    ) + (
        Observation(indicator="incidents", value=Lit("1"), unit="incidents", period="period",
                    ref_area="country_of_incident", route="route"),
        # Breakdowns of dead and missing, as rows beside the total (select sex/age/dimension _T for totals):
        # by sex and for children where IOM records them, and by IOM's cause of death.
        *(Observation(indicator="dead_and_missing", value=col, unit="persons", period="period",
                      ref_area="country_of_incident", route="route", sex=Lit(sex), age=Lit(age),
                      where=(lambda d, c=col: d[c].notna()))
          for col, sex, age in (("females", "F", "_T"), ("males", "M", "_T"), ("children", "_T", "child"))),
        Observation(indicator="dead_and_missing", value="dead_and_missing", unit="persons", period="period",
                    ref_area="country_of_incident", route="route", dimension=Lit("cause_of_death"),
                    category="cause_of_death", where=lambda d: d["cause_of_death"].notna()),
    ),
)

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}


def _xlsx_period(row) -> object:
    date, year, month = row
    if isinstance(date, dt.date):  # an Excel date cell: datetime.datetime (pd.Timestamp is one too)
        return date.strftime("%Y-%m-%d")
    if isinstance(date, str) and date.strip():
        return date.strip()
    if pd.isna(year):
        return None
    m = _MONTHS.get(str(month).strip().casefold())
    return f"{int(year):04d}-{m:02d}" if m else f"{year}-{month}"


def _csv_period(text) -> object:
    if not isinstance(text, str) or not text.strip():
        return None
    parsed = pd.to_datetime(text.strip(), format="%B %d, %Y", errors="coerce")
    return parsed.strftime("%Y-%m-%d") if pd.notna(parsed) else text.strip()


def read_one(path: Path, data: bytes) -> pd.DataFrame:
    label = file_label(path)
    if path.suffix.lower() == ".xlsx":
        raw = read_excel_sheet(path, data, SHEET)
        require_columns(raw, [*XLSX_COLUMNS, *XLSX_DATE], path, where=f"sheet {SHEET!r} row 1")
        out = raw[list(XLSX_COLUMNS)].rename(columns=XLSX_COLUMNS)
        out["period"] = [_xlsx_period(r) for r in raw[list(XLSX_DATE)].itertuples(index=False)]
        out = with_lineage(out, label, 2, f"{SHEET}!row ")
    else:
        raw = read_csv_text(path, data)
        require_columns(raw, [*CSV_COLUMNS, *CSV_DATE], path, where="line 1")
        out = raw[list(CSV_COLUMNS)].rename(columns=CSV_COLUMNS)
        out["period"] = raw["Reported Date"].map(_csv_period)
        out = with_lineage(out, label, 2, "row ")
    for col in SPEC.names:
        if col not in out:
            out[col] = None
    return out

