"""Which indicator x study country x year has data, as reporting area or citizenship, and from which
sources."""

from medroutes import availability
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = ['countries']
KEY = availability.AVAILABILITY_KEY
SCHEMA = described(availability.AVAILABILITY_SCHEMA, {
    'indicator': 'indicator code (config/indicators.yaml)',
    'country': 'ISO3 of the study country the row is about',
    'relation': 'reporting: the country is ref_area; citizenship: it is counterpart_area',
    'year': 'calendar year',
    'sources': 'comma-separated source ids with data',
    'n_sources': 'number of sources with data',
    'n_observations': 'number of harmonised observations',
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    step.write(availability.availability(obs, list(step.config["countries"])))
