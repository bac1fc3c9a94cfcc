# One rule per figure; all share workflow/scripts/figure.py and the style in medroutes.figures.
# `snakemake figures` builds them all; naming one figure's file builds it alone.


rule figures:
    input:
        figure_files("route_flows_deaths"),
        figure_files("availability"),
        figure_files("reconciliation"),


rule figure_route_flows_deaths:
    """Detections and dead and missing by route over time."""
    input:
        f"{R}/compare/route_year.parquet",
    output:
        figure_files("route_flows_deaths"),
    log:
        f"{R}/logs/figures/route_flows_deaths.log",
    params:
        figure="route_flows_deaths",
        stem=figure_stem,
        options={"route_labels": ROUTE_LABELS},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/figure.py"


rule figure_availability:
    """Data availability heatmap: indicator x study country x year."""
    input:
        f"{R}/compare/availability.parquet",
    output:
        figure_files("availability"),
    log:
        f"{R}/logs/figures/availability.log",
    params:
        figure="availability_heatmap",
        stem=figure_stem,
        options={"country_names": COUNTRY_NAMES, **config["figures"]["availability_years"]},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/figure.py"


rule figure_reconciliation:
    """Arrivals to Italy and Spain by year, measured by each source."""
    input:
        f"{R}/compare/reconciliation.parquet",
    output:
        figure_files("reconciliation"),
    log:
        f"{R}/logs/figures/reconciliation.log",
    params:
        figure="reconciliation",
        stem=figure_stem,
        options={"country_names": COUNTRY_NAMES, **config["figures"]["reconciliation_years"]},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/figure.py"
