rule clean:
    """Read a source in its native format; keep or reject every record with a reason."""
    input:
        provenance=f"{R}/intake/{{source}}.provenance.json",
        raw=raw_files,
    output:
        clean=f"{R}/clean/{{source}}.parquet",
        rejects=f"{R}/clean/{{source}}.rejects.parquet",
        ledger=f"{R}/clean/{{source}}.ledger.json",
    log:
        f"{R}/logs/clean/{{source}}.log",
    benchmark:
        f"{R}/benchmarks/clean/{{source}}.tsv"
    params:
        source=lambda w: REGISTRY[w.source],
        thresholds=config["thresholds"],
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/clean.py"
