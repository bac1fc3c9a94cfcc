"""Command line for releases: build a manifest, verify a release against it, diff two releases.

    python -m medroutes manifest results/2026.11.0
    python -m medroutes verify results/2026.11.0
    python -m medroutes diff results/2026.10.0 results/2026.11.0 --out diff.md
    python -m medroutes release-dir --configfile config/config.yaml --config release=2026.12.0
    python -m medroutes publish demo-results/demo --configfile config/demo.yaml

Exit codes: 0 OK; 1 verification found problems; 2 usage error or unreadable input (one line on
stderr, no traceback: the person running this needs the file name, not our stack).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import codebase, release
from .errors import MedroutesError
from .io import read_json

REPO = Path(__file__).resolve().parents[2]


def _manifest(args) -> int:
    root = Path(args.release_dir)
    producers = release.producers_from_snakemake(root, args.workdir) if args.workdir else {}
    manifest = release.build_manifest(root, None, producers, release=args.release or root.name,
                                      code_version=release.code_version(REPO), packages=release.packages())
    out = Path(args.out) if args.out else root / release.MANIFEST_NAME
    release.write_manifest(manifest, out)
    unattributed = sum(1 for f in manifest["files"] if f["rule"] is None)
    print(f"wrote {out}: {len(manifest['files'])} files, {sum(f['bytes'] for f in manifest['files'])} bytes"
          + (f", {unattributed} without a producing rule" if unattributed else ""))
    return 0


def _verify(args) -> int:
    problems = release.verify(args.release_dir, args.manifest)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in {args.release_dir}")
        for p in problems:
            print(f"  {p}")
        return 1
    manifest = args.manifest or Path(args.release_dir) / release.MANIFEST_NAME
    n = len(read_json(manifest)["files"])
    print(f"OK: {n} files verified")
    return 0


def _diff(args) -> int:
    if args.limit < 0:
        raise MedroutesError("--limit must be 0 or more")
    report = release.diff_releases(args.old_release_dir, args.new_release_dir, None,
                                   limit=args.limit)
    text = release.diff_markdown(report)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


def _template(args) -> int:
    from . import templates
    from .config import load_yaml

    config = load_yaml(codebase.REPO / "config" / "config.yaml")
    codebook = load_yaml(codebase.REPO / config["codebook"])
    known = sorted(p.stem for p in templates.TEMPLATES_DIR.glob("*.yaml"))
    if args.name != "all" and args.name not in known:
        raise MedroutesError(f"no template {args.name!r} (templates: {', '.join(known)}, or all)")
    names = known if args.name == "all" else [args.name]
    years = config["restricted"]["years"]
    for name in names:
        t = templates.load(name, codebook, list(config["routes"]))
        for path in templates.write_blank(t, args.out, years=(years["first_year"], years["last_year"])):
            print(path)
    return 0


def _explain(args) -> int:
    from . import explain

    key = {}
    for item in args.key:
        name, sep, value = item.partition("=")
        if not sep:
            raise MedroutesError(f"key {item!r} is not name=value (e.g. route=central_mediterranean year=2016)")
        key[name] = value
    release = args.release or release_dir([])
    trace = explain.explain(release, args.table, key, args.column)
    print(trace.text())
    if len(trace.observations):
        print(f"{len(trace.observations)} observation(s) from {trace.observations['raw_file'].nunique()} raw "
              f"file(s) traced; every sum and ratio above was checked against the table")
    if args.records:
        print(explain.records(release, trace.observations).to_string(index=False))
    return 0


def _publish(args) -> int:
    from . import publish

    study = publish.load_study(publish.load_config(args.configfile or [], args.config or []))
    meta = publish.load_publication(args.publication or publish.PUBLICATION)
    publish.publish(args.release_dir, study, meta, args.archive, validate=not args.no_validate)
    return 0


def _register(args) -> int:
    from . import publish, vintages

    config = publish.load_config(args.configfile or [], args.config or [])
    vintages.register(config, args.source, args.files, vintage=args.vintage, as_of=args.as_of,
                      landing=args.landing, url=args.url, to_registry=args.registry)
    return 0


def _fetch(args) -> int:
    from . import publish, vintages

    config = publish.load_config(args.configfile or [], args.config or [])
    vintages.fetch(config, args.source, vintage=args.vintage, to_registry=args.registry)
    return 0


def release_dir(snakemake_args: list[str], snakefile_configs=("config/config.yaml",)) -> str:
    """The release folder that Snakemake, given these arguments, will write: ``<out_dir>/<release>``.

    The same merge as Snakemake's own: the Snakefile's ``configfile:`` first, then each
    ``--configfile`` in order, then ``--config`` (parsed by Snakemake's own parser), deep-merged.
    ``make study ARGS="--config release=X"`` thus puts the report into release X, not the
    config file's release (issue 9, case 5)."""
    from snakemake.cli import get_argument_parser, parse_config
    from snakemake.utils import update_config

    from .config import load_yaml

    args, _ = get_argument_parser().parse_known_args(snakemake_args)
    workdir = Path(args.directory or ".")
    config: dict = {}
    # Snakemake skips a Snakefile configfile that does not exist (relative to its working directory)
    for path in [*(p for p in snakefile_configs if (workdir / p).exists()), *(args.configfile or [])]:
        update_config(config, load_yaml(workdir / path if path in snakefile_configs else path))
    update_config(config, parse_config(args.config or []))
    missing = [k for k in ("out_dir", "release") if not config.get(k)]
    if missing:
        raise MedroutesError(f"no {' or '.join(missing)} in the config files or --config")
    out = Path(str(config["out_dir"]))
    if args.directory and not out.is_absolute():
        out = workdir / out
    return f"{out}/{config['release']}"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m medroutes", description="medroutes release tools")
    sub = p.add_subparsers(dest="command", required=True)

    m = sub.add_parser("manifest", help="write the manifest of a release folder")
    m.add_argument("release_dir")
    m.add_argument("--release", help="release name (default: the folder name)")
    m.add_argument("--out", help="manifest path (default: <release_dir>/manifest.json)")
    m.add_argument("--workdir", default=".",
                   help="Snakemake working directory whose .snakemake/metadata names each file's rule and "
                        "inputs (default: .); '' to record no producers")
    m.set_defaults(func=_manifest)

    v = sub.add_parser("verify", help="re-hash every file of a release against its manifest")
    v.add_argument("release_dir")
    v.add_argument("--manifest", help="manifest path (default: <release_dir>/manifest.json)")
    v.set_defaults(func=_verify)

    d = sub.add_parser("diff", help="rows added, removed and changed between two releases (Markdown)")
    d.add_argument("old_release_dir")
    d.add_argument("new_release_dir")
    d.add_argument("--out", help="also write the Markdown report here")
    d.add_argument("--limit", type=int, default=50, help="listed keys/cells per dataset (counts are exact)")
    d.set_defaults(func=_diff)

    t = sub.add_parser("template", help="write the blank template of an evidence type (xlsx with a README sheet "
                       "and drop-down code lists, and its CSV form) for a data holder to fill in")
    t.add_argument("name", help="national_statistics, case_files, interviews, literature, or all")
    t.add_argument("--out", default="templates", help="folder to write to (default: ./templates)")
    t.set_defaults(func=_template)

    e = sub.add_parser("explain", help="how a route-table value was computed: every observation and raw row "
                       "(file, sha256, row) behind it, checked to sum to it")
    e.add_argument("table", help="route_year or route_month")
    e.add_argument("key", nargs="+", help="the row's key as name=value (route=... year=... [month=...])")
    e.add_argument("column", help="the column to trace, e.g. detections")
    e.add_argument("--release", help="release folder (default: <out_dir>/<release> of config/config.yaml)")
    e.add_argument("--records", action="store_true", help="also print each contributing clean record as read")
    e.set_defaults(func=_explain)

    pb = sub.add_parser("publish", help="publish a verified release: datapackage.json, CITATION.cff, .zenodo.json, "
                        "an SDMX-CSV 2.0 export, one deterministic zip of the public files, and published.json "
                        "(which freezes the release)")
    pb.add_argument("release_dir")
    pb.add_argument("--configfile", nargs="+", action="extend",
                    help="config files after config/config.yaml, as given to Snakemake (e.g. config/demo.yaml)")
    pb.add_argument("--config", nargs="+", action="extend", metavar="KEY=VALUE",
                    help="config values as given to Snakemake's --config (e.g. raw_dir=...)")
    pb.add_argument("--publication", help="project metadata (default: config/publication.yaml)")
    pb.add_argument("--archive", help="zip to write (default: <release_dir>.zip beside the release folder)")
    pb.add_argument("--no-validate", action="store_true",
                    help="skip the frictionless validation of datapackage.json and of every table's rows")
    pb.set_defaults(func=_publish)

    for name, helptext in (("register", "bring in a new vintage of a public source: hash its files, read them with "
                                         "the source's adapter, print what they hold, and register the vintage "
                                         "(in the local overlay; --registry: in config/sources.yaml)"),
                           ("fetch", "download a source's registered URLs and register what arrives as a new "
                                     "vintage (never replacing the pinned one)")):
        r = sub.add_parser(name, help=helptext)
        r.add_argument("source", help="registry id, e.g. frontex_ibc")
        if name == "register":
            r.add_argument("files", nargs="+", help="the vintage's files, as the publisher gives them")
            r.add_argument("--as-of", help="the data-as-of date, where the files do not state it")
            r.add_argument("--landing", help="the publisher's landing page of this vintage")
            r.add_argument("--url", help="the URL of the exact copy registered, where there is one")
        r.add_argument("--vintage", help="its label: the release or data-as-of date, YYYY-MM-DD (default: the "
                                         "date the files state; fetch: the download date if they state none)")
        r.add_argument("--registry", action="store_true",
                       help="write into config/sources.yaml (maintainers) instead of the local overlay")
        r.add_argument("--configfile", nargs="+", action="extend", help="config files after config/config.yaml")
        r.add_argument("--config", nargs="+", action="extend", metavar="KEY=VALUE", help="config values")
        r.set_defaults(func=_register if name == "register" else _fetch)

    # listed for --help; main() hands its arguments to release_dir() untouched
    sub.add_parser("release-dir", help="print <out_dir>/<release> for these Snakemake arguments "
                   "(--configfile, --config, --directory), as the Makefile's report path")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["release-dir"]:  # the rest are Snakemake's arguments, not ours
        try:
            print(release_dir(argv[1:]))
            return 0
        except (MedroutesError, OSError, ValueError) as exc:
            print(f"medroutes release-dir: error: {exc}", file=sys.stderr)
            return 2
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (MedroutesError, OSError) as exc:
        print(f"medroutes {args.command}: error: {exc}", file=sys.stderr)
        return 2
