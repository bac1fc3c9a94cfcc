"""Route x month flows and deaths, and each month's share of its year (seasonality)."""

from medroutes import compare
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = ['routes', 'compare.years']
KEY = compare.ROUTE_MONTH_KEY
SCHEMA = described(compare.ROUTE_MONTH_SCHEMA, {
    **compare.MEASURE_DOCS,
    'route': 'study route: central_mediterranean, western_mediterranean, western_african; null = not a study route',
    'year': 'calendar year',
    'month': 'calendar month, 1-12',
    'period': 'time period: YYYY, YYYY-MM or YYYY-MM-DD',
    'detections': 'Frontex detections, sea + land (detections, not persons)',
    'detections_share_of_year': "the month's share of the route-year's detections (seasonality)",
    'dead_and_missing_share_of_year': "the month's share of the route-year's dead and missing",
    'complete_year': 'true where Frontex and IOM both cover the whole year',
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    step.write(compare.route_month(obs, list(step.config["routes"]), **step.config["compare.years"]))
