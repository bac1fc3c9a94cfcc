# Comparison tables: each rule names an entry of medroutes.tables.TABLES (which holds its schema
# and description) and the settings it takes from config; all share scripts/compare_table.py.
YEARS_OPTS = {"routes": list(ROUTES), **config["compare"]["years"]}
ORIGINS = config["compare"]["origin_countries"]


rule compare_route_year:
    """Route x year: detections, arrivals, dead and missing, ratios, year-on-year change."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/route_year.parquet",
    log:
        f"{R}/logs/compare/route_year.log",
    params:
        table="route_year",
        options=YEARS_OPTS,
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/compare_table.py"


rule compare_route_month:
    """Route x month: the same measures by month, and seasonality (share of the year)."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/route_month.parquet",
    log:
        f"{R}/logs/compare/route_month.log",
    params:
        table="route_month",
        options=YEARS_OPTS,
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/compare_table.py"


rule compare_nationality:
    """Nationality composition of detections by route and year, and its concentration."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/nationality.parquet",
        f"{R}/compare/concentration.parquet",
    log:
        f"{R}/logs/compare/nationality.log",
    params:
        table="nationality",
        options={"routes": list(ROUTES), "origins": ORIGINS},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/compare_table.py"


rule compare_causes:
    """Dead and missing by route, year and cause of death."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/causes.parquet",
    log:
        f"{R}/logs/compare/causes.log",
    params:
        table="causes",
        options={"routes": list(ROUTES)},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/compare_table.py"


rule compare_nexus:
    """Detected trafficking victims in the study countries by citizenship and form of exploitation."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/nexus.parquet",
    log:
        f"{R}/logs/compare/nexus.log",
    params:
        table="nexus",
        options={"countries": list(COUNTRIES), "origins": ORIGINS},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/compare_table.py"


rule compare_availability:
    """Which indicator x study country x year has data, and from which sources."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/availability.parquet",
    log:
        f"{R}/logs/compare/availability.log",
    params:
        table="availability",
        options={"countries": list(COUNTRIES)},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/compare_table.py"


rule compare_reconciliation:
    """Italy and Spain arrivals by year as Frontex, UNHCR and the Italian Ministry measure them."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/reconciliation.parquet",
    log:
        f"{R}/logs/compare/reconciliation.log",
    params:
        table="reconciliation",
        options={},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/compare_table.py"


rule compare_per_capita:
    """Smuggling offences and detected trafficking victims per 100,000 population."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/compare/per_capita.parquet",
    log:
        f"{R}/logs/compare/per_capita.log",
    params:
        table="per_capita",
        options={},
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/compare_table.py"


rule compare:
    """Every comparison table."""
    input:
        rules.compare_route_year.output,
        rules.compare_route_month.output,
        rules.compare_nationality.output,
        rules.compare_causes.output,
        rules.compare_nexus.output,
        rules.compare_availability.output,
        rules.compare_reconciliation.output,
        rules.compare_per_capita.output,
