# One rule per figure; all share scripts/figure.py and the style in medroutes.figures.
# `snakemake figures` builds them all; naming one figure's file builds it alone.


rule figures:
    input:
        figure_files("route_flows_deaths"),
        figure_files("deaths_ratio"),
        figure_files("nationality_composition"),
        figure_files("seasonality"),
        figure_files("nexus"),
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


rule figure_deaths_ratio:
    """Dead and missing, and dead and missing per 1,000 detections, by route."""
    input:
        f"{R}/compare/route_year.parquet",
    output:
        figure_files("deaths_ratio"),
    log:
        f"{R}/logs/figures/deaths_ratio.log",
    params:
        figure="deaths_ratio",
        stem=figure_stem,
        options={"route_labels": ROUTE_LABELS},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/figure.py"


rule figure_nationality_composition:
    """Nationality composition of detections by route."""
    input:
        f"{R}/compare/nationality.parquet",
    output:
        figure_files("nationality_composition"),
    log:
        f"{R}/logs/figures/nationality_composition.log",
    params:
        figure="nationality_composition",
        stem=figure_stem,
        options={"route_labels": ROUTE_LABELS, **config["compare"]["years"]},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/figure.py"


rule figure_seasonality:
    """Seasonality of detections and deaths by route."""
    input:
        f"{R}/compare/route_month.parquet",
    output:
        figure_files("seasonality"),
    log:
        f"{R}/logs/figures/seasonality.log",
    params:
        figure="seasonality",
        stem=figure_stem,
        options={"route_labels": ROUTE_LABELS},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/figure.py"


rule figure_nexus:
    """Trafficking victims from origin countries detected in Italy and Spain; smuggling offences per capita."""
    input:
        f"{R}/compare/nexus.parquet",
        f"{R}/compare/per_capita.parquet",
    output:
        figure_files("nexus"),
    log:
        f"{R}/logs/figures/nexus.log",
    params:
        figure="nexus",
        stem=figure_stem,
        options={"country_names": COUNTRY_NAMES, "origins": ORIGINS},
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
