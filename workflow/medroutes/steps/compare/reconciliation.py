"""Arrivals to Italy and Spain by year as Frontex, UNHCR and the Italian Ministry of the Interior
measure them, with absolute and relative differences from a reference measure."""

from medroutes import arrivals
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = []
KEY = arrivals.RECONCILIATION_KEY
SCHEMA = described(arrivals.RECONCILIATION_SCHEMA, {
    'country': 'ISO3 of the study country the row is about',
    'year': 'calendar year',
    'measure': 'which measurement of arrivals the row is',
    'source_id': 'registry id of the source (config/sources.yaml)',
    'value': 'the observed number, in `unit`; null only where obs_status is C (suppressed)',
    'reference_measure': 'the measure the row is compared with in that year',
    'reference_value': 'value of the reference measure',
    'difference': 'value - reference_value; null where the two cover different months of the year',
    'relative_difference': 'difference / reference_value',
    'months_covered': 'months of the year the measure covers completely (null for a year-to-date stock)',
    'note': 'why this measure differs from the others',
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    step.write(arrivals.reconciliation(obs))
