"""UNODC GLOTIP: trafficking in persons country data (``data_glotip.xlsx``, sheet ``data_glotip_1``).

dataUNODC long format (see ``_unodc``): banner rows, header on row 3, one value per row.
Native quirks handled here:
- ``txtVALUE`` is text: ``<5`` is a suppressed small count (kept with no value, obs_status ``C``),
  values of 1,000 and more carry comma thousands separators (``1,192``).
- Questionnaire cell codes leaked into the table: ``Q6.1_10s_2019`` as Category (PAK, SLE) and
  ``6,112,019`` (the digits of ``Q6.1_1s_2019``) as the value of some ``Nationals`` rows. Rejected.
- ``by citizenship`` rows carry the citizenship as reported, in several languages and with U+FFFD
  where an accented letter was lost. Phrases for the reporting country's own nationals
  (``Nationals``, ``Ciudadanos de su pa\ufffds``, ``own country``) become the reporting country's ISO3;
  text that names no single citizenship (numbers, regions, former states) is rejected; the rest
  goes to the country resolver. A blank citizenship is rejected: it is not "unknown" (explicit
  ``Unknown`` rows exist beside it) but a label missing from UNODC's export (most such rows come
  from reporters writing in Arabic or Cyrillic script; several equal the reporter's total).
- ``by country of repatriation`` rows are rejected: the file does not say whether the country is
  where victims were returned to or from (Nigeria lists countries Nigerians came back from, Spain
  countries victims were sent back to), so it is neither a citizenship nor a counterpart area.
- Some keys occur more than once with different values: unlabelled sub-forms of "Other forms of
  exploitation", and sex totals that repeat an age breakdown without its age label. The label
  that tells the rows apart is not in the file, so every row of such a key is rejected.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from ..spec import Column, Observation, SourceSpec
from ._common import file_label, text, with_lineage
from ._unodc import AGE_CODES, SEX_CODES, read_sheet, subnational

SHEET = "data_glotip_1"
VALUE_COLUMN = "txtVALUE"
SUPPRESSED = "<5"
UNIT = "Counts"

# UNODC indicator label -> (indicator code, unit)
INDICATORS = {
    "Detected trafficking victims": ("trafficking_victims_detected", "persons"),
    "Persons brought into formal contact": ("trafficking_persons_formal_contact", "persons"),
    "Persons prosecuted": ("trafficking_persons_prosecuted", "persons"),
    "Persons convicted": ("trafficking_persons_convicted", "persons"),
    "Offences of trafficking in persons": ("trafficking_offences", "offences"),
}
TOTAL, FORM, CITIZENSHIP, REPATRIATION = ("Total", "by form of exploitation", "by citizenship",
                                          "by country of repatriation")
FORMS = {"Sexual exploitation": "sexual_exploitation", "Forced labour": "forced_labour",
         "Other forms of exploitation": "other_forms"}

# Citizenship text meaning "nationals of the reporting country" (compared after _key()).
OWN_NATIONALS = {"nationals", "ciudadanos de su pa\ufffds", "ciudadanos de su país", "own country"}
# Citizenship text that names no single citizenship -> why (reason ``unresolvable_citizenship``).
NOT_A_CITIZENSHIP = {
    **dict.fromkeys(["africa", "africa and middle east", "americas", "amercias", "asia",
                     "caribbean (trinidad and tobago, barbados, etc)", "european economic area"],
                    "names a region or group of countries, not one citizenship"),
    **dict.fromkeys(["former yugoslavia", "former czechoslovakia", "the former netherlands antilles"],
                    "names a former state that has no single current ISO 3166 code"),
    "3 nig\ufffdriens et 1 tunisien": "names several citizenships in one cell",
    "car": "is ambiguous (Central African Republic, or the Caribbean as in 'Other Central America and Car')",
    "disputed": "names no citizenship",
    "nationality": "is a column label, not a citizenship",
    "without": "is a truncated label (perhaps 'without nationality'), not a citizenship",
    "rohingya": "names an ethnic group (largely stateless), not a citizenship",
}
_NUMBER = re.compile(r"^\d+$")
_QCODE_CATEGORY = re.compile(r"^Q\d+(\.\d+)*_\w+$")
_QCODE_VALUE = re.compile(r"^61(\d{1,2})(20\d\d)$")  # the digits of Q6.1_<n>s_<year> read as a number
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")

SPEC = SourceSpec(
    columns=(
        Column("iso3_code", "text", required=True, description="ISO3 of the reporting country (Iso3_code)"),
        Column("country", "text", description="reporting country name (Country)"),
        Column("region", "text"),
        Column("subregion", "text"),
        Column("indicator", "text", required=True, description="UNODC indicator label, as given"),
        Column("dimension", "text", required=True, description="UNODC dimension label, as given"),
        Column("category", "text",
               description="UNODC category as given: Total, a form of exploitation, or a citizenship"),
        Column("sex", "text", required=True, description="UNODC sex label, as given"),
        Column("age", "text", required=True, description="UNODC age label, as given"),
        Column("year", "period", required=True),
        Column("unit", "text", description="Unit of measurement (always Counts)"),
        Column("value_text", "text", required=True, description="txtVALUE as given (text)"),
        Column("source", "text"),
        Column("indicator_code", "text", required=True, description="indicator code for the UNODC label"),
        Column("sex_code", "text", required=True, description="F, M, _T, _O (other), _U"),
        Column("age_code", "text", required=True, description="child (0-17), adult (18+), _T, _U"),
        Column("breakdown", "text", required=True, description="_T, or form_of_exploitation"),
        Column("breakdown_category", "text", required=True,
               description="_T, or sexual_exploitation / forced_labour / other_forms"),
        Column("citizenship", "text",
               description="_T outside citizenship rows; the reporting country's ISO3 for its own "
                           "nationals; else the citizenship text as given, for the resolver"),
        Column("value", "count", description="txtVALUE as a number; empty where suppressed (<5)"),
        Column("obs_status", "text", required=True, description="A, or C where txtVALUE is <5"),
    ),
    key=("iso3_code", "indicator", "dimension", "category", "sex", "age", "year"),
    observations=tuple(
        Observation(indicator=ind, value="value", unit=unit, period="year", ref_area="iso3_code",
                    counterpart_area="citizenship", sex="sex_code", age="age_code",
                    dimension="breakdown", category="breakdown_category", obs_status="obs_status",
                    where=(lambda d, c=ind: d["indicator_code"].eq(c).fillna(False).astype(bool)))
        for ind, unit in INDICATORS.values()
    ),
)


DERIVED = ["indicator_code", "sex_code", "age_code", "breakdown", "breakdown_category", "citizenship",
           "value", "obs_status", "adapter_reject", "adapter_detail"]


def _key(text) -> str:
    """Compare citizenship text the way the resolver does: NFKC, casefold, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).strip().casefold().split())



