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


rule ledger:
    """The rejects ledger: rows in, kept and rejected by reason for every source; fails if any does not add up."""
    input:
        expand(f"{R}/clean/{{source}}.ledger.json", source=SOURCES),
    output:
        parquet=f"{R}/clean/ledger.parquet",
        csv=report(f"{R}/clean/ledger.csv", caption="../report/ledger.rst", category="Rejects ledger"),
    log:
        f"{R}/logs/clean/ledger.log",
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/ledger.py"
