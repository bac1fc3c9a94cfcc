"""Frontex detections by route, year and nationality, with shares and ranks."""

from medroutes import composition
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = ['routes', 'compare.origin_countries']
KEY = composition.NATIONALITY_KEY
SCHEMA = described(composition.NATIONALITY_SCHEMA, {
    'route': 'study route: central_mediterranean, western_mediterranean, western_african; null = not a study route',
    'year': 'calendar year',
    'nationality': 'ISO3 nationality of those detected (_U unknown, _O other, STL stateless)',
    'detections': 'Frontex detections, sea + land (detections, not persons)',
    'share': "share of the row's total (route-year detections; route-year deaths; country-year detected victims)",
    'rank': 'rank of the nationality within the route-year, 1 = most detected',
    'study_origin': "true for nationals of the study's origin countries (config compare.origin_countries)",
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    step.write(composition.nationality(obs, list(step.config["routes"]), step.config["compare.origin_countries"]))
