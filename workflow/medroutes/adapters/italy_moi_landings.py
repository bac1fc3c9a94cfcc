"""Italian Ministry of the Interior, "Cruscotto statistico giornaliero": landings, as extracted by onData.

onData ("Liberiamoli tutti!") transcribes each report PDF (about the 15th and the last day of each
month) into CSV tables (UTF-8, comma-separated, no quoting, Italian headers):

- ``sbarchi-per-giorno.csv`` (``Data, Valore, Note, Fonte, Data_Report``): persons landed per day,
  as printed in each report's month table. Every report repeats the whole month, so one date is
  printed by several reports, which may disagree. Days the report had not reached yet
  (``Data`` after ``Data_Report``) are printed as ``0``, blank or the malformed ``0[VALORE]0``,
  and the grid may hold days that do not exist (``2025-02-30``).
- ``nazionalita.csv`` (``Data_Report, Nazione, ISO_3166-1, Valore``): persons landed from 1 January
  to the report date (year-to-date stock), for the top ~10 nationalities plus ``altre`` (others).
  ``Nazione`` is Italian (``Costa d'Avorio``); ``ISO_3166-1`` was added by onData and holds
  alpha-2 codes (the datapackage says alpha-3), blank for ``altre``.
- ``anagrafica-report.csv`` (report date -> PDF URL) and ``italian-immigration-datapackage.json``
  are metadata: registered and pinned, read by nobody here (they yield no records).

Which report wins for a daily figure (the source says its figures are "suscettibili di successivo
consolidamento", so a later report is a consolidation of an earlier one):
for each ``Data``, the row of the **latest report whose ``Data_Report`` is on or after ``Data``**,
among rows whose ``Valore`` is a plain whole number. Every other row of that date is rejected:
``date_after_report`` (the report had not reached the day), ``superseded_same_value`` or
``superseded_conflicting_value`` (an earlier report; the detail names both reports and values).
Rows whose ``Valore`` is blank or malformed, or whose dates are not real dates, are left to clean.py,
which rejects them (``missing_value``, ``not_a_number``, ``invalid_period``); they never win, so an
earlier report's well-formed figure stands instead. Two rows of one date in the winning report are
left to clean.py's duplicate check. A date printed only as not-yet-reached has no kept value.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..spec import Column, Lit, Observation, SourceSpec
from ._common import file_label, mark_rejected, read_csv_text, require_columns, text_series, with_lineage

DAILY = "sbarchi-per-giorno"
NATIONALITY = "nazionalita"
DAILY_COLUMNS = ("Data", "Valore", "Note", "Fonte", "Data_Report")
NATIONALITY_COLUMNS = ("Data_Report", "Nazione", "ISO_3166-1", "Valore")
METADATA_FILES = ("anagrafica-report.csv", "italian-immigration-datapackage.json")

SPEC = SourceSpec(
    columns=(
        Column("table", "text", required=True,
               description=f"the record's table: {DAILY} (daily) or {NATIONALITY} (year-to-date)"),
        Column("period", "period", required=True,
               description="daily table: the landing day (Data); nationality table: the report date"),
        Column("report_date", "period", required=True, description="date of the report (Data_Report)"),
        Column("nationality", "text", description="Nazione as printed, in Italian; 'altre' = others"),
        Column("iso_code", "text", description="ISO_3166-1 as added by onData (alpha-2; blank for 'altre')"),
        Column("counterpart", "text", required=True,
               description="nationality to resolve: the ISO code when given, else Nazione; '_T' for daily"),
        Column("persons", "count", required=True, description="Valore: persons landed"),
        Column("note", "text", description="Note: the cut-off hour of the daily count (08:00 or 24:00)"),
        Column("fonte", "text", description="Fonte: source line printed under the daily table"),
    ),
    key=("table", "period", "counterpart"),
    observations=(
        # Route left null: Italian landings arrive mostly by the Central Mediterranean, but also from
        # Algeria (Sardinia) and from Turkey/Greece (Ionian coast); the report does not say which.
        # Status P: every daily row says the figures are subject to later consolidation.
        Observation(indicator="sea_arrivals", value="persons", unit="persons", period="period",
                    ref_area=Lit("ITA"), counterpart_area="counterpart", obs_status=Lit("P"),
                    where=lambda d: d["table"] == DAILY),
        # A stock since 1 January, at the report date: never sum these over periods.
        Observation(indicator="sea_arrivals_ytd", value="persons", unit="persons", period="period",
                    ref_area=Lit("ITA"), counterpart_area="counterpart",
                    where=lambda d: d["table"] == NATIONALITY),
    ),
)



def _shown(v) -> str:
    return repr(v) if isinstance(v, str) and v.strip() else "blank"


def _pick_reports(out: pd.DataFrame) -> pd.DataFrame:
    """Mark every daily row that is not its date's winning report (see the module docstring)."""
    day = pd.to_datetime(text_series(out["period"]), format="%Y-%m-%d", errors="coerce")
    rep = pd.to_datetime(text_series(out["report_date"]), format="%Y-%m-%d", errors="coerce")
    value = text_series(out["persons"])
    whole = value.str.fullmatch(r"\d+").fillna(False).astype(bool)
    dated = day.notna() & rep.notna()
    after = dated & (day > rep)
    eligible = dated & ~after & whole
    latest = rep.where(eligible).groupby(day).transform("max")
    winners = out.index[eligible & (rep == latest)]
    winner = pd.Series(winners, index=day[winners]).groupby(level=0).first()  # first in file order

    reason: list[str | None] = [None] * len(out)
    detail: list[str | None] = [None] * len(out)
    for pos, i in enumerate(out.index):
        d, r, v = out.at[i, "period"], out.at[i, "report_date"], out.at[i, "persons"]
        if after[i]:
            reason[pos] = "date_after_report"
            detail[pos] = (f"Data {d} is after Data_Report {r}: a day the report had not reached "
                           f"(Valore {_shown(v)})")
        elif eligible[i] and rep[i] < latest[i]:
            w = winner[day[i]]
            wv, wr = out.at[w, "persons"], out.at[w, "report_date"]
            same = int(value[i]) == int(value[w])
            reason[pos] = "superseded_same_value" if same else "superseded_conflicting_value"
            detail[pos] = (f"Data {d}: Valore {_shown(v)} of the report of {r} is superseded by the "
                           f"report of {wr} (Valore {_shown(wv)}, {out.at[w, 'raw_ref']})")
    mark_rejected(out, reason, detail)
    return out


