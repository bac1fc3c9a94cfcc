# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · Intake and rejects
#
# What came in, and what cleaning kept and turned away, for every source of one release.
#
# - **Provenance**: each raw file as intake verified it: its path, sha256 and size, beside the
#   checksum pinned in the registry (`config/sources.yaml`).
# - **Rows in, kept and rejected**: the cleaning ledger (`clean/<source>.ledger.json`).
#   Cleaning never loses a row silently: rows in = rows kept + rows rejected.
# - **Rejection reasons**: counts by source and reason, checked against the rejects tables.
# - **Rejected rows**: a few rows of each reason (the first in file order) with the raw cell they
#   come from (`raw_ref`), the column, the value and the detail, so a reviewer can open the raw file
#   at that row and judge the decision.
#
# The pipeline runs this notebook with `release_dir` set (see its step module,
# `workflow/medroutes/steps/notebooks/01_intake_and_rejects.py`).
# Opened by hand, it reviews the release configured in `config/config.yaml`, or the one in the
# environment variable `MEDROUTES_RELEASE_DIR`.

# %% tags=["parameters"]
release_dir = None  # the release folder, e.g. "results/2026.11.0"; None: the configured release
sources = None  # source ids to review; None: every source with a provenance record in the release
sample_rows = 3  # rejected rows shown per source and reason

# %%
import json

import pandas as pd
from IPython.display import Markdown, display
from medroutes.notebooks import locate_release, read_table

pd.set_option("display.max_rows", 200)
pd.set_option("display.max_columns", 50)
pd.set_option("display.max_colwidth", 120)

RELEASE = locate_release(release_dir)
if sources is None:
    sources = sorted(p.name.removesuffix(".provenance.json") for p in (RELEASE / "intake").glob("*.provenance.json"))
display(Markdown(f"Release folder: `{RELEASE}`; sources: {', '.join(f'`{s}`' for s in sources)}"))


def read_json(relpath):
    path = RELEASE / relpath
    if not path.is_file():
        print(f"SKIPPED: {relpath} is not in this release.")
        return None
    return json.loads(path.read_text(encoding="utf-8"))


# %% [markdown]
# ## Provenance
#
# One row per raw file. `pinned_sha256_ok` compares the sha256 intake observed with the one the
# registry pins (intake stops the run on any mismatch, so `False` here means a hand-edited record).
# `path` is the raw file as intake was given it (relative to the pipeline's working directory).

# %%
rows, sources_meta = [], []
for sid in sources:
    record = read_json(f"intake/{sid}.provenance.json")
    if record is None:
        continue
    src = record["source"]
    pinned = {f["name"]: f for f in src.get("files", [])}
    sources_meta.append({"source_id": sid, "publisher": src.get("publisher"), "title": src.get("title"),
                         "as_of": src.get("as_of"), "licence": src.get("licence")})
    for f in record["observed"]:
        pin = pinned.get(f["name"], {})
        rows.append({"source_id": sid, "file": f["name"], "bytes": f["bytes"], "sha256": f["sha256"],
                     "pinned_sha256_ok": f["sha256"] == pin.get("sha256"), "path": f["path"],
                     "url": pin.get("url")})
provenance = pd.DataFrame(rows)
if len(provenance):
    with pd.option_context("display.max_colwidth", None):
        display(provenance)
    display(Markdown("**Sources**"))
    display(pd.DataFrame(sources_meta))
else:
    print("No provenance records in this release.")

# %% [markdown]
# ## Rows in, kept and rejected
#
# From each source's ledger. A row is one raw record in the source's own grain (an IOM incident,
# a Frontex route × mode × nationality × month cell, a row of a CSV). `balanced` checks
# rows in = kept + rejected (cleaning fails the run if it does not hold).

# %%
ledgers = {}
for sid in sources:
    ledger = read_json(f"clean/{sid}.ledger.json")
    if ledger is not None:
        ledgers[sid] = ledger
counts = pd.DataFrame([{"source_id": sid, "rows_in": lg["rows_in"], "rows_kept": lg["rows_kept"],
                        "rows_rejected": lg["rows_rejected"]} for sid, lg in ledgers.items()])
if len(counts):
    counts["rejected_pct"] = (100 * counts["rows_rejected"] / counts["rows_in"].where(counts["rows_in"] > 0)).round(2)
    counts["balanced"] = counts["rows_in"] == counts["rows_kept"] + counts["rows_rejected"]
    total = counts[["rows_in", "rows_kept", "rows_rejected"]].sum()
    display(counts)
    display(Markdown(f"All sources: **{total['rows_in']:,}** rows in, **{total['rows_kept']:,}** kept, "
                     f"**{total['rows_rejected']:,}** rejected."))
else:
    print("No ledgers in this release.")

# %% [markdown]
# ## Rejection reasons
#
# Counts by source and reason code, from the ledger (`ledger`) and recounted from the rejects table
# (`rejects_table`); the two must agree. `columns` lists the raw columns the reason was raised on
# (blank where a reason concerns the whole record, such as a superseded report or an out-of-scope
# category).

# %%
rejects = {}
for sid in sources:
    table = read_table(RELEASE, f"clean/{sid}.rejects.parquet")
    if table is not None:
        rejects[sid] = table

reason_rows = []
for sid in sources:
    by_ledger = ledgers.get(sid, {}).get("rejected_by_reason", {})
    table = rejects.get(sid)
    by_table = table["reason"].value_counts().to_dict() if table is not None else {}
    for reason in sorted(set(by_ledger) | set(by_table)):
        cols = []
        if table is not None:
            cols = sorted(table.loc[table["reason"] == reason, "column"].dropna().unique())
        reason_rows.append({"source_id": sid, "reason": reason, "ledger": by_ledger.get(reason),
                            "rejects_table": by_table.get(reason), "columns": ", ".join(cols)})
reasons = pd.DataFrame(reason_rows)
if len(reasons):
    reasons["agree"] = reasons["ledger"] == reasons["rejects_table"]
    display(reasons)
    if not reasons["agree"].all():
        display(Markdown("**Warning: ledger and rejects table disagree on the rows above marked `False`.**"))
else:
    display(Markdown("No rejected rows in any source of this release."))

# %% [markdown]
# ## Rejected rows, by source and reason
#
# The first rows of each reason in file order. `raw_ref` names the raw file and the row (or cell)
# the record came from; `column` and `value` the offending field where there is one; `detail` says
# what was expected. The whole raw record, as JSON, is in the `record` column of
# `clean/<source>.rejects.parquet`; the first record of each reason is printed below its table.

# %%
shown_cols = ["raw_ref", "reason", "column", "value", "detail"]
for sid in sources:
    table = rejects.get(sid)
    if table is None or table.empty:
        continue
    display(Markdown(f"### `{sid}`: {len(table):,} rejected rows"))
    for reason, group in table.sort_values(["raw_file", "raw_row"], kind="mergesort").groupby("reason", sort=True):
        display(Markdown(f"**{reason}** ({len(group):,} rows)"))
        display(group[shown_cols].head(sample_rows).reset_index(drop=True))
        record = group["record"].iloc[0]
        try:
            record = json.dumps(json.loads(record), ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            pass
        print(f"record of {group['raw_ref'].iloc[0]}: {str(record)[:600]}")

no_rejects = [sid for sid in sources if sid in rejects and rejects[sid].empty]
if no_rejects:
    display(Markdown("Sources with no rejected rows: " + ", ".join(f"`{s}`" for s in no_rejects) + "."))
