"""The restricted evidence, from a data holder's filled-in template to disclosure-controlled tables.

:func:`read_supplied` reads every supplied file of one evidence type with its template (bytes read
once and checked against the pin), into a restricted working table, its rejects and its ledger. The
table builders aggregate those working tables into additive count tables with totals
(:func:`with_totals`), and :func:`protect_all` puts each through :func:`medroutes.disclosure.protect`,
runs the audit and returns the published cells and the audit rows. Only the steps under
``steps/protected/`` call these on restricted inputs, and only their published tables leave the
restricted folder.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow as pa

from . import disclosure, templates
from .disclosure import TOTAL
from .schema import described

LINEAGE_DOCS = {"raw_file": "the supplied file, as <source_id>/<file name>",
                "raw_row": "row of the file (sheet row or CSV line; the header is row 1)",
                "raw_ref": "file, sheet and row, e.g. case_files_dcis/cases.xlsx cases!row 12"}
REJECTS_SCHEMA = described(
    pa.schema([(c, pa.int64() if c == "raw_row" else pa.string()) for c in templates.REJECT_COLUMNS]),
    {**LINEAGE_DOCS, "sheet": "the data sheet read ('csv' for a CSV form)", "column": "the column that failed",
     "value": f"its value ({templates.WITHHELD} for an identifier or free text)",
     "reason": "reason code (missing_value, not_in_codebook, unknown_country, not_study_country, not_a_number, "
               "negative_count, not_a_flag, not_a_year, not_a_month, year_outside_study, "
               "free_text_in_coded_column, duplicate_key)", "detail": "what was expected"}, __name__)
STATUS_COLUMNS = ["value", "obs_status", "conf_status"]


def arrow_schema(t: templates.Template) -> pa.Schema:
    """The working table of a template: its columns typed (counts, flags and years as integers)."""
    ints = {"count", "flag", "year"}
    schema = pa.schema([*((c.name, pa.int64() if c.type in ints else pa.string()) for c in t.columns),
                        ("raw_file", pa.string()), ("raw_row", pa.int64()), ("raw_ref", pa.string())])
    return described(schema, {**{c.name: c.description or templates.TYPES[c.type] for c in t.columns},
                              **LINEAGE_DOCS}, f"template {t.name}")


def read_supplied(sources: list[dict], raw_dir, template: templates.Template, ctx: templates.Context
                  ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Every pinned file of ``sources`` (registry entries of one evidence type, overlay applied):
    ``(kept, rejects, ledger)``. Each file's bytes are read once and checked against its pin."""
    from .clean import check_row_counts
    from .intake import raw_path, read_pinned

    kept, rejects = [], []
    for src in sources:
        for f in src["files"]:
            path = raw_path(raw_dir, src["id"], f)
            data = read_pinned({"path": str(path), "bytes": f["bytes"], "sha256": f["sha256"]})
            k, r = templates.read(path, data, template, ctx, label=f"{src['id']}/{f['name']}")
            kept.append(k)
            rejects.append(r)
    kept_df = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=arrow_schema(template).names)
    rej_df = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(columns=templates.REJECT_COLUMNS)
    # rows are unique within a file (the template key); across files of one type they must be too
    dup = kept_df.duplicated(list(template.key), keep="first")
    if dup.any():
        moved = kept_df[dup]
        first = kept_df[~dup].set_index(list(template.key))["raw_ref"]
        extra = pd.DataFrame({"raw_file": moved["raw_file"], "sheet": "", "raw_row": moved["raw_row"],
                              "raw_ref": moved["raw_ref"], "column": template.key[0],
                              "value": templates.WITHHELD if template.column(template.key[0]).type == "identifier"
                              else moved[template.key[0]].astype(str),
                              "reason": "duplicate_key",
                              "detail": [f"same {', '.join(template.key)} as {_first(first, tuple(r))}"
                                         for r in moved[list(template.key)].itertuples(index=False)]})
        rej_df = pd.concat([rej_df, extra], ignore_index=True)
        kept_df = kept_df[~dup].reset_index(drop=True)
    rows_in = len(kept_df) + len(rej_df)
    ledger = {"template": template.name, "sources": [s["id"] for s in sources],
              **check_row_counts(rows_in, len(kept_df), rej_df["reason"])}
    return kept_df, rej_df.astype({"raw_row": "int64"}), ledger


def _first(refs: pd.Series, key: tuple):
    return refs.loc[key] if isinstance(refs.index, pd.MultiIndex) else refs.loc[key[0]]


