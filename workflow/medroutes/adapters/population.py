"""Population, total (World Bank indicator SP.POP.TOTL), as the datahub ``datasets/population`` CSV.

Native format: a comma-separated file (CRLF, no BOM) in long format with the header
``Country Name,Country Code,Year,Value``; names with commas are quoted ("Korea, Rep.").
World Bank aggregates (regions, income groups, "World", the Channel Islands) share the
``Country Code`` column with countries. A code is a country when it is an ISO 3166-1 alpha-3 code
known to country_converter (Kosovo's user-assigned ``XKX`` included); every other code is rejected
as ``aggregate_not_a_country``, so that a sum over countries never counts a person twice.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..spec import Column, Observation, SourceSpec
from ._common import file_label, mark_rejected, read_csv_text, require_columns, with_lineage

COLUMNS = {"Country Name": "country_name", "Country Code": "country_code", "Year": "year",
           "Value": "population"}
EXTRA_COUNTRIES = {"XKX"}  # Kosovo: World Bank and EU code outside ISO 3166-1

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


def read_one(path: Path, data: bytes) -> pd.DataFrame:
    raw = read_csv_text(path, data)
    require_columns(raw, COLUMNS, path, where="line 1")
    out = raw[list(COLUMNS)].rename(columns=COLUMNS)
    code = out["country_code"].fillna("").str.strip()
    aggregate = code.ne("") & ~code.str.upper().isin(iso3_codes())
    mark_rejected(out, ["aggregate_not_a_country" if a else None for a in aggregate],
                  [f"Country Code {c!r} ({n!r}) is not an ISO 3166-1 alpha-3 country code: a World Bank "
                   f"aggregate or grouping, not a country" for c, n in zip(code, out["country_name"], strict=True)])
    return with_lineage(out, file_label(path), 2, "row ")

