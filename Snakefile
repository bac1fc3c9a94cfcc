# medroutes: organised criminal networks in migrant smuggling along the Central Mediterranean,
# Western Mediterranean and Western African (Atlantic) routes.
#
# Method, as the rules run it:
#   1. intake     every registered raw file is present and has its pinned sha256 (provenance record)
#   2. clean      each source's native format -> one tidy table + rejects, rows in = kept + rejected
#   3. harmonise  tidy tables -> one long observation table (route, ISO3 areas, period, value, lineage)
#   4. compare    route x year: Frontex detections, IOM dead and missing, deaths per 1,000 detections
#   5. figures    publication figures (PDF/PNG/SVG) beside the exact numbers they plot

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/intake.smk"
include: "workflow/rules/clean.smk"
include: "workflow/rules/harmonise.smk"
include: "workflow/rules/compare.smk"
include: "workflow/rules/figures.smk"


rule all:
    input:
        expand(f"{R}/clean/{{source}}.ledger.json", source=SOURCES),
        f"{R}/harmonised/observations.parquet",
        f"{R}/compare/route_year.parquet",
        figure_files("route_flows_deaths"),
    default_target: True
