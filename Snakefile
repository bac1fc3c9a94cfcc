# medroutes: organised criminal networks in migrant smuggling along the Central Mediterranean,
# Western Mediterranean and Western African (Atlantic) routes.
#
# Method, as the rules run it:
#   1. intake     every registered raw file is present and has its pinned sha256 (provenance record)
#   2. clean      each source's native format -> one tidy table + rejects, rows in = kept + rejected
#   3. harmonise  tidy tables -> one long observation table (route, ISO3 areas, period, value, lineage)
#   4. countries  one profile per study country: every observation where it reports or is the origin
#   5. compare    route x year (detections, dead and missing, ratio); data availability; reconciliation
#                 of arrivals measured by Frontex, UNHCR and the Italian Ministry of the Interior
#   6. figures    publication figures (PDF/PNG/SVG) beside the exact numbers they plot
#   7. review     notebooks per stage (intake and rejects, harmonisation, comparison), executed to HTML
#   8. release    a manifest of every output (sha256, rows, rule, inputs), checked by `medroutes verify`

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/intake.smk"
include: "workflow/rules/clean.smk"
include: "workflow/rules/harmonise.smk"
include: "workflow/rules/countries.smk"
include: "workflow/rules/compare.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/notebooks.smk"
include: "workflow/rules/release.smk"


rule all:
    input:
        f"{R}/clean/ledger.parquet",
        f"{R}/harmonised/observations.parquet",
        expand(f"{R}/countries/{{country}}.parquet", country=COUNTRIES),
        rules.compare.input,
        rules.figures.input,
        expand(f"{R}/notebooks/{{notebook}}.html", notebook=NOTEBOOKS),
        f"{R}/dictionary.parquet",
        f"{R}/manifest.json",
    default_target: True
