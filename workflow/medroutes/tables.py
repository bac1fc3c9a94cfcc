"""The comparison tables of the release: how each is built from the observations, and its schema.

One entry per table; the ``compare_table`` rule names the entry, and the data dictionary reads the
same entries, so a table cannot exist without its schema and description.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from . import compare, composition, profiles, reconcile


@dataclass(frozen=True)
class Output:
    dataset: str  # path under the release, without .parquet
    schema: pa.Schema
    key: list[str]
    description: str


@dataclass(frozen=True)
class Table:
    build: Callable  # (observations, **options) -> DataFrame, or a tuple of them, one per output
    outputs: tuple[Output, ...]
    options: tuple[str, ...] = ()  # the settings it takes from config (see workflow/rules/compare.smk)


TABLES: dict[str, Table] = {
    "route_year": Table(
        compare.route_year,
        (Output("compare/route_year", compare.ROUTE_YEAR_SCHEMA, compare.ROUTE_YEAR_KEY,
                "Route x year: Frontex detections (sea, land), UNHCR arrivals, Italian landings, IOM dead and "
                "missing, incidents, deaths per 1,000 detections and per 1,000 arrivals, shares of women and "
                "children among the dead and missing, year-on-year change, partial-year flags."),),
        ("routes", "first_year", "last_year")),
    "route_month": Table(
        compare.route_month,
        (Output("compare/route_month", compare.ROUTE_MONTH_SCHEMA, compare.ROUTE_MONTH_KEY,
                "Route x month flows and deaths, and each month's share of its year (seasonality)."),),
        ("routes", "first_year", "last_year")),
    "nationality": Table(
        composition.nationality,
        (Output("compare/nationality", composition.NATIONALITY_SCHEMA, composition.NATIONALITY_KEY,
                "Frontex detections by route, year and nationality, with shares and ranks."),
         Output("compare/concentration", composition.CONCENTRATION_SCHEMA, composition.CONCENTRATION_KEY,
                "Per route and year: top-1/3/5 nationality shares, share of the study's origin countries, "
                "unknown share and the Herfindahl-Hirschman index over identified nationalities.")),
        ("routes", "origins")),
    "causes": Table(
        composition.causes,
        (Output("compare/causes", composition.CAUSES_SCHEMA, composition.CAUSES_KEY,
                "IOM dead and missing by route, year and cause of death, with each cause's share."),),
        ("routes",)),
    "nexus": Table(
        composition.nexus,
        (Output("compare/nexus", composition.NEXUS_SCHEMA, composition.NEXUS_KEY,
                "Detected trafficking victims (UNODC GLOTIP) reported by the study countries, by citizenship "
                "(study origin countries) and by form of exploitation, with the country-year total."),),
        ("countries", "origins")),
    "availability": Table(
        profiles.availability,
        (Output("compare/availability", profiles.AVAILABILITY_SCHEMA, profiles.AVAILABILITY_KEY,
                "Which indicator x study country x year has data, as reporting area or citizenship, and from "
                "which sources."),),
        ("countries",)),
    "reconciliation": Table(
        reconcile.reconciliation,
        (Output("compare/reconciliation", reconcile.RECONCILIATION_SCHEMA, reconcile.RECONCILIATION_KEY,
                "Arrivals to Italy and Spain by year as Frontex, UNHCR and the Italian Ministry of the Interior "
                "measure them, with absolute and relative differences from a reference measure."),)),
    "per_capita": Table(
        compare.per_capita,
        (Output("compare/per_capita", compare.PER_CAPITA_SCHEMA, compare.PER_CAPITA_KEY,
                "Smuggling of migrants offences (UNODC CTS) and detected trafficking victims (UNODC GLOTIP) per "
                "100,000 population (World Bank), with UNODC's published rate beside ours."),)),
}
