"""Per route and year: top-1/3/5 nationality shares, share of the study's origin countries, unknown
share and the Herfindahl-Hirschman index over identified nationalities."""

from medroutes import composition
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"nationality": "compare/nationality.parquet"}
LOCAL = True  # reads the nationality table (rows per route, year, nationality): too small to submit
KEY = composition.CONCENTRATION_KEY
SCHEMA = described(composition.CONCENTRATION_SCHEMA, {
    'route': 'study route: central_mediterranean, western_mediterranean, western_african; null = not a study route',
    'year': 'calendar year',
    'detections': 'Frontex detections, sea + land (detections, not persons)',
    'nationalities': 'number of identified nationalities detected',
    'top1_nationality': 'most detected identified nationality',
    'top1_share': 'share of all detections of the most detected nationality',
    'top3_share': 'share of all detections of the 3 most detected nationalities',
    'top5_share': 'share of all detections of the 5 most detected nationalities',
    'study_origins_share': "share of detections of nationals of the study's origin countries",
    'unknown_or_other_share': 'share of detections with unknown or other nationality',
    'hhi': 'Herfindahl-Hirschman index of nationality shares among identified nationalities (0-1)',
}, __name__)


def build(step):
    step.write(composition.concentration(read_parquet(step.input["nationality"])))
