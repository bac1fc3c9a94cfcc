"""Smuggling of migrants offences (UNODC CTS) and detected trafficking victims (UNODC GLOTIP) per
100,000 population (World Bank), with UNODC's published rate beside ours."""

from medroutes import compare
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = []
KEY = compare.PER_CAPITA_KEY
SCHEMA = described(compare.PER_CAPITA_SCHEMA, {
    'country': 'ISO3 of the study country the row is about',
    'year': 'calendar year',
    'indicator': 'indicator code (config/indicators.yaml)',
    'source_id': 'registry id of the source (config/sources.yaml)',
    'value': 'the observed number, in `unit`; null only where obs_status is C (suppressed)',
    'obs_status': 'A normal, B break in series, C suppressed (<5), D definition differs, E estimated, P provisional',
    'population': 'World Bank total population',
    'per_100k': 'value per 100,000 population (our computation)',
    'published_per_100k': 'the rate UNODC publishes (its own population denominator)',
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    step.write(compare.per_capita(obs))
