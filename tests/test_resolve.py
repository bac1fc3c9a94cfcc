import pandas as pd
import pytest
from medroutes.errors import ResolveError


def test_names_and_codes_resolve_to_iso3(resolver):
    for name in ["Côte d'Ivoire", "Ivory Coast", "CIV", "CI", "Libya", "Türkiye", "NGA", "ng"]:
        assert resolver.one(name) in {"CIV", "LBY", "TUR", "NGA"}, name
    assert resolver.one("Ivory Coast") == "CIV"
    assert resolver.one("Unknown") == "_U"
    assert resolver.one("OOS") == "_U" and resolver.one("OOO") == "_O"
    assert resolver.one("EU_EXT") == "EU_EXT"  # a configured region code
    assert resolver.one("_T") == "_T"
    assert resolver.one(None) is None


def test_unresolved_names_fail_with_source_value_and_count(resolver):
    values = pd.Series(["Libya", "Atlantis", "Atlantis", "Narnia"])
    with pytest.raises(ResolveError) as err:
        resolver.series(values, source="demo_src", column="country")
    msg = str(err.value)
    assert "demo_src" in msg and "'Atlantis' (2 rows)" in msg and "'Narnia' (1 rows)" in msg
    assert "country_aliases.yaml" in msg
