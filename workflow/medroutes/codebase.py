"""Which code an output depends on, and one hash of it.

Snakemake's own ``code`` trigger sees only a rule's script, never the package it imports, so each
generated rule carries a *code key* as a param: a sha256 over the files of every project module the
step imports (transitively, function-local imports included, read with ``ast`` so nothing is
imported at parse time) and the versions of the third-party distributions those modules import.
Edit a module and exactly the outputs whose code includes it get a new key and rerun.

The data dictionary depends only on declarations (schemas, keys, docstrings): for it,
:func:`declarations_sha256` hashes a module with every function body left out.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata as md
import platform
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "medroutes"
PACKAGE_DIR = Path(__file__).resolve().parent  # workflow/medroutes
REPO = PACKAGE_DIR.parents[1]
KEY_PREFIX = "medroutes-code:"  # marks the code-key param in Snakemake's job records


def module_file(name: str) -> Path | None:
    """The file of project module ``name`` (``medroutes.x.y``), or None if it is not one."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def module_name(path: Path) -> str:
    rel = Path(path).resolve().relative_to(PACKAGE_DIR).with_suffix("")
    parts = [PACKAGE, *rel.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_bytes(), filename=str(path))


@functools.cache
def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Parsing every module on each Snakefile parse costs most of a second: results are kept in a cache
# file keyed by each file's sha256 and the package's file layout (which names are modules), so a
# stale entry cannot be read. Optional: without use_cache() everything is computed afresh.
_cache: dict = {"path": None, "entries": {}, "dirty": False}


def use_cache(path: Path) -> None:
    import json

    _cache.update(path=Path(path), dirty=False, entries={})
    try:
        _cache["entries"] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass


