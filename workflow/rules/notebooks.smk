# Review notebooks: notebooks/<name>.py (jupytext percent format, the file kept in git) executed on
# this release into one self-contained HTML page each, by medroutes.notebooks on this Python.
# Each notebook's inputs are exactly the release files it reads; its parameters are injected
# after its cell tagged "parameters". Paths stay relative to the working directory, so the pages
# are byte-identical wherever the release is built. (The script is not called notebook.py: that name
# would shadow the `notebook` package, which jupytext tries to import.)

NOTEBOOK_INPUTS = {
    "01_intake_and_rejects": [
        *expand(f"{R}/intake/{{source}}.provenance.json", source=SOURCES),
        *expand(f"{R}/clean/{{source}}.ledger.json", source=SOURCES),
        *expand(f"{R}/clean/{{source}}.rejects.parquet", source=SOURCES),
    ],
    "02_harmonisation": [
        f"{R}/harmonised/observations.parquet",
        *expand(f"{R}/clean/{{source}}.parquet", source=SOURCES),
        *expand(f"{R}/intake/{{source}}.provenance.json", source=SOURCES),
    ],
    "03_comparison": [
        f"{R}/compare/route_year.parquet",
        f"{R}/compare/reconciliation.parquet",
        f"{R}/compare/per_capita.parquet",
        f"{R}/compare/availability.parquet",
    ],
}
NOTEBOOK_PARAMS = {
    "01_intake_and_rejects": {"release_dir": R, "sources": SOURCES},
    "02_harmonisation": {"release_dir": R, "routes": list(ROUTES)},
    "03_comparison": {"release_dir": R, "countries": list(COUNTRIES)},
}
NOTEBOOKS = list(NOTEBOOK_INPUTS)


rule review_notebook:
    """Execute a review notebook on the release and export it as one HTML page."""
    input:
        notebook=f"{BASE}/notebooks/{{notebook}}.py",
        release=lambda w: NOTEBOOK_INPUTS[w.notebook],
    output:
        report(f"{R}/notebooks/{{notebook}}.html", caption="../report/notebooks.rst", category="Review notebooks"),
    log:
        f"{R}/logs/notebooks/{{notebook}}.log",
    benchmark:
        f"{R}/benchmarks/notebooks/{{notebook}}.tsv"
    wildcard_constraints:
        notebook="|".join(NOTEBOOKS),
    params:
        parameters=lambda w: NOTEBOOK_PARAMS[w.notebook],
    conda:
        "../envs/medroutes.yaml"
    script:
        "../scripts/review_notebook.py"
