# With download: true, one rule per registered raw file missing at start-up: a dry run lists the
# downloads and fetches nothing, and a file already present is never a rule's output (so no code or
# config change can make Snakemake fetch it again). The job streams to a temporary file, stops past
# the pinned size, checks the sha256, and only then renames it into place.

for _n, (_sid, _f) in enumerate(PENDING_DOWNLOADS):

    rule:
        name:
            f"download_{_n}"
        output:
            str(raw_path(STUDY.raw_dir, _sid, _f)),
        log:
            f"{R}/logs/download/{_sid}/{_f['name']}.log",
        localrule: True
        conda:
            "../envs/medroutes.yaml"
        params:
            url=_f["url"],
            sha256=_f["sha256"],
            size=_f["bytes"],
        script:
            "../scripts/download.py"