def _value(text) -> tuple[object, str]:
    """txtVALUE -> (value as clean.py should read it, obs_status)."""
    if not isinstance(text, str):
        return text, "A"  # a numeric cell (none in the 2025 file): clean.py types it
    t = text.strip()
    if t == SUPPRESSED:
        return None, "C"
    return (t.replace(",", "") if _THOUSANDS.match(t) else t), "A"


def _derive(r) -> dict:
    """The coded columns of one record and, if the native format rules it out, why."""
    dim, cat, value_text = text(r.dimension), text(r.category), text(r.value_text)
    ind = INDICATORS.get(text(r.indicator) or "", (None,))[0]
    value, status = _value(r.value_text)
    out = {"indicator_code": ind, "sex_code": SEX_CODES.get(text(r.sex) or ""),
           "age_code": AGE_CODES.get(text(r.age) or ""), "breakdown": "_T", "breakdown_category": "_T",
           "citizenship": None, "value": value, "obs_status": status,
           "adapter_reject": None, "adapter_detail": None}

    def reject(reason: str, detail: str) -> dict:
        out.update(adapter_reject=reason, adapter_detail=detail)
        return out

    if cat and _QCODE_CATEGORY.match(cat):
        return reject("questionnaire_code", f"Category {cat!r} is a questionnaire cell code, not a category "
                                            f"(txtVALUE {value_text!r})")
    q = _QCODE_VALUE.match((value_text or "").replace(",", ""))
    if q:
        return reject("questionnaire_code", f"txtVALUE {value_text!r} spells questionnaire cell code "
                                            f"Q6.1_{q.group(1)}s_{q.group(2)}, not a count")
    if why := subnational(r.iso3_code, r.country):
        return reject("subnational_area", why)
    if dim == REPATRIATION:
        return reject("repatriation_direction_unknown",
                      f"Dimension {dim!r} (Category {cat!r}): the file does not say whether victims were "
                      "returned to or from that country, so it is not a citizenship")
    for label, coded, codes, reason in ((r.indicator, ind, INDICATORS, "unknown_indicator"),
                                        (r.sex, out["sex_code"], SEX_CODES, "unknown_sex"),
                                        (r.age, out["age_code"], AGE_CODES, "unknown_age")):
        if text(label) and coded is None:
            return reject(reason, f"{reason.split('_')[1].capitalize()} {text(label)!r} is not one of "
                                  f"{sorted(codes)}")
    if text(r.unit) and text(r.unit) != UNIT:
        return reject("unexpected_unit", f"Unit of measurement {text(r.unit)!r} is not {UNIT!r}")
    if dim == FORM:
        if cat not in FORMS:
            return reject("unknown_category",
                          f"Category {cat!r} is not a form of exploitation {sorted(FORMS)}")
        out.update(breakdown="form_of_exploitation", breakdown_category=FORMS[cat], citizenship="_T")
    elif dim == TOTAL:
        if cat != TOTAL:
            return reject("unknown_category", f"Category {cat!r} under Dimension 'Total' is not 'Total'")
        out["citizenship"] = "_T"
    elif dim == CITIZENSHIP:
        if not cat:
            return reject("citizenship_label_missing",
                          f"Category is empty under {dim!r}: the file does not say whose citizenship the "
                          "value counts (it is not 'Unknown', which has its own rows)")
        key = _key(cat)
        if key == "total":
            return reject("citizenship_total", f"Category {cat!r} under {dim!r} repeats the total of "
                                               "Dimension 'Total', which is kept from that row")
        why = "is a number where a citizenship belongs" if _NUMBER.match(key) else NOT_A_CITIZENSHIP.get(key)
        if why:
            return reject("unresolvable_citizenship", f"Category {cat!r} ({dim}) {why}")
        out["citizenship"] = text(r.iso3_code) if key in OWN_NATIONALS else cat
    elif dim:
        return reject("unknown_dimension", f"Dimension {dim!r} is not one of "
                                           f"{[TOTAL, FORM, CITIZENSHIP, REPATRIATION]}")
    return out


