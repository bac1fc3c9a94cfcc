"""The literature review as data: a reference list and a tag sheet, validated, and the evidence map they give.

``config/literature/references.bib`` (or a CSL-JSON export of the same list) holds the works;
``config/literature/tags.csv`` says, one row per (key, route, country, topic), what each work covers,
in the code book's codes. :func:`evidence_map` counts distinct references per topic x study route and
:func:`figure` draws it. Everything here is public evidence: nothing is disclosure-controlled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .errors import InputError

REFERENCE_COLUMNS = ["key", "type", "title", "author", "year", "venue", "doi", "url"]
TAG_COLUMNS = ["key", "route", "country", "topic", "evidence_type", "year"]
REJECT_COLUMNS = ["raw_file", "raw_row", "column", "value", "reason", "detail"]
REFERENCES_SCHEMA = pa.schema([(c, pa.int64() if c == "year" else pa.string()) for c in REFERENCE_COLUMNS])
TAGS_SCHEMA = pa.schema([*((c, pa.int64() if c == "year" else pa.string()) for c in TAG_COLUMNS),
                         ("raw_file", pa.string()), ("raw_row", pa.int64())])
TAG_REJECTS_SCHEMA = pa.schema([(c, pa.int64() if c == "raw_row" else pa.string()) for c in REJECT_COLUMNS])
EVIDENCE_MAP_SCHEMA = pa.schema([("topic", pa.string()), ("route", pa.string()), ("n_references", pa.int64()),
                                 ("keys", pa.string())])
STUDY_ROUTES = ("central_mediterranean", "western_mediterranean", "western_african")
YEARS = (1990, 2030)  # a tagged work outside this window is a typing error, not an early or future work

# CSL item types -> the BibTeX entry types the .bib uses, so both formats give the same table.
CSL_TYPES = {"article-journal": "article", "article": "article", "book": "book", "report": "techreport",
             "chapter": "incollection", "paper-conference": "inproceedings", "thesis": "phdthesis",
             "webpage": "misc", "document": "misc"}
# Where each format keeps the venue, in order of preference (journal for articles, else the publisher).
BIB_VENUE = ("journal", "booktitle", "institution", "publisher")
CSL_VENUE = ("container-title", "publisher")


# ---------------------------------------------------------------------------------------------- references

def read_references(path) -> pd.DataFrame:
    """The reference list as a table (``REFERENCE_COLUMNS``, one row per key, sorted by key).

    ``.bib`` is read with bibtexparser v2, ``.json`` as a list of CSL items. Authors come out as
    ``Family, Given; Family, Given`` (an organisation as its name); editors stand in for authors,
    marked ``(ed.)``/``(eds.)``. A malformed entry, a duplicate key, or an entry without title, year
    or author/editor raises :class:`InputError` naming the file and the place."""
    path = Path(path)
    if path.suffix == ".bib":
        rows = _read_bibtex(path)
    elif path.suffix == ".json":
        rows = _read_csl(path)
    else:
        raise InputError(path, "unknown reference format", value=path.suffix,
                         expected="a BibTeX file (.bib) or a CSL-JSON file (.json)")
    table = pd.DataFrame(rows, columns=REFERENCE_COLUMNS)
    table = table.astype({c: "string" for c in REFERENCE_COLUMNS if c != "year"}).astype({"year": "Int64"})
    return table.sort_values("key", kind="mergesort").reset_index(drop=True)


def _read_bibtex(path: Path) -> list[dict]:
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock

    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    for block in library.failed_blocks:  # bibtexparser counts lines from 0; editors count from 1
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            first = (block.previous_block.start_line or 0) + 1
            raise InputError(path, f"duplicate key {block.key!r} (entries at line {first} and line {line})",
                             where=f"line {line}", expected="each key used by one entry only")
        head = (block.raw or "").strip().splitlines()[0] if (block.raw or "").strip() else ""
        raise InputError(path, "malformed BibTeX entry", where=f"line {line}", value=head,
                         expected="@type{key, field = {value}, ...} with balanced braces and a comma between fields")
    rows = []
    for entry in library.entries:
        fields = {k.lower(): str(f.value) for k, f in entry.fields_dict.items()}
        where = f"line {(entry.start_line or 0) + 1}, entry {entry.key!r}"
        for name, value in fields.items():  # bibtexparser reads a field with no comma after it into the next
            if swallowed := re.search(r"[}\"]\s*\n\s*([A-Za-z][\w-]*)\s*=", value):
                raise InputError(path, f"a comma is missing after this field: the next field, "
                                 f"{swallowed.group(1)!r}, was read into it", where=where, column=name,
                                 expected="a comma between fields")
        names = _bib_names(fields["author"]) if fields.get("author") else None
        if names is None and fields.get("editor"):
            names = _as_editors(_bib_names(fields["editor"]))
        rows.append(_row(path, where, key=entry.key, type=entry.entry_type.lower(), title=fields.get("title"),
                         author=names, year=fields.get("year"),
                         venue=next((fields[v] for v in BIB_VENUE if fields.get(v)), None),
                         doi=fields.get("doi"), url=fields.get("url")))
    return rows


def _read_csl(path: Path) -> list[dict]:
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON: {exc.msg}", where=f"line {exc.lineno}",
                         expected="a CSL-JSON list of items") from None
    if not isinstance(items, list):
        raise InputError(path, "not a CSL-JSON list", value=type(items).__name__, expected="a JSON list of CSL items")
    rows, seen = [], {}
    for i, item in enumerate(items, start=1):
        where = f"item {i}"
        if not isinstance(item, dict) or not item.get("id"):
            raise InputError(path, "CSL item without an id", where=where, expected='an object with "id"')
        key = str(item["id"])
        if key in seen:
            raise InputError(path, f"duplicate key {key!r} (items {seen[key]} and {i})", where=where,
                             expected="each id used by one item only")
        seen[key] = i
        names = _csl_names(path, where, item.get("author"))
        if names is None and item.get("editor"):
            names = _as_editors(_csl_names(path, where, item["editor"]))
        try:
            year = item["issued"]["date-parts"][0][0]
        except (KeyError, IndexError, TypeError):
            year = None
        ctype = str(item.get("type", ""))
        rows.append(_row(path, f"{where}, id {key!r}", key=key, type=CSL_TYPES.get(ctype, ctype),
                         title=item.get("title"), author=names, year=year,
                         venue=next((item[v] for v in CSL_VENUE if item.get(v)), None),
                         doi=item.get("DOI"), url=item.get("URL")))
    return rows


def _row(path, where, **row) -> dict:
    """Check one reference's required fields and normalise its text."""
    for field in ("title", "author", "year"):
        if row[field] in (None, ""):
            raise InputError(path, "missing field", where=where, column=field,
                             expected="title, year and author (or editor) on every reference")
    year = str(row["year"]).strip()
    if not re.fullmatch(r"\d{4}", year):
        raise InputError(path, "year is not a four-digit year", where=where, column="year", value=row["year"],
                         expected="the year of publication, e.g. 2018")
    row["year"] = int(year)
    for field in ("title", "venue"):
        row[field] = _clean(row[field]) if row[field] else None
    if row["doi"]:  # the bare DOI: resolvers and CSL both want it without the https://doi.org/ prefix
        row["doi"] = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", str(row["doi"]).strip(), flags=re.I)
    row["url"] = str(row["url"]).strip() if row["url"] else None
    return row


