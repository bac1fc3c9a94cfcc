"""The data dictionary, generated from the dataset schemas: never written by hand.

For every Parquet dataset of a release: its columns, Arrow types, meaning, units and allowed codes,
its key, and the rule that produces it. Sources: the adapters' SPECs (clean tables), the schemas in
clean/harmonise/profiles, and the comparison-table registry (medroutes.tables).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from . import adapters, clean, harmonise, profiles, tables

LINEAGE_DOCS = {
    "raw_file": "raw file the value comes from, as <source_id>/<file name>",
    "raw_sha256": "sha256 of that raw file, as verified at intake",
    "raw_row": "row of the raw file (header = row 1 for CSV; spreadsheet row for xlsx; record number for R/JSON)",
    "raw_ref": "human-readable place in the raw file (sheet, row, cell or record)",
}
SHARED_DOCS = {
    **LINEAGE_DOCS,
    "source_id": "registry id of the source (config/sources.yaml)",
    "indicator": "indicator code (config/indicators.yaml)",
    "route": "study route: central_mediterranean, western_mediterranean, western_african; null = not a study route",
    "ref_area": "ISO 3166-1 alpha-3 of the reporting/observing country, or an area code (config areas)",
    "counterpart_area": "ISO3 of citizenship or origin; _T total, _U unknown, _O other",
    "sex": "F female, M male, _O other, _T total, _U unknown",
    "age": "adult, child, _T total, _U unknown",
    "dimension": "name of any further breakdown (e.g. mode, form_of_exploitation, cause_of_death); _T none",
    "category": "category within `dimension` (e.g. sea, sexual_exploitation); _T none or total",
    "period": "time period: YYYY, YYYY-MM or YYYY-MM-DD",
    "freq": "A annual, M monthly, D daily",
    "value": "the observed number, in `unit`; null only where obs_status is C (suppressed)",
    "unit": "persons, detections, incidents, offences, per_100k",
    "obs_status": "A normal, B break in series, C suppressed (<5), D definition differs, E estimated, P provisional",
    "country": "ISO3 of the study country the row is about",
    "relation": "reporting: the country is ref_area; citizenship: it is counterpart_area",
    "role": "the country's role in the study where it appears: origin, transit, departure, destination",
    "year": "calendar year",
    "month": "calendar month, 1-12",
    "reason": "rejection reason code",
    "column": "column whose value caused the rejection (comma-joined key columns for duplicates)",
    "detail": "what is wrong, in words",
    "record": "the rejected raw record, as JSON",
}
TABLE_DOCS = {
    "detections_sea": "Frontex detections of illegal border crossings at sea",
    "detections_land": "Frontex detections of illegal border crossings on land",
    "detections": "Frontex detections, sea + land (detections, not persons)",
    "arrivals_unhcr": "UNHCR monthly arrivals summed (persons; Italy and Malta on the Central Mediterranean)",
    "landings_italy_moi": "Italian Ministry of the Interior daily sea landings summed (proxy for the Central "
                          "Mediterranean; provisional)",
    "arrivals": "arrivals used for ratios: UNHCR where available, else the Italian Ministry's landings",
    "arrivals_source": "source of `arrivals`",
    "dead": "IOM migrants recorded dead (persons)",
    "missing": "IOM migrants recorded missing, minimum estimate (persons; net of split-incident adjustments)",
    "dead_and_missing": "IOM migrants recorded dead or missing (persons, minimum estimate)",
    "incidents": "IOM incidents in which migrants died or went missing",
    "dead_and_missing_female": "IOM dead and missing recorded as female (where IOM gives the split)",
    "dead_and_missing_child": "IOM dead and missing recorded as children (where IOM gives the split)",
    "dead_and_missing_per_1000_detections": "dead and missing per 1,000 Frontex detections",
    "dead_and_missing_per_1000_arrivals": "dead and missing per 1,000 arrivals",
    "share_female": "share of dead and missing recorded as female (a lower bound)",
    "share_child": "share of dead and missing recorded as children (a lower bound)",
    "detections_yoy": "relative change of detections from the previous year",
    "arrivals_yoy": "relative change of arrivals from the previous year",
    "dead_and_missing_yoy": "relative change of dead and missing from the previous year",
    "partial_year": "true where Frontex or IOM data end before December of the year",
    "coverage_note": "which sources' data end inside the year, and when",
    "detections_share_of_year": "the month's share of the route-year's detections (seasonality)",
    "dead_and_missing_share_of_year": "the month's share of the route-year's dead and missing",
    "complete_year": "true where Frontex and IOM both cover the whole year",
    "nationality": "ISO3 nationality of those detected (_U unknown, _O other, STL stateless)",
    "share": "share of the row's total (route-year detections; route-year deaths; country-year detected victims)",
    "rank": "rank of the nationality within the route-year, 1 = most detected",
    "study_origin": "true for nationals of the study's origin countries (config compare.origin_countries)",
    "nationalities": "number of identified nationalities detected",
    "top1_nationality": "most detected identified nationality",
    "top1_share": "share of all detections of the most detected nationality",
    "top3_share": "share of all detections of the 3 most detected nationalities",
    "top5_share": "share of all detections of the 5 most detected nationalities",
    "study_origins_share": "share of detections of nationals of the study's origin countries",
    "unknown_or_other_share": "share of detections with unknown or other nationality",
    "hhi": "Herfindahl-Hirschman index of nationality shares among identified nationalities (0-1)",
    "cause_of_death": "IOM cause of death category",
    "breakdown": "citizenship or form_of_exploitation",
    "victims": "detected victims of trafficking in persons (null where suppressed, obs_status C)",
    "total_victims": "all detected victims reported by the country in the year",
    "sources": "comma-separated source ids with data",
    "n_sources": "number of sources with data",
    "n_observations": "number of harmonised observations",
    "measure": "which measurement of arrivals the row is",
    "reference_measure": "the measure the row is compared with in that year",
    "reference_value": "value of the reference measure",
    "difference": "value - reference_value",
    "relative_difference": "difference / reference_value",
    "months_covered": "months of the year with data (null for a year-to-date stock)",
    "note": "why this measure differs from the others",
    "population": "World Bank total population",
    "per_100k": "value per 100,000 population (our computation)",
    "published_per_100k": "the rate UNODC publishes (its own population denominator)",
}
OBS_CODES = {"route": "central_mediterranean | western_mediterranean | western_african | null",
             "freq": "A | M | D", "sex": "F | M | _O | _T | _U", "age": "adult | child | _T | _U",
             "obs_status": "A | B | C | D | E | P"}
DICTIONARY_SCHEMA = pa.schema([
    ("dataset", pa.string()), ("position", pa.int64()), ("column", pa.string()), ("type", pa.string()),
    ("key", pa.bool_()), ("description", pa.string()), ("codes", pa.string()), ("rule", pa.string()),
])
DICTIONARY_KEY = ["dataset", "position"]


def _entries(dataset: str, schema: pa.Schema, key, rule: str, docs: dict, codes: dict) -> list[dict]:
    return [{"dataset": dataset, "position": i + 1, "column": f.name, "type": str(f.type), "key": f.name in key,
             "description": docs.get(f.name) or SHARED_DOCS.get(f.name) or TABLE_DOCS.get(f.name, ""),
             "codes": codes.get(f.name, ""), "rule": rule} for i, f in enumerate(schema)]


def build(source_adapters: dict[str, str], indicators: dict, countries: list[str], areas: dict) -> pd.DataFrame:
    """Rows of the dictionary for every dataset the pipeline writes for these sources."""
    codes = {**OBS_CODES, "indicator": " | ".join(f"{k} ({v['unit']})" for k, v in sorted(indicators.items())),
             "ref_area": "ISO3 | " + " | ".join(sorted(areas)), "country": " | ".join(countries)}
    rows = []
    for sid, adapter_name in sorted(source_adapters.items()):
        spec = adapters.get(adapter_name).SPEC
        docs = {c.name: (c.description or f"{c.kind} column as read from the source") + (
            "" if c.kind == "text" else f" [{c.kind}]") for c in spec.columns}
        rows += _entries(f"clean/{sid}", spec.arrow_schema(), spec.key, "clean", docs, {})
        rows += _entries(f"clean/{sid}.rejects", clean.REJECTS_SCHEMA, ["raw_file", "raw_row", "raw_ref"],
                         "clean", {}, {})
        rows += _entries(f"harmonised/{sid}", harmonise.OBS_SCHEMA, harmonise.OBS_KEY, "harmonise", {}, codes)
    rows += _entries("harmonised/observations", harmonise.OBS_SCHEMA, harmonise.OBS_KEY, "observations", {}, codes)
    rows += _entries("countries/<ISO3>", profiles.PROFILE_SCHEMA, profiles.PROFILE_KEY, "country_profile", {},
                     codes)
    for name, table in tables.TABLES.items():
        for out in table.outputs:
            rows += _entries(out.dataset, out.schema, out.key, f"compare_{name}", {}, codes)
    return pd.DataFrame(rows, columns=DICTIONARY_SCHEMA.names)


def to_markdown(dictionary: pd.DataFrame, descriptions: dict[str, str]) -> str:
    """A readable page: one section per dataset, one table row per column."""
    lines = ["# Data dictionary", "",
             "Generated from the dataset schemas by the `dictionary` rule; do not edit. Every dataset is a "
             "Parquet file under the release folder (`<dataset>.parquet`). Key columns identify a row.", ""]
    for dataset, d in dictionary.groupby("dataset", sort=False):
        lines += [f"## `{dataset}`", "", f"Produced by rule `{d['rule'].iloc[0]}`. {descriptions.get(dataset, '')}",
                  "", "| column | type | key | meaning | codes |", "| --- | --- | --- | --- | --- |"]
        for r in d.itertuples():
            cells = [f"`{r.column}`", r.type, "yes" if r.key else "", r.description, r.codes]
            lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def descriptions() -> dict[str, str]:
    out = {o.dataset: o.description for t in tables.TABLES.values() for o in t.outputs}
    out.update({"harmonised/observations": "All sources' observations in one long table (the data contract).",
                "countries/<ISO3>": "One file per study country: every observation where it reports or is the "
                                    "citizenship, with its relation and role."})
    return out


def to_html(dictionary: pd.DataFrame, descriptions: dict[str, str], release: str) -> str:
    """The same page as HTML, for the Snakemake report."""
    parts = [f"<html><head><meta charset='utf-8'><title>Data dictionary {release}</title></head><body>",
             f"<h1>Data dictionary, release {release}</h1>",
             "<p>Generated from the dataset schemas; every dataset is a Parquet file under the release.</p>"]
    for dataset, d in dictionary.groupby("dataset", sort=False):
        parts.append(f"<h2>{dataset}</h2><p>Produced by rule <code>{d['rule'].iloc[0]}</code>. "
                     f"{descriptions.get(dataset, '')}</p>")
        parts.append(d[["column", "type", "key", "description", "codes"]].to_html(index=False, border=0))
    parts.append("</body></html>")
    return "\n".join(parts)
