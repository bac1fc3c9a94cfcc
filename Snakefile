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
#   8. release    a manifest of every output (sha256, rows, rule, code, inputs), checked by `medroutes verify`
#
# Every output has one home: results/<release>/<dir>/<name>.<ext> is built by
# workflow/medroutes/steps/<dir>/<name>.py (a source's or country's files by source.py or country.py).
# The rules are generated from those modules (workflow/rules/steps.smk).

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/download.smk"
include: "workflow/rules/steps.smk"


rule all:
    default_target: True
    input:
        STUDY.outputs_of(),