def _clean(text) -> str:
    """BibTeX markup out of a title or venue: case-protecting braces, ``--``, ``\\&``, runs of spaces."""
    text = str(text).replace("\\&", "&").replace("---", "\u2014").replace("--", "\u2013")
    return " ".join(text.replace("{", "").replace("}", "").split())


def _split_and(value: str) -> list[str]:
    """Split a BibTeX name list on ``and`` outside braces (``{{A and B}}`` is one organisation)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(value):
        ch = value[i]
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and value[i:i + 5].lower() == " and ":
            parts.append(value[start:i])
            start = i = i + 5
            continue
        i += 1
    parts.append(value[start:])
    return [p.strip() for p in parts if p.strip()]


def _bib_names(value: str) -> str:
    names = []
    for name in _split_and(value):
        if name.startswith("{") and name.endswith("}"):
            names.append(_clean(name))  # an organisation: never split into family and given names
        elif "," in name:
            family, _, given = name.partition(",")
            names.append(f"{_clean(family)}, {_clean(given)}" if given.strip() else _clean(family))
        else:
            *given, family = _clean(name).split()
            names.append(f"{family}, {' '.join(given)}" if given else family)
    return "; ".join(names)


def _csl_names(path, where, people) -> str | None:
    if not people:
        return None
    if not isinstance(people, list):
        raise InputError(path, "names are not a list", where=where, expected='[{"family": ..., "given": ...}]')
    names = []
    for person in people:
        if not isinstance(person, dict):
            raise InputError(path, "a name is not an object", where=where, value=person,
                             expected='{"family": ..., "given": ...} or {"literal": ...}')
        if person.get("literal"):
            names.append(_clean(person["literal"]))
        elif person.get("family"):
            given = person.get("given")
            names.append(f"{_clean(person['family'])}, {_clean(given)}" if given else _clean(person["family"]))
        else:
            raise InputError(path, "a name without family or literal", where=where, value=person,
                             expected='{"family": ..., "given": ...} or {"literal": ...}')
    return "; ".join(names)


def _as_editors(names: str) -> str:
    return f"{names} ({'eds.' if ';' in names else 'ed.'})"


# ---------------------------------------------------------------------------------------------- tag sheet

def read_tags(path, references: pd.DataFrame, codebook: dict, countries, *, routes=STUDY_ROUTES,
              resolver=None, label: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate the tag sheet: ``(tags, rejects)``, every data row in exactly one of them.

    ``countries`` are the study countries (config ``countries`` or a list of ISO3); ``label`` is the file's name in the
    lineage columns (default: the path as given; the pipeline passes the repository-relative path, so
    the bytes do not depend on where the clone is). A country may be
    written as ISO3 or a name the resolver maps (``resolver``: a :class:`~medroutes.resolve.CountryResolver`,
    built without aliases when omitted) and is kept as ISO3. Empty ``route`` means the work treats the
    topic on none of the study routes; empty ``country`` means it is not country-specific. A missing
    or unexpected column raises :class:`InputError`; a bad cell rejects its row with a reason code."""
    from .clean import check_row_counts

    path = Path(path)
    label = str(path) if label is None else label
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, "not UTF-8 text", where=f"byte {exc.start}", expected="a UTF-8 CSV file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path, f"not a readable CSV table: {exc}", expected=f"a header row {','.join(TAG_COLUMNS)} "
                         "and one row per tag") from None
    raw.columns = [c.strip() for c in raw.columns]
    missing = [c for c in TAG_COLUMNS if c not in raw.columns]
    extra = [c for c in raw.columns if c not in TAG_COLUMNS]
    if missing or extra:
        raise InputError(path, "missing column" if missing else "unexpected column",
                         column=(missing or extra)[0], value=(extra or None) if missing else None,
                         expected=f"exactly the columns {', '.join(TAG_COLUMNS)}")
    raw = raw[TAG_COLUMNS].apply(lambda s: s.str.strip())

    ref_year = dict(zip(references["key"], references["year"], strict=True))
    topics, evidence = codebook["topics"], codebook["literature_evidence"]
    study = list(countries)
    routes = list(routes)

    kept, rejects, seen = [], [], {}
    for i, rec in enumerate(raw.to_dict("records")):
        raw_row = i + 2  # header = row 1

        def reject(column, reason, detail, rec=rec, raw_row=raw_row):
            rejects.append({"raw_file": label, "raw_row": raw_row, "column": column, "value": rec[column],
                            "reason": reason, "detail": detail})

        for column in ("key", "topic", "evidence_type", "year"):
            if rec[column] == "":
                reject(column, "missing_value", f"{column} is required on every row")
                break
        else:
            if rec["key"] not in ref_year:
                reject("key", "unknown_key", "not a key of the reference list: add the reference first")
            elif rec["route"] and rec["route"] not in routes:
                reject("route", "unknown_route", f"expected one of {', '.join(routes)}, or empty for none")
            elif rec["country"] and (iso := _country(rec["country"], study, resolver)) not in study:
                if iso is None:
                    reject("country", "unknown_country", f"not a country name or code; expected ISO3 of a study "
                           f"country ({', '.join(study)}) or empty")
                else:
                    reject("country", "not_study_country", f"resolves to {iso}, not a study country "
                           f"({', '.join(study)})")
            elif rec["topic"] not in topics:
                reject("topic", "unknown_topic", f"not a code book topic; expected one of {', '.join(topics)}")
            elif rec["evidence_type"] not in evidence:
                reject("evidence_type", "unknown_evidence_type",
                       f"not a code book literature_evidence code; expected one of {', '.join(evidence)}")
            elif not re.fullmatch(r"\d{4}", rec["year"]) or not YEARS[0] <= int(rec["year"]) <= YEARS[1]:
                reject("year", "bad_year", f"expected an integer year within {YEARS[0]}–{YEARS[1]}")
            elif int(rec["year"]) != ref_year[rec["key"]]:
                reject("year", "year_mismatch", f"the reference list gives {ref_year[rec['key']]} for "
                       f"{rec['key']!r}")
            else:
                row = {**rec, "country": _country(rec["country"], study, resolver) if rec["country"] else "",
                       "year": int(rec["year"])}
                ident = (row["key"], row["route"], row["country"], row["topic"])
                if ident in seen:  # a repeated tag would not change the map, but it hides a typing slip
                    reject("key", "duplicate_row", f"same key, route, country and topic as row {seen[ident]}")
                else:
                    seen[ident] = raw_row
                    kept.append({**row, "raw_file": label, "raw_row": raw_row})

    tags = pd.DataFrame(kept, columns=[*TAG_COLUMNS, "raw_file", "raw_row"]).astype(
        {"year": "int64", "raw_row": "int64"})
    rejects = pd.DataFrame(rejects, columns=REJECT_COLUMNS).astype({"raw_row": "int64"})
    check_row_counts(len(raw), len(tags), rejects["reason"])
    return tags, rejects


