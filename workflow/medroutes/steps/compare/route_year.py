"""Route x year: Frontex detections (sea, land), UNHCR arrivals, Italian landings, IOM dead and
missing, incidents, deaths per 1,000 detections and per 1,000 arrivals, shares of women and children
among the dead and missing, year-on-year change, partial-year flags."""

from medroutes import compare
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = ['routes', 'compare.years']
KEY = compare.ROUTE_YEAR_KEY
SCHEMA = described(compare.ROUTE_YEAR_SCHEMA, {
    **compare.MEASURE_DOCS,
    'route': 'study route: central_mediterranean, western_mediterranean, western_african; null = not a study route',
    'year': 'calendar year',
    'detections': 'Frontex detections, sea + land (detections, not persons)',
    'arrivals': "arrivals used for ratios: UNHCR where available, else the Italian Ministry's landings",
    'arrivals_source': 'source of `arrivals`',
    'dead_and_missing_per_1000_detections': 'dead and missing per 1,000 Frontex detections',
    'dead_and_missing_per_1000_arrivals': 'dead and missing per 1,000 arrivals',
    'share_female': 'share of dead and missing recorded as female (a lower bound)',
    'share_child': 'share of dead and missing recorded as children (a lower bound)',
    'detections_yoy': 'relative change of detections from the previous year',
    'arrivals_yoy': 'relative change of arrivals from the previous year',
    'dead_and_missing_yoy': 'relative change of dead and missing from the previous year',
    'partial_year': 'true where Frontex or IOM data end before December of the year',
    'coverage_note': "which sources' data end inside the year, and when",
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    step.write(compare.route_year(obs, list(step.config["routes"]), **step.config["compare.years"]))