def _read_daily(path: Path, data: bytes, label: str) -> pd.DataFrame:
    raw = read_csv_text(path, data)
    require_columns(raw, DAILY_COLUMNS, path, where="line 1")
    out = pd.DataFrame({
        "table": DAILY, "period": raw["Data"], "report_date": raw["Data_Report"],
        "nationality": None, "iso_code": None, "counterpart": "_T", "persons": raw["Valore"],
        "note": raw["Note"], "fonte": raw["Fonte"],
    })
    return _pick_reports(with_lineage(out, label, 2, "row "))


def _read_nationality(path: Path, data: bytes, label: str) -> pd.DataFrame:
    raw = read_csv_text(path, data)
    require_columns(raw, NATIONALITY_COLUMNS, path, where="line 1")
    iso, name = text_series(raw["ISO_3166-1"]), text_series(raw["Nazione"])
    out = pd.DataFrame({
        "table": NATIONALITY, "period": raw["Data_Report"], "report_date": raw["Data_Report"],
        "nationality": raw["Nazione"], "iso_code": raw["ISO_3166-1"],
        # onData's code where it gave one; 'altre' (and any name it left uncoded) goes by name
        "counterpart": iso.where(iso.fillna("").ne(""), name.where(name.fillna("").ne(""))),
        "persons": raw["Valore"], "note": None, "fonte": None,
    })
    return with_lineage(out, label, 2, "row ")


def read_one(path: Path, data: bytes) -> pd.DataFrame | None:
    label = file_label(path)
    if path.name == f"{DAILY}.csv":
        return _read_daily(path, data, label)
    if path.name == f"{NATIONALITY}.csv":
        return _read_nationality(path, data, label)
    if path.name in METADATA_FILES:
        return None  # metadata: pinned at intake, no records
    raise InputError(path, "not a file of this source", value=path.name,
                     expected=f"one of {DAILY}.csv, {NATIONALITY}.csv, {', '.join(METADATA_FILES)}")

