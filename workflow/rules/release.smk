rule manifest:
    """The release manifest: every output with sha256, bytes, rows, producing rule and inputs' checksums,
    plus code and package versions. `python -m medroutes verify <release>` re-hashes against it."""
    input:
        lambda w: release_outputs(),
    output:
        f"{R}/manifest.json",
    log:
        f"{R}/logs/release/manifest.log",
    localrule: True  # reads the main process's .snakemake/metadata for each file's rule and inputs
    params:
        code_version=CODE_VERSION,  # a new commit or new package versions rebuild the manifest
        packages=PACKAGES,
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/manifest.py"


rule dictionary:
    """The data dictionary, generated from the dataset schemas: columns, types, meaning, codes, rule."""
    output:
        parquet=f"{R}/dictionary.parquet",
        md=f"{R}/dictionary.md",
        html=report(f"{R}/dictionary.html", caption="../report/dictionary.rst", category="Data dictionary"),
    log:
        f"{R}/logs/release/dictionary.log",
    params:
        source_adapters={sid: REGISTRY[sid]["adapter"] for sid in SOURCES},
        indicators=INDICATORS,
        countries=list(COUNTRIES),
        areas=config["areas"],
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/dictionary.py"