def save_cache() -> None:
    import json
    import os

    if _cache["path"] is None or not _cache["dirty"]:
        return
    path = _cache["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(_cache["entries"], sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    _cache["dirty"] = False


@functools.cache
def _layout() -> str:
    names = sorted(p.relative_to(PACKAGE_DIR).as_posix() for p in PACKAGE_DIR.rglob("*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def _cached(path: Path, kind: str, compute):
    key = f"{file_sha256(path)}:{_layout()}"
    entry = _cache["entries"].setdefault(key, {})
    if kind not in entry:
        entry[kind] = compute()
        _cache["dirty"] = _cache["path"] is not None
    return entry[kind]


@functools.cache
def direct_imports(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(project modules, third-party top-level names) that the module at ``path`` imports anywhere."""
    project, others = _cached(path, "imports", lambda: [list(x) for x in _direct_imports(path)])
    return tuple(project), tuple(others)


def _direct_imports(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    project, others = set(), set()

    def add(mod: str) -> None:
        if mod.split(".")[0] == PACKAGE:
            if module_file(mod):
                project.add(mod)
        elif mod and mod.split(".")[0] not in sys.stdlib_module_names:
            others.add(mod.split(".")[0])

    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            add(mod)
            for alias in node.names:  # `from . import x` names a submodule
                if module_file(f"{mod}.{alias.name}"):
                    add(f"{mod}.{alias.name}")
    return tuple(sorted(project)), tuple(sorted(others))


def _with_parents(mod: str) -> list[str]:
    # importing a.b.c runs a/__init__.py and a/b/__init__.py first
    parts = mod.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


@functools.cache
def _distributions() -> dict[str, list[str]]:
    return md.packages_distributions()  # reads every installed package's file list: slow, so last resort


@functools.cache
def _dists_of(import_name: str) -> tuple[tuple[str, str], ...]:
    """(distribution, version) pairs that provide top-level module ``import_name``."""
    for guess in (import_name, f"py{import_name}"):  # pandas -> pandas, yaml -> PyYAML
        try:
            dist = md.distribution(guess)
        except md.PackageNotFoundError:
            continue
        top = (dist.read_text("top_level.txt") or "").split()
        if not top or import_name in top:
            return ((dist.metadata["Name"].lower(), dist.version),)
    return tuple((d.lower(), md.version(d)) for d in _distributions().get(import_name, []))


def distribution_versions(import_names) -> dict[str, str]:
    return dict(sorted(pair for name in import_names for pair in _dists_of(name)))


@dataclass(frozen=True)
class Code:
    """The code an output depends on: project files (repository-relative, with sha256) and packages."""

    modules: dict[str, str]
    packages: dict[str, str]
    declarations: dict[str, str] = field(default_factory=dict)  # module -> declarations_sha256

    @property
    def key(self) -> str:
        h = hashlib.sha256()
        for rel, sha in sorted(self.modules.items()):
            h.update(f"{rel}\0{sha}\n".encode())
        for rel, sha in sorted(self.declarations.items()):
            h.update(f"decl:{rel}\0{sha}\n".encode())
        for dist, version in sorted(self.packages.items()):
            h.update(f"pkg:{dist}\0{version}\n".encode())
        return KEY_PREFIX + h.hexdigest()


@functools.cache
def closure(*roots: str) -> tuple[frozenset[str], frozenset[str]]:
    """(project modules, third-party import names) that importing ``roots`` can run, transitively."""
    seen: set[str] = set()
    third: set[str] = set()
    todo = [m for r in roots for m in _with_parents(r)]
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        path = module_file(mod)
        if path is None:
            raise ValueError(f"{mod}: not a module of the {PACKAGE} package")
        project, others = direct_imports(path)
        third.update(others)
        todo += [m for p in project for m in _with_parents(p)]
    return frozenset(seen), frozenset(third)


def rel(mod: str) -> str:
    return module_file(mod).relative_to(REPO).as_posix()


@functools.cache
def code_of(*roots: str, declarations_of: tuple[str, ...] = ()) -> Code:
    """The code of modules ``roots``: every project file they import (sha256) and the versions of the
    packages those import; plus, for ``declarations_of``, the declarations of their closure only."""
    seen, third = closure(*roots)
    modules = {rel(m): file_sha256(module_file(m)) for m in seen}
    decl = {}
    if declarations_of:
        decl_mods, _ = closure(*declarations_of)
        decl = {rel(m): declarations_sha256(module_file(m)) for m in decl_mods - seen}
    return Code(dict(sorted(modules.items())), distribution_versions(sorted(third)), dict(sorted(decl.items())))


@functools.cache
def declarations_sha256(path: Path) -> str:
    """sha256 of a module's declarations: its source with every function body removed."""
    return _cached(Path(path), "declarations", lambda: _declarations_sha256(Path(path)))


def _declarations_sha256(path: Path) -> str:
    tree = _parse(Path(path))
    stripped = ast.parse(ast.unparse(tree))  # a copy to edit
    for node in ast.walk(stripped):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            node.body = [ast.Expr(ast.Constant(...))]
    return hashlib.sha256(ast.dump(stripped).encode()).hexdigest()


def current_sha256(rel: str) -> str | None:
    """sha256 of repository file ``rel`` in this checkout, or None if it does not exist."""
    path = REPO / rel
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


# --- the versions a release records -------------------------------------------------------------

def _dependency_names() -> list[str]:
    # pyproject.toml is the source of truth in a checkout; rule envs (conda) import medroutes from
    # the repository without installing it, so the distribution metadata may be absent there.
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.is_file():
        reqs = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    else:
        try:
            reqs = [r for r in md.requires("medroutes") or [] if "extra ==" not in r]
        except md.PackageNotFoundError:
            reqs = []
    return [m.group(0) for r in reqs if (m := re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r))]


def packages() -> dict[str, str]:
    """Installed versions of the project's direct dependencies, plus Python and medroutes."""
    out = {"python": platform.python_version()}
    for name in [*_dependency_names(), "medroutes"]:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "not installed"
    return dict(sorted(out.items()))


def code_version(repo_dir) -> str:
    """``git describe --always --dirty`` of ``repo_dir``, or "unknown" (no git, not a repository)."""
    try:
        res = subprocess.run(["git", "-C", str(repo_dir), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return res.stdout.strip() if res.returncode == 0 and res.stdout.strip() else "unknown"
