"""Route x month flows and deaths, and each month's share of its year (seasonality)."""

from medroutes import compare
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = ['routes', 'compare.years']
KEY = compare.ROUTE_MONTH_KEY
SCHEMA = described(compare.ROUTE_MONTH_SCHEMA, {
    'route': 'study route: central_mediterranean, western_mediterranean, western_african; null = not a study route',
    'year': 'calendar year',
    'month': 'calendar month, 1-12',
    'period': 'time period: YYYY, YYYY-MM or YYYY-MM-DD',
    'detections_sea': 'Frontex detections of illegal border crossings at sea',
    'detections_land': 'Frontex detections of illegal border crossings on land',
    'arrivals_unhcr': 'UNHCR monthly arrivals summed (persons; Italy and Malta on the Central Mediterranean)',
    'landings_italy_moi': 'Italian Ministry of the Interior daily sea landings summed (proxy for the Central '
                          'Mediterranean; provisional)',
    'dead': 'IOM migrants recorded dead (persons)',
    'missing': 'IOM migrants recorded missing, minimum estimate (persons; net of split-incident adjustments)',
    'dead_and_missing': 'IOM migrants recorded dead or missing (persons, minimum estimate)',
    'incidents': 'IOM incidents in which migrants died or went missing',
    'dead_and_missing_female': 'IOM dead and missing recorded as female (where IOM gives the split)',
    'dead_and_missing_child': 'IOM dead and missing recorded as children (where IOM gives the split)',
    'detections': 'Frontex detections, sea + land (detections, not persons)',
    'detections_share_of_year': "the month's share of the route-year's detections (seasonality)",
    'dead_and_missing_share_of_year': "the month's share of the route-year's dead and missing",
    'complete_year': 'true where Frontex and IOM both cover the whole year',
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    step.write(compare.route_month(obs, list(step.config["routes"]), **step.config["compare.years"]))