def with_totals(counts: pd.DataFrame, levels: dict[str, list], total_dims: list[str], value: str = "value"
                ) -> pd.DataFrame:
    """A complete count table: every combination of ``levels`` (absent ones 0), plus a ``_T`` row on
    each of ``total_dims`` for every combination of the others (the table :func:`disclosure.protect`
    takes). ``counts`` has one column per level and ``value``."""
    dims = list(levels)
    grid = pd.MultiIndex.from_product([levels[d] for d in dims], names=dims)
    base = counts.groupby(dims)[value].sum().reindex(grid, fill_value=0).reset_index()
    parts = [base]
    for k in range(1, len(total_dims) + 1):
        for subset in itertools.combinations(total_dims, k):
            keep = [d for d in dims if d not in subset]
            agg = base.groupby(keep)[value].sum().reset_index() if keep else pd.DataFrame({value: [base[value].sum()]})
            for d in subset:
                agg[d] = TOTAL
            parts.append(agg[dims + [value]])
    out = pd.concat(parts, ignore_index=True)
    out[value] = out[value].astype("int64")
    return out


def _warn_if_off(rules: disclosure.Rules, where: str) -> None:
    if not rules.enabled:
        from .log import get_logger

        get_logger(__name__).warning("disclosure control is switched off: %s is NOT protected; never publish "
                                     "this release", where)


def protect_all(tables: dict[str, tuple[pd.DataFrame, list[str]]], rules: disclosure.Rules, *, where: str,
                kind: str = "count", contributors: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Protect each named table (``name -> (table, dims)``) on its own; published cells and audit rows
    of all of them, each with a ``table`` column. The audit is checked: a cell an attacker could narrow
    below the protection interval stops the run."""
    published, audits = [], []
    _warn_if_off(rules, where)
    for name, (table, dims) in tables.items():
        pub, audit = disclosure.protect(table, dims, rules=rules, kind=kind,
                                        contributors=None if contributors is None else contributors[name])
        disclosure.check_audit(audit, f"{where} ({name})")
        published.append(pub.assign(table=name))
        audits.append(audit.assign(table=name))
    return (pd.concat(published, ignore_index=True),
            pd.concat(audits, ignore_index=True) if audits else pd.DataFrame())


def audit_long(audit: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """The audit rows in one shape for every table: the cell as text ('dim=value, ...')."""
    cell = audit[dims].astype(str).apply(lambda r: ", ".join(f"{d}={v}" for d, v in r.items()), axis=1) \
        if len(audit) else pd.Series(dtype=str)
    return pd.DataFrame({"table": audit.get("table", pd.Series(dtype=str)), "cell": cell,
                         **{c: audit.get(c) for c in ["conf_status", "value", "lower", "upper", "width", "required",
                                                      "ok"]}})


AUDIT_SCHEMA = described(pa.schema([
    ("table", pa.string()), ("cell", pa.string()), ("conf_status", pa.string()), ("value", pa.float64()),
    ("lower", pa.float64()), ("upper", pa.float64()), ("width", pa.float64()), ("required", pa.float64()),
    ("ok", pa.bool_())]), {
    "table": "the protected table", "cell": "the suppressed cell, as dimension=value pairs",
    "conf_status": "why it is suppressed: A small count, O dominance, D secondary",
    "value": "its true value (restricted: this table is never published)",
    "lower": "the least value an attacker can infer from the published table (linear program, HiGHS)",
    "upper": "the greatest value an attacker can infer", "width": "upper - lower",
    "required": "the configured protection interval", "ok": "width >= required"}, __name__)


# ---------------------------------------------------------------------------------------------- case files

def case_tables(cases: pd.DataFrame, routes: list[str], years: list[int], mo_codes: list[str]
                ) -> dict[str, pd.DataFrame]:
    """Route x year count tables (totals on both): all cases (``cases``), cases documenting each modus
    operandi code (one table per code), and cases with any of ``nexus`` codes passed as ``mo_codes``
    under the key ``nexus`` by :func:`nexus_table`."""
    levels = {"route": list(routes), "year": [str(y) for y in years]}
    base = cases.assign(year=cases["year_opened"].astype(str), value=1)
    out = {"cases": with_totals(base, levels, ["route", "year"])}
    for code in mo_codes:
        out[code] = with_totals(base[base[code] == 1], levels, ["route", "year"])
    return out


def protect_cases(tables: dict[str, pd.DataFrame], rules: disclosure.Rules, *, where: str
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The route x year tables of cases (``tables['cases']``) and of cases with each attribute, protected
    as one: a count of cases with an attribute is at most the count of all cases in its cell, and the
    audit knows it (so a published total of cases cannot narrow a suppressed count below the interval)."""
    _warn_if_off(rules, where)
    joined = pd.concat([t.assign(table=k) for k, t in tables.items()], ignore_index=True)
    cell = joined["route"] + "|" + joined["year"]
    all_cases = dict(zip(cell[joined["table"] == "cases"], joined.index[joined["table"] == "cases"], strict=True))
    below = [(i, all_cases[c]) for i, c in zip(joined.index, cell, strict=True) if joined.at[i, "table"] != "cases"]
    pub, audit = disclosure.protect(joined, ["table", "route", "year"], rules=rules, below=below)
    disclosure.check_audit(audit, where)
    return pub, audit


def any_of(cases: pd.DataFrame, codes: list[str]) -> pd.Series:
    return cases[codes].eq(1).any(axis=1)


def suspects_contributors(cases: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"route": cases["route"], "year": cases["year_opened"].astype(str),
                         "contribution": cases["n_suspects"].astype(float)})


