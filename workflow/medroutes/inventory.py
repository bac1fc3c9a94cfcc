"""The database inventory and the availability matrix: what data exist per study country, and how
accessible they are.

``config/inventory.yaml`` lists the national databases and data holders public documents describe
(schema ``inventory.schema.yaml``, codes from the code book). :func:`matrix` joins it with the
registry (public sources, and each restricted source as supplied or not) and the literature tag sheet
into one row per study country x evidence type x entry. It never omits a registered restricted
source, and a country with nothing of a type gets a row that says so.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from .config import load_yaml, validate
from .errors import ConfigError

UNKNOWN = "unknown"
CODED = {"agency_types": "agency_types", "records": "records", "disaggregation": "disaggregation"}
HOLDER_COLUMNS = ["id", "country", "agency", "agency_types", "records", "disaggregation", "documented_years",
                  "years", "access", "format", "note", "citations"]
HOLDERS_SCHEMA = pa.schema([(c, pa.string()) for c in HOLDER_COLUMNS])
MATRIX_COLUMNS = ["country", "evidence_type", "entry", "kind", "access", "status", "n_items", "description",
                  "citation"]
MATRIX_SCHEMA = pa.schema([*((c, pa.string()) for c in MATRIX_COLUMNS[:6]), ("n_items", pa.int64()),
                           ("description", pa.string()), ("citation", pa.string())])
# Statuses, most open first: a figure cell takes the colour of its most open entry.
STATUSES = ["public", "on request", "restricted: supplied", "restricted: not supplied", "unknown",
            "none documented"]
ACCESS_STATUS = {"public": "public", "on_request": "on request", "restricted": "restricted: not supplied",
                 "unknown": "unknown"}


def load(path, codebook: dict) -> list[dict]:
    """The inventory's holders, validated against the schema and the code book; a code the code book
    does not list raises :class:`ConfigError` naming the holder, the field and the value."""
    inventory = load_yaml(path)
    validate(inventory, "inventory.schema.yaml", str(path))
    problems, seen = [], set()
    for i, holder in enumerate(inventory["holders"]):
        where = f"holders[{i}] ({holder['id']})"
        if holder["id"] in seen:
            problems.append(f"  {where}: id used twice")
        seen.add(holder["id"])
        for field, book in CODED.items():
            value = holder[field]
            for code in [] if value == UNKNOWN else value:
                if code not in codebook[book]:
                    problems.append(f"  {where}.{field}: {code!r} is not a code book {book} code "
                                    f"(expected one of {', '.join(codebook[book])}, or {UNKNOWN!r} for the field)")
        if holder["access"] not in codebook["access"]:
            problems.append(f"  {where}.access: {holder['access']!r} is not a code book access code "
                            f"(expected one of {', '.join(codebook['access'])})")
        if isinstance(holder["years"], dict) and holder["years"]["from"] > holder["years"]["to"]:
            problems.append(f"  {where}.years: from {holder['years']['from']} is after to {holder['years']['to']}")
    if problems:
        raise ConfigError(f"{path} does not follow the code book (config/codebook.yaml):\n" + "\n".join(problems))
    return inventory["holders"]


def _joined(value) -> str:
    return UNKNOWN if value == UNKNOWN else "; ".join(str(v) for v in value)


def _citation(c: dict) -> str:
    return f"{c['title']}. {c['publisher']}, {c['date']}. {c['url']}"


def holders_table(holders: list[dict]) -> pd.DataFrame:
    """One row per holder, lists '; '-joined, the span of years as 'from-to', citations ' | '-joined."""
    rows = [{**{k: h.get(k) for k in HOLDER_COLUMNS},
             **{k: _joined(h[k]) for k in ("agency_types", "records", "disaggregation", "documented_years")},
             "years": UNKNOWN if h["years"] == UNKNOWN else f"{h['years']['from']}-{h['years']['to']}",
             "note": " ".join(str(h.get("note") or "").split()),
             "citations": " | ".join(_citation(c) for c in h["citations"])} for h in holders]
    return pd.DataFrame(rows, columns=HOLDER_COLUMNS)


def matrix(registry: list[dict], holders: list[dict], supplied: dict[str, bool], countries: list[str],
           evidence_types: dict, literature_tags: pd.DataFrame | None = None) -> pd.DataFrame:
    """Study country x evidence type x entry, every registered source and inventory holder in it.

    ``supplied``: restricted source -> whether its files are pinned (``Study.supplied``);
    ``literature_tags``: the validated public tag sheet (its row counts the references tagged with
    the country; one with none is still listed, with ``n_items`` 0)."""
    rows = []

    def add(country, evidence, entry, kind, access, status, description, citation="", n_items=None):
        rows.append({"country": country, "evidence_type": evidence, "entry": entry, "kind": kind, "access": access,
                     "status": status, "n_items": n_items, "description": " ".join(str(description).split()),
                     "citation": " ".join(str(citation).split())})

    for src in registry:
        restricted = src.get("access") == "restricted"
        evidence = src.get("evidence", "public_statistics")
        for country in src["countries"]:
            if country not in countries:
                continue
            if restricted:
                status = "restricted: supplied" if supplied.get(src["id"]) else "restricted: not supplied"
                add(country, evidence, src["id"], "restricted_source", "restricted", status, src["title"],
                    src.get("citation", ""))
            else:
                add(country, evidence, src["id"], "public_source", "public", "public", src["title"],
                    src.get("url", ""))
    for h in holders:
        if h["country"] in countries:
            add(h["country"], "national_statistics", h["id"], "inventory", h["access"], ACCESS_STATUS[h["access"]],
                h["agency"], " | ".join(_citation(c) for c in h["citations"]))
    if literature_tags is not None:
        per_country = literature_tags[literature_tags["country"] != ""].groupby("country")["key"].nunique()
        for country in countries:
            add(country, "literature", "config/literature", "literature", "public", "public",
                "Public reference list and tag sheet of the literature review (references tagged with the country)",
                n_items=int(per_country.get(country, 0)))
    table = pd.DataFrame(rows, columns=MATRIX_COLUMNS)
    present = set(zip(table["country"], table["evidence_type"], strict=True))
    for country in countries:
        for evidence in evidence_types:
            if (country, evidence) not in present:
                add(country, evidence, "", "none", "none", "none documented",
                    "No registered source and no inventory entry (no public document found so far)")
    out = pd.DataFrame(rows, columns=MATRIX_COLUMNS)
    out["n_items"] = out["n_items"].astype("Int64")
    return out


def cell_text(group: pd.DataFrame) -> str:
    """The short text of one figure cell: each status present, with how many entries have it."""
    lines = []
    for status in STATUSES:
        part = group[group["status"] == status]
        if part.empty:
            continue
        label = status.replace("restricted: ", "restricted:\n")  # two short lines fit a cell at 6 pt
        if part["kind"].iloc[0] == "literature":
            n = int(part["n_items"].fillna(0).sum())
            lines.append(f"public: {n} ref{'s' if n != 1 else ''}")
        elif status == "none documented":
            lines.append("none documented")
        elif len(part) > 1:
            lines.append(f"{label} \u00d7{len(part)}")
        else:
            lines.append(label)
    return "\n".join(lines)


def figure(table: pd.DataFrame, country_names: dict, evidence_labels: dict, stem, data_label: str | None = None
           ) -> pd.DataFrame:
    """Availability matrix: evidence types (rows) x study countries (columns); a cell is coloured by its
    most open entry and lists every status it holds (a restricted source always shows)."""
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    from . import figures

    colours = {"public": "#2166ac", "on request": "#67a9cf", "restricted: supplied": "#fddbc7",
               "restricted: not supplied": "#f4a582", "unknown": "#d9d9d9", "none documented": "#ffffff"}
    countries = [c for c in country_names if c in set(table["country"])]
    evidence = [e for e in evidence_labels if e in set(table["evidence_type"])]
    data = []
    with plt.rc_context(figures.STYLE):
        fig, ax = plt.subplots(figsize=(figures.FULL, 0.62 * len(evidence) + 1.6))
        fig.subplots_adjust(left=0.17, right=0.995, top=0.86, bottom=0.17)
        for r, ev in enumerate(evidence):
            for c, country in enumerate(countries):
                group = table[(table["country"] == country) & (table["evidence_type"] == ev)]
                top = next(s for s in STATUSES if s in set(group["status"]))
                text = cell_text(group)
                data.append({"evidence_type": ev, "country": country, "top_status": top,
                             "text": text.replace("\n", "; ")})
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor=colours[top], edgecolor="white", lw=1.5,
                                       hatch="///" if top == "none documented" else None))
                ax.text(c + 0.5, r + 0.5, text, ha="center", va="center", fontsize=6, linespacing=1.15,
                        color="white" if top == "public" else "#222222")
        ax.set_xlim(0, len(countries))
        ax.set_ylim(len(evidence), 0)
        ax.set_xticks([c + 0.5 for c in range(len(countries))], [country_names[c] for c in countries], fontsize=7)
        ax.xaxis.tick_top()
        ax.set_yticks([r + 0.5 for r in range(len(evidence))],
                      [textwrap.fill(evidence_labels[e], 22) for e in evidence], fontsize=7)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        used = [s for s in STATUSES if s in {d["top_status"] for d in data} or s in set(table["status"])]
        fig.legend(handles=[Patch(facecolor=colours[s], edgecolor="#999999", hatch="///" if s == "none documented"
                                  else None, label=s) for s in used],
                   loc="lower center", ncol=len(used), fontsize=6.5, frameon=False, bbox_to_anchor=(0.5, 0.075))
        figures._title(fig, "What data exist: evidence type by study country and access", data_label)
        figures._footer(fig, "A cell lists every registered source and documented database of its kind, by access; "
                        "its colour is the most open one. Restricted sources are shown whether or not they were "
                        "supplied to this run. Sources: the study's inventory of data holders (each entry cites public "
                        "documents), the source registry, the literature review's tags.", data_label)
        figures.save(fig, stem, table)
    return pd.DataFrame(data)