def _reject_ambiguous_keys(out: pd.DataFrame) -> None:
    """Reject every row of a key that occurs more than once among the rows still standing."""
    standing = out["adapter_reject"].isna()
    keys = out.loc[standing, list(SPEC.key)].astype("string").fillna("")
    group = keys.groupby(list(SPEC.key), sort=False).ngroup()
    size = group.map(group.value_counts())
    many = size.index[size > 1]
    values = out.loc[many, "value_text"].astype(str).groupby(group[many]).agg(", ".join)
    out.loc[many, "adapter_reject"] = "ambiguous_duplicate_key"
    out.loc[many, "adapter_detail"] = [
        f"{size[i]} rows share Iso3_code+Indicator+Dimension+Category+Sex+Age+Year, with txtVALUE "
        f"{values[group[i]]}; the label that tells them apart is not in the file" for i in many]


def read_one(path: Path, data: bytes) -> pd.DataFrame:
    raw, _release = read_sheet(path, data, SHEET, VALUE_COLUMN)
    out = raw.rename(columns={VALUE_COLUMN: "value_text"})
    derived = pd.DataFrame([_derive(r) for r in out.itertuples(index=False)], index=out.index,
                           columns=DERIVED, dtype=object)
    out = pd.concat([out, derived], axis=1)
    _reject_ambiguous_keys(out)
    return with_lineage(out, file_label(path), 4, f"{SHEET}!row ")