def _country(value: str, study: list[str], resolver) -> str | None:
    if value.upper() in study:  # the common case needs no resolver (country_converter is slow to load)
        return value.upper()
    if resolver is None:
        from .resolve import CountryResolver

        resolver = CountryResolver({})
    return resolver.one(value)


# ---------------------------------------------------------------------------------------------- evidence map

def evidence_map(tags: pd.DataFrame, topics: dict, routes: list[str], *, unrouted: bool = False) -> pd.DataFrame:
    """Topics x routes, in the given orders, with every pair present: the number of distinct references
    tagged there (``n_references``, zeros included) and their keys (sorted, ``"; "``-joined). A work
    tagged for one topic and route on several countries counts once. Tags on no study route are left
    out, unless ``unrouted``: then they form one more column, route ``""`` (EU-wide or global works),
    so that a topic the literature treats only across routes does not read as unstudied."""
    routes = [*routes, ""] if unrouted else list(routes)
    t = tags[tags["route"].isin(routes) & tags["topic"].isin(list(topics))]
    keys = t.groupby(["topic", "route"])["key"].agg(lambda s: sorted(set(s))).to_dict()
    rows = [{"topic": topic, "route": route, "n_references": len(keys.get((topic, route), [])),
             "keys": "; ".join(keys.get((topic, route), []))} for topic in topics for route in routes]
    return pd.DataFrame(rows, columns=["topic", "route", "n_references", "keys"]).astype({"n_references": "int64"})


