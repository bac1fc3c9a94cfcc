"""IOM dead and missing by route, year and cause of death, with each cause's share."""

from medroutes import composition
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = ['routes']
KEY = composition.CAUSES_KEY
SCHEMA = described(composition.CAUSES_SCHEMA, {
    'route': 'study route: central_mediterranean, western_mediterranean, western_african; null = not a study route',
    'year': 'calendar year',
    'cause_of_death': 'IOM cause of death category',
    'dead_and_missing': 'IOM migrants recorded dead or missing (persons, minimum estimate)',
    'share': "share of the row's total (route-year detections; route-year deaths; country-year detected victims)",
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    step.write(composition.causes(obs, list(step.config["routes"])))
