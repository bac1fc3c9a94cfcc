rule harmonise:
    """Map a clean source onto the observation contract: routes, ISO3 areas, periods, lineage."""
    input:
        f"{R}/clean/{{source}}.parquet",
    output:
        f"{R}/harmonised/{{source}}.parquet",
    log:
        f"{R}/logs/harmonise/{{source}}.log",
    benchmark:
        f"{R}/benchmarks/harmonise/{{source}}.tsv"
    params:
        source=lambda w: REGISTRY[w.source],
        routes=ROUTES,
        aliases=ALIASES,
        areas=config["areas"],
        indicators=INDICATORS,
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/harmonise.py"


rule observations:
    """All sources' observations in one long table."""
    input:
        expand(f"{R}/harmonised/{{source}}.parquet", source=SOURCES),
    output:
        f"{R}/harmonised/observations.parquet",
    log:
        f"{R}/logs/harmonise/observations.log",
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/observations.py"
