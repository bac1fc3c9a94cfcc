rule compare_route_year:
    """Route x year: detections (sea, land), dead and missing, deaths per 1,000 detections."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/route_year.parquet",
    log:
        f"{R}/logs/compare/route_year.log",
    params:
        routes=list(ROUTES),
        years=config["compare"],
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/compare_route_year.py"


rule reconciliation:
    """Italy and Spain arrivals by year as Frontex, UNHCR and the Italian Ministry measure them."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/reconciliation.parquet",
    log:
        f"{R}/logs/compare/reconciliation.log",
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/reconciliation.py"


rule per_capita:
    """Smuggling offences and detected trafficking victims per 100,000 population."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/per_capita.parquet",
    log:
        f"{R}/logs/compare/per_capita.log",
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/per_capita.py"
