rule figure_route_flows_deaths:
    """Detections and dead and missing by route over time."""
    input:
        f"{R}/compare/route_year.parquet",
    output:
        figure_files("route_flows_deaths"),
    log:
        f"{R}/logs/figures/route_flows_deaths.log",
    params:
        stem=lambda w, output: output[0][: -len(".pdf")],
        route_labels=ROUTE_LABELS,
        data_label=config.get("data_label"),
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/figure_route_flows_deaths.py"
