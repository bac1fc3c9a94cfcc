"""The one country resolver: any name or code a source uses -> ISO 3166-1 alpha-3 or a special code.

Order: the explicit alias table in ``config/country_aliases.yaml`` (Italian names, special
categories such as "Unknown"/"Other", source-specific codes), then ISO3/ISO2 codes, then
``country_converter`` (a maintained regex table of English and official names). Anything left
unresolved is an error naming the source, the value and how many rows carry it.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache

import pandas as pd

from .errors import ResolveError

# SDMX-style special codes (DESIGN.md): total, unknown, other, not applicable.
SPECIAL = {"_T", "_U", "_O", "_Z"}


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip().casefold()
    return " ".join(text.replace("\u2019", "'").split())


@lru_cache(maxsize=1)
def _coco():
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


class CountryResolver:
    def __init__(self, aliases: dict[str, str], regions: dict[str, str] | None = None):
        self.aliases = {_norm(k): v for k, v in aliases.items()}
        self.regions = set(regions or {})
        self._iso3 = set(_coco().data["ISO3"].dropna())
        self._iso2 = dict(zip(_coco().data["ISO2"], _coco().data["ISO3"], strict=True))

    def one(self, value) -> str | None:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return None
        text = str(value).strip()
        if text in SPECIAL or text in self.regions:
            return text
        key = _norm(text)
        if key in self.aliases:
            return self.aliases[key]
        if text.upper() in self._iso3 and len(text) == 3:
            return text.upper()
        if len(text) == 2 and text.upper() in self._iso2:
            return self._iso2[text.upper()]
        if "_" in text:  # a code with a suffix (GBR_S): country_converter would match its prefix
            return None
        hit = _coco().convert(text, to="ISO3", not_found=None)  # returns the input when not found
        return hit if isinstance(hit, str) and hit in self._iso3 else None

    def series(self, values: pd.Series, *, source: str, column: str) -> pd.Series:
        """Resolve a column; unresolved non-empty values raise ResolveError with their row counts."""
        uniq = pd.unique(values.dropna())
        mapping = {v: self.one(v) for v in uniq}
        bad = {v: int((values == v).sum()) for v, iso in mapping.items() if iso is None}
        if bad:
            listing = ", ".join(f"{v!r} ({n} rows)" for v, n in sorted(bad.items(), key=lambda kv: str(kv[0])))
            raise ResolveError(
                f"source {source!r}, column {column!r}: cannot resolve to ISO3: {listing}. "
                f"Add each to config/country_aliases.yaml with its ISO3 code (or _U unknown, _O other)."
            )
        return values.map(mapping)


SPECIAL_NAMES = {"_U": "unknown nationality", "_O": "other nationalities", "_T": "all nationalities",
                 "STL": "stateless"}


def country_name(iso3: str) -> str:
    """The short English name of an ISO3 code (country_converter's), for text; a code it does not
    know is returned as it is."""
    if iso3 in SPECIAL_NAMES:
        return SPECIAL_NAMES[iso3]
    data = _coco().data
    hit = data.loc[data["ISO3"] == iso3, "name_short"]
    return str(hit.iloc[0]) if len(hit) else iso3
