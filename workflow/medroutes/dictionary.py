"""The data dictionary, generated from the step modules: never written by hand.

For every Parquet dataset of a release: its columns, Arrow types, meaning (each schema field's
description), allowed codes, its key, and the rule that produces it. Datasets and their schemas come
from ``medroutes/steps/`` (see medroutes.plan); a clean table's columns from its adapter's SPEC.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from . import adapters, plan, runner
from .schema import described, description

OBS_CODES = {"route": "central_mediterranean | western_mediterranean | western_african | null",
             "freq": "A | M | D", "sex": "F | M | _O | _T | _U", "age": "adult | child | _T | _U",
             "obs_status": "A | B | C | D | E | P"}
DICTIONARY_SCHEMA = described(pa.schema([
    ("dataset", pa.string()), ("position", pa.int64()), ("column", pa.string()), ("type", pa.string()),
    ("key", pa.bool_()), ("description", pa.string()), ("codes", pa.string()), ("rule", pa.string()),
]), {
    "dataset": "the dataset: its path under the release folder, without .parquet",
    "position": "the column's position in the dataset, from 1",
    "column": "column name",
    "type": "Arrow type",
    "key": "true for the columns that identify a row",
    "description": "what the column holds",
    "codes": "the codes the column may hold, where it holds codes",
    "rule": "the Snakemake rule that writes the dataset (its step module: workflow/medroutes/steps/<dataset>.py)",
}, "dictionary")
DICTIONARY_KEY = ["dataset", "position"]


def _entries(dataset: str, schema: pa.Schema, key, rule: str, codes: dict) -> list[dict]:
    return [{"dataset": dataset, "position": i + 1, "column": f.name, "type": str(f.type), "key": f.name in key,
             "description": description(f), "codes": codes.get(f.name, ""), "rule": rule}
            for i, f in enumerate(schema)]


def datasets(source_adapters: dict[str, str]) -> list[tuple[str, pa.Schema, list[str], plan.Step]]:
    """(dataset, schema, key, step) of every Parquet dataset the steps write for these sources."""
    out = []
    for step in plan.steps():
        if not step.is_dataset:
            continue
        module = runner.load(step.name)
        for name, pattern in step.outputs.items():
            if not pattern.endswith(".parquet"):
                continue
            dataset = pattern.removesuffix(".parquet")
            if step.wildcard == "source":
                for sid, adapter in sorted(source_adapters.items()):
                    schema, key = module.schema_of(name, adapters.get(adapter).SPEC) if hasattr(
                        module, "schema_of") else (module.SCHEMA, module.KEY)
                    out.append((dataset.replace("{source}", sid), schema, list(key), step))
            else:  # a step with several datasets says which schema is whose (schema_of)
                schema, key = module.schema_of(name) if hasattr(module, "schema_of") else (module.SCHEMA, module.KEY)
                out.append((dataset.replace("{country}", "<ISO3>"), schema, list(key), step))
    return out


def build(source_adapters: dict[str, str], indicators: dict, countries: list[str], areas: dict) -> pd.DataFrame:
    """Rows of the dictionary for every dataset the pipeline writes for these sources."""
    codes = {**OBS_CODES, "indicator": " | ".join(f"{k} ({v['unit']})" for k, v in sorted(indicators.items())),
             "ref_area": "ISO3 | " + " | ".join(sorted(areas)), "country": " | ".join(countries)}
    rows = []
    for dataset, schema, key, step in datasets(source_adapters):
        rows += _entries(dataset, schema, key, step.rule, codes)
    return pd.DataFrame(rows, columns=DICTIONARY_SCHEMA.names)


def descriptions(source_adapters: dict[str, str]) -> dict[str, str]:
    """Each dataset's description: its step module's docstring."""
    return {dataset: " ".join(step.description.split()) for dataset, _, _, step in datasets(source_adapters)}


def to_markdown(dictionary: pd.DataFrame, descriptions: dict[str, str]) -> str:
    """A readable page: one section per dataset, one table row per column."""
    lines = ["# Data dictionary", "",
             "Generated from the dataset schemas by the `dictionary` rule; do not edit. Every dataset is a "
             "Parquet file under the release folder (`<dataset>.parquet`). Key columns identify a row.", ""]
    for dataset, d in dictionary.groupby("dataset", sort=False):
        lines += [f"## `{dataset}`", "", f"Produced by rule `{d['rule'].iloc[0]}`. {descriptions.get(dataset, '')}",
                  "", "| column | type | key | meaning | codes |", "| --- | --- | --- | --- | --- |"]
        for r in d.itertuples():
            cells = [f"`{r.column}`", r.type, "yes" if r.key else "", r.description, r.codes]
            lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


STYLE = """body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.45;
color:#222}nav{columns:3 16rem;font-size:.9rem;margin-bottom:2rem}nav a{display:block}h2{margin-top:2.5rem;
border-bottom:1px solid #ccc;padding-bottom:.2rem}table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #e5e5e5}
th{background:#f3f3f3;position:sticky;top:0}td:first-child{font-family:monospace;white-space:nowrap}
.top{font-size:.85rem}"""


def to_html(dictionary: pd.DataFrame, descriptions: dict[str, str], release: str) -> str:
    """The same page as HTML, for the Snakemake report: a table of contents, then one section per dataset."""
    from html import escape

    groups = list(dictionary.groupby("dataset", sort=False))
    anchor = {dataset: "d-" + dataset.replace("/", "-").replace(".", "-") for dataset, _ in groups}
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Data dictionary {escape(release)}"
             f"</title><style>{STYLE}</style></head><body>",
             f"<h1 id='top'>Data dictionary, release {escape(release)}</h1>",
             "<p>Generated from the dataset schemas; every dataset is a Parquet file under the release "
             "(<code>&lt;dataset&gt;.parquet</code>). Key columns identify a row.</p>",
             f"<nav aria-label='Datasets'>{''.join(f'<a href=#{anchor[d]}>{escape(d)}</a>' for d, _ in groups)}</nav>"]
    for dataset, d in groups:
        parts.append(f"<h2 id='{anchor[dataset]}'>{escape(dataset)}</h2><p>Produced by rule "
                     f"<code>{escape(d['rule'].iloc[0])}</code>. {escape(descriptions.get(dataset, ''))}</p>")
        table = d[["column", "type", "key", "description", "codes"]].assign(key=d["key"].map({True: "yes", False: ""}))
        parts.append(table.to_html(index=False, border=0, escape=True))
        parts.append("<p class='top'><a href='#top'>Back to the contents</a></p>")
    parts.append("</body></html>")
    return "\n".join(parts)