def share(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den where both are published and den > 0, else null (never a share of a suppressed cell)."""
    ok = num.notna() & den.notna() & (den > 0)
    return pd.Series(np.where(ok, num / den.where(den > 0), np.nan), index=num.index)


# ---------------------------------------------------------------------------------------------- interviews

def interview_tables(interviews: pd.DataFrame, themes: list[str], answers: list[str], routes: list[str],
                     sectors: list[str]) -> tuple[dict, dict]:
    """Per theme, answers x route (an interview counts on each route it discussed; totals on the answer:
    the interviews on the route) and answers x sector (totals on both)."""
    by_route, by_sector = {}, {}
    exploded = interviews.assign(route=interviews["routes"].str.split(";")).explode("route")
    for theme in themes:
        r = exploded.assign(answer=exploded[theme], value=1)
        by_route[theme] = with_totals(r, {"route": list(routes), "answer": list(answers)}, ["answer"])
        s = interviews.assign(answer=interviews[theme], value=1)
        by_sector[theme] = with_totals(s, {"sector": list(sectors), "answer": list(answers)}, ["sector", "answer"])
    return by_route, by_sector


def protect_themes(tables: dict[str, pd.DataFrame], group: str, rules: disclosure.Rules, *, where: str
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every theme's answers x ``group`` table protected as one linked table: the interviews in a group
    (the answer total) are one number in every theme's table, so the audit is told they are equal."""
    joined = pd.concat([t.assign(theme=k) for k, t in tables.items()], ignore_index=True)
    totals = joined[joined["answer"] == TOTAL]
    same = [list(rows) for _, rows in sorted(totals.groupby(group).groups.items())]
    _warn_if_off(rules, where)
    pub, audit = disclosure.protect(joined, ["theme", group, "answer"], rules=rules, same=same)
    disclosure.check_audit(audit, where)
    return pub.assign(table=pub["theme"]).drop(columns="theme"), audit.assign(table=audit["theme"])


def prevalence(published: pd.DataFrame, group: str) -> pd.DataFrame:
    """Published answer counts -> one row per theme x group: interviews (the answer total), yes, no,
    not discussed, and the share of the interviews answering yes (null if either count is suppressed)."""
    wide = published.pivot_table(index=["table", group], columns="answer", values="value", aggfunc="first",
                                 dropna=False).reset_index()
    status = published.pivot_table(index=["table", group], columns="answer", values="conf_status",
                                   aggfunc="first").reset_index()
    out = pd.DataFrame({"theme": wide["table"], group: wide[group], "interviews": wide[TOTAL],
                        "yes": wide["yes"], "no": wide["no"], "not_discussed": wide["not_discussed"]})
    out["share_yes"] = share(out["yes"], out["interviews"])
    out["suppressed"] = status[[TOTAL, "yes", "no", "not_discussed"]].ne("F").sum(axis=1).astype("int64").to_numpy()
    return out


# ---------------------------------------------------------------------------------------------- national statistics

def natstat_tables(rows: pd.DataFrame, indicators: list[str], years: list[int]) -> dict[str, tuple]:
    """Per source and indicator, crime x year x sex counts (age and citizenship summed), totals on sex;
    networks dismantled (no sex) crime x year. The holder's rows are its finest breakdown."""
    out = {}
    for sid, part in rows.groupby("source_id", sort=True):
        country = part["country"].iloc[0]
        for indicator in indicators:
            p = part[part["indicator"] == indicator].assign(year=lambda d: d["year"].astype(str),
                                                            value=lambda d: d["count"])
            if p.empty:
                continue
            crimes = sorted(p["crime"].unique())
            yrs = [str(y) for y in years if str(y) in set(p["year"])]
            if indicator == "networks_dismantled":
                t = with_totals(p, {"crime": crimes, "year": yrs}, [])
                dims = ["crime", "year"]
                t["sex"] = "_Z"
            else:
                sexes = [s for s in ("F", "M", "_U") if s in set(p["sex"])]
                t = with_totals(p, {"crime": crimes, "year": yrs, "sex": sexes}, ["sex"])
                dims = ["crime", "year", "sex"]
            out[f"{sid}:{indicator}"] = (t.assign(source_id=sid, country=country, indicator=indicator), dims)
    return out


# ---------------------------------------------------------------------------------------------- the steps' glue

def context(config: dict, sources: list[dict]) -> templates.Context:
    """The reader's context from a restricted clean step's config (its CONFIG keys)."""
    from .resolve import CountryResolver
    from .restricted import pseudonym_key

    years = config["restricted.years"]
    key = None
    if any(c.type == "identifier" for c in template_of(config, sources).columns):
        key = pseudonym_key({"restricted": {"pseudonym_key_env": config["restricted.pseudonym_key_env"],
                                            "synthetic_key": config.get("restricted.synthetic_key")}},
                            [f["name"] for s in sources for f in s["files"]])
    return templates.Context(list(config["countries"]), CountryResolver(config["@aliases"], config["areas"]),
                             (years["first_year"], years["last_year"]), tuple(config["routes"]), key)


def template_of(config: dict, sources: list[dict]) -> templates.Template:
    names = sorted({s["template"] for s in sources})
    if len(names) != 1:
        raise ValueError(f"the supplied sources of one evidence type follow different templates: {names}")
    return templates.load(names[0], config["@codebook"], list(config["routes"]))


def clean_step(step, evidence: str) -> None:
    """Read the supplied files of ``evidence`` into the restricted working table, rejects and ledger."""
    from .io import write_json
    from .log import get_logger

    c = step.config
    sources = c[f"@supplied:{evidence}"]
    t = template_of(c, sources)
    kept, rejects, ledger = read_supplied(sources, c["@restricted_raw_dir"], t, context(c, sources))
    upstream = {f"{s['id']}/{f['name']}": f["sha256"] for s in sources for f in s["files"]}
    step.write(kept, schema=arrow_schema(t), key=list(t.key), upstream=upstream, sort_by=["raw_file", "raw_row"])
    step.write(rejects, "rejects", schema=REJECTS_SCHEMA, key=["raw_file", "raw_row"], upstream=upstream)
    write_json(ledger, step.output["ledger"])
    get_logger(__name__).info("%s: rows in %d, kept %d, rejected %d %s", evidence, ledger["rows_in"],
                              ledger["rows_kept"], ledger["rows_rejected"], ledger["rejected_by_reason"])


def clean_schema_of(template: str, output: str):
    """(schema, key) of a restricted clean step's outputs, from the repository's template and code book."""
    from . import codebase
    from .config import load_yaml

    if output == "rejects":
        return REJECTS_SCHEMA, ["raw_file", "raw_row"]
    config = load_yaml(codebase.REPO / "config" / "config.yaml")
    t = templates.load(template, load_yaml(codebase.REPO / config["codebook"]), list(config["routes"]))
    return arrow_schema(t), list(t.key)


def natstat_observations(published: pd.DataFrame, indicators: dict) -> pd.DataFrame:
    """Protected national statistics in the observation contract (harmonise.OBS_SCHEMA + conf_status)."""
    n = len(published)
    return pd.DataFrame({
        "source_id": published["source_id"], "indicator": published["indicator"], "route": None,
        "route_label": "_T", "ref_area": published["country"], "counterpart_area": "_T", "counterpart_label": "_T",
        "sex": published["sex"], "age": "_T", "dimension": "crime", "category": published["crime"],
        "event_id": "_T", "period": published["year"].astype(str), "freq": "A", "value": published["value"],
        "unit": [indicators[i]["unit"] for i in published["indicator"]], "obs_status": published["obs_status"],
        "raw_file": published["source_id"] + " (restricted)", "raw_sha256": "restricted", "raw_row": [0] * n,
        "raw_ref": "disclosure-controlled aggregate of " + published["source_id"]
                   + "; its rows are in the restricted folder",
        "conf_status": published["conf_status"]})
