rule country_profile:
    """Every observation where one study country reports or is the citizenship, with its role."""
    input:
        f"{R}/harmonised/observations.parquet",
    output:
        f"{R}/countries/{{country}}.parquet",
    log:
        f"{R}/logs/countries/{{country}}.log",
    params:
        roles=lambda w: config["countries"][w.country]["roles"],
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/country_profile.py"

