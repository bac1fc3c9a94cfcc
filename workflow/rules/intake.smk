rule intake:
    """Verify a source's raw files against the registry and record their provenance."""
    input:
        raw_files,
    output:
        f"{R}/intake/{{source}}.provenance.json",
    log:
        f"{R}/logs/intake/{{source}}.log",
    params:
        source=lambda w: REGISTRY[w.source],
        raw_dir=str(RAW_DIR),
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/intake.py"
