"""Detected trafficking victims (UNODC GLOTIP) reported by the study countries, by citizenship (study
origin countries) and by form of exploitation, with the country-year total."""

from medroutes import nexus
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = ['countries', 'compare.origin_countries']
KEY = nexus.NEXUS_KEY
SCHEMA = described(nexus.NEXUS_SCHEMA, {
    'country': 'ISO3 of the study country the row is about',
    'year': 'calendar year',
    'breakdown': 'citizenship or form_of_exploitation',
    'category': 'category within `dimension` (e.g. sea, sexual_exploitation); _T none or total',
    'victims': 'detected victims of trafficking in persons (null where suppressed, obs_status C)',
    'obs_status': 'A normal, B break in series, C suppressed (<5), D definition differs, E estimated, P provisional',
    'total_victims': 'all detected victims reported by the country in the year',
    'share': "share of the row's total (route-year detections; route-year deaths; country-year detected victims)",
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    step.write(nexus.nexus(obs, list(step.config["countries"]), step.config["compare.origin_countries"]))