def figure(evmap: pd.DataFrame, topic_labels: dict, route_labels: dict, stem, data_label: str | None = None
           ) -> pd.DataFrame:
    """Heatmap of the evidence map: topics (rows) x routes (columns), the count written in each cell.

    A route ``""`` column (``evidence_map(..., unrouted=True)``) is drawn last, set apart, and labelled
    ``route_labels[""]`` or "Not route-specific"."""
    import textwrap

    import matplotlib.pyplot as plt
    import numpy as np

    from . import figures

    # code book and config order (the stored table is sorted by its key)
    present_t, present_r = set(evmap["topic"]), set(evmap["route"])
    topics = [t for t in topic_labels if t in present_t] + sorted(present_t - set(topic_labels))
    routes = [r for r in route_labels if r in present_r] + sorted(present_r - set(route_labels) - {""})
    routes += [""] if "" in present_r else []
    counts = evmap.pivot(index="topic", columns="route", values="n_references").loc[topics, routes].to_numpy()
    n_refs = len({k for ks in evmap["keys"] for k in ks.split("; ") if k})
    top = max(int(counts.max()), 1)
    with plt.rc_context(figures.STYLE):
        labels = {"": "Not route-specific", **route_labels}
        fig, axes = figures.new_figure(figures.FULL, 0.24 * len(topics) + 1.5)
        ax = axes[0][0]
        ax.imshow(counts, cmap="Blues", vmin=0, vmax=top * 1.15, aspect="auto")  # headroom: top cell not black
        for (r, c), n in np.ndenumerate(counts):
            ax.text(c, r, str(n), ha="center", va="center", fontsize=7,
                    color="white" if n > 0.6 * top else ("#222222" if n else "#888888"))
        figures.cell_grid(ax, [topic_labels.get(t, t) for t in topics],
                          [textwrap.fill(labels.get(r, r), 14) for r in routes], fontsize=7)
        if "" in routes:  # a wider gap before the across-routes column: it is not a fourth route
            ax.axvline(routes.index("") - 0.5, color="white", lw=6)
        unshown = "" if "" in routes else " Tags on no particular study route (EU-wide or global works) are not shown."
        figures.frame(fig, "Published evidence by topic and route: number of references",
                      "A cell counts the distinct references tagged with the topic on the route; one reference "
                      f"can count in several cells ({n_refs} references in all).{unshown} Source: literature "
                      "review (public works).", data_label)
        figures.save(fig, stem, evmap)
    return evmap
