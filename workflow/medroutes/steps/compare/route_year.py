"""Route x year: Frontex detections (sea, land), UNHCR arrivals, Italian landings, IOM dead and
missing, incidents, deaths per 1,000 detections and per 1,000 arrivals, shares of women and children
among the dead and missing, year-on-year change, and the months of the year each measure covers."""

from medroutes import compare
from medroutes.io import read_parquet
from medroutes.schema import described

INPUTS = {"observations": "harmonised/observations.parquet"}
CONFIG = ['routes', 'compare.years', 'compare.min_denominator']
KEY = compare.ROUTE_YEAR_KEY
SCHEMA = described(compare.ROUTE_YEAR_SCHEMA, {
    **compare.MEASURE_DOCS,
    'route': 'study route: central_mediterranean, western_mediterranean, western_african; null = not a study route',
    'year': 'calendar year',
    'detections': 'Frontex detections, sea + land (detections, not persons)',
    'arrivals': "arrivals used for ratios: UNHCR where available, else the Italian Ministry's landings",
    'arrivals_source': 'source of `arrivals`',
    'dead_and_missing_per_1000_detections': 'dead and missing per 1,000 Frontex detections, over the months '
                                            'both sources cover (ratio_detections_months)',
    'dead_and_missing_per_1000_arrivals': 'dead and missing per 1,000 arrivals, over the months both sources '
                                          'cover (ratio_arrivals_months)',
    'share_female': 'share of dead and missing recorded as female (a lower bound)',
    'share_child': 'share of dead and missing recorded as children (a lower bound)',
    'detections_yoy': 'relative change of detections from the previous year; null unless both years are complete',
    'arrivals_yoy': 'relative change of arrivals from the previous year; null unless both years are complete '
                    'and come from the same source',
    'dead_and_missing_yoy': 'relative change of dead and missing from the previous year; null unless both years '
                            'are complete',
    'detections_months': 'months of the year Frontex data cover (12 = the whole year)',
    'arrivals_months': 'months of the year the source of `arrivals` covers',
    'dead_and_missing_months': 'months of the year IOM data cover',
    'ratio_detections_months': 'months over which dead_and_missing_per_1000_detections is computed',
    'ratio_arrivals_months': 'months over which dead_and_missing_per_1000_arrivals is computed',
    'low_base_detections': 'true where the detections behind the ratio are below compare.min_denominator',
    'low_base_arrivals': 'true where the arrivals behind the ratio are below compare.min_denominator',
    'partial_year': 'true where detections, arrivals or dead and missing cover fewer than 12 months of the year',
    'coverage_note': 'which measures cover part of the year only, over which months ratios are taken, and '
                     'which ratios stand on a small base',
}, __name__)


def build(step):
    obs = read_parquet(step.input["observations"])
    c = step.config
    step.write(compare.route_year(obs, list(c["routes"]), **c["compare.years"],
                                  min_denominator=c["compare.min_denominator"]))
