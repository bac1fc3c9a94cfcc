"""Review notebooks: run a jupytext percent-format ``.py`` as a notebook and write it as HTML.

The ``.py`` file in ``notebooks/`` is the one kept in git. It is read into a notebook in memory,
its parameters are injected after the cell tagged ``parameters`` (papermill's convention, so the
same files also run under papermill), every cell is executed by a kernel on *this* Python
interpreter (never a kernelspec found on the machine), and the result is exported with nbconvert's
``lab`` template into one self-contained HTML file.

Same inputs give the same HTML bytes: cell ids are numbered instead of random, execution timings
are not recorded, the kernel starts with an empty IPython profile (no user start-up scripts), and
the page loads no script from the network (no MathJax, RequireJS or Mermaid from a CDN).
"""

from __future__ import annotations

import ast
import os
import re
import sys
import tempfile
from pathlib import Path

from .errors import MedroutesError
from .io import atomic_path
from .log import get_logger

log = get_logger(__name__)

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_MARKER = re.compile(r"^# %%")
_MAX_IPC_PATH = 90  # leaves room for the "-<port>" suffix within the 107-byte limit of a unix socket path
_PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the folder holding the medroutes package

# nbconvert's lab template without the <script> tags that fetch code from a CDN: the page is read
# offline, and has no maths, widgets or diagrams to render.
_TEMPLATE = "medroutes_offline.html.j2"
_TEMPLATE_SOURCE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


class NotebookError(MedroutesError):
    """A review notebook that cannot be read, parameterised or executed."""


def read_percent(notebook_py: Path):
    """The notebook a jupytext percent-format file describes, with numbered (not random) cell ids."""
    import jupytext

    try:
        nb = jupytext.reads(Path(notebook_py).read_text(encoding="utf-8"), fmt="py:percent")
    except FileNotFoundError:
        raise NotebookError(f"{notebook_py}: notebook not found") from None
    _number_cells(nb)
    return nb


def _number_cells(nb) -> None:
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"


def _literal(name: str, value) -> str:
    if not name.isidentifier():
        raise NotebookError(f"parameter name {name!r} is not a Python identifier")
    text = repr(value)
    try:
        same = ast.literal_eval(text) == value
    except (ValueError, SyntaxError):
        same = False
    if not same:
        raise NotebookError(f"parameter {name}: {value!r} is not a plain literal (str, number, bool, None, "
                            "list, tuple or dict of them)")
    return f"{name} = {text}"


def inject_parameters(nb, params: dict) -> None:
    """Add a cell tagged ``injected-parameters`` after the ``parameters`` cell (at the top if none)."""
    import nbformat

    if not params:
        return
    source = "# Parameters (injected by medroutes.notebooks)\n" + "\n".join(
        _literal(k, v) for k, v in params.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    tagged = [i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    nb.cells.insert(tagged[0] + 1 if tagged else 0, cell)
    _number_cells(nb)


def _cell_lines(notebook_py: Path, nb) -> dict[int, int]:
    """Cell index -> line of its ``# %%`` marker in the .py file (where the markers can be matched)."""
    lines = Path(notebook_py).read_text(encoding="utf-8").splitlines()
    markers = [n for n, line in enumerate(lines, start=1) if _MARKER.match(line)]
    own = [i for i, c in enumerate(nb.cells) if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    if len(markers) != len(own):
        return {}
    return dict(zip(own, markers, strict=True))


def _project_kernel_manager():
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ProjectKernelManager(AsyncKernelManager):
        """A kernel on the interpreter that runs the pipeline, whatever kernelspecs the machine has."""

        @property
        def kernel_spec(self):
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name="Python 3 (medroutes)", language="python", metadata={})

    return ProjectKernelManager


def _client(nb, *, timeout: int, connection_file: Path):
    from nbclient import NotebookClient

    manager_class = _project_kernel_manager()

    # IPC (unix sockets in a private temporary folder) rather than TCP ports: nothing listens on the
    # network. A socket path must stay under ~107 bytes; under a deep TMPDIR fall back to TCP on loopback.
    ipc = str(connection_file.with_name("ipc"))
    channel = {"transport": "ipc", "ip": ipc} if len(ipc) <= _MAX_IPC_PATH else {"transport": "tcp",
                                                                                 "ip": "127.0.0.1"}

    class Client(NotebookClient):
        def create_kernel_manager(self):
            self.km = manager_class(kernel_name="python3", connection_file=str(connection_file), **channel)
            return self.km

    return Client(nb, timeout=timeout, startup_timeout=120, kernel_name="python3", record_timing=False,
                  allow_errors=False, store_widget_state=False)


def execute(nb, *, cwd: Path, timeout: int = 600, name: str = "notebook", cell_lines: dict | None = None):
    """Run every cell of ``nb`` in place; a failing cell raises NotebookError naming ``name`` and the cell."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    failed: dict = {}
    with tempfile.TemporaryDirectory(prefix="medroutes-kernel-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ,
               "IPYTHONDIR": str(tmp / "ipython"),  # no user profile or start-up scripts
               "MPLCONFIGDIR": str(tmp / "matplotlib"),
               "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # quiets debugpy's frozen-modules warning
               "PYTHONHASHSEED": "0",
               # the kernel imports medroutes from this checkout, as the rules' scripts do
               "PYTHONPATH": os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))}
        client = _client(nb, timeout=timeout, connection_file=tmp / "kernel.json")
        client.on_cell_error = lambda cell, cell_index, execute_reply: failed.update(index=cell_index)
        client.on_cell_start = lambda cell, cell_index: failed.update(started=cell_index)
        try:
            client.execute(cwd=str(cwd), env=env)
        except CellExecutionError as exc:
            index = failed.get("index", failed.get("started"))
            raise NotebookError(_cell_message(name, nb, index, cell_lines, f"{exc.ename}: {exc.evalue}",
                                              _ANSI.sub("", str(exc)))) from None
        except (CellTimeoutError, DeadKernelError) as exc:
            index = failed.get("started")
            raise NotebookError(_cell_message(name, nb, index, cell_lines, type(exc).__name__,
                                              _ANSI.sub("", str(exc)))) from None
    return nb


def _cell_message(name: str, nb, index, cell_lines: dict | None, error: str, detail: str) -> str:
    if index is None:
        return f"{name}: {error}\n{detail}"
    cell = nb.cells[index]
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    where = f"cell {index + 1} of {len(nb.cells)}"
    line = (cell_lines or {}).get(index)
    if line:
        where += f" (line {line})"
    elif INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
        where += " (the injected parameters)"
    return f"{name}: {where} failed: {error}\n  cell begins: {first}\n{detail}"


def to_html(nb, name: str) -> str:
    """The executed notebook as one HTML page (nbconvert lab template, no network scripts)."""
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    exporter = HTMLExporter(template_name="lab", extra_loaders=[jinja2.DictLoader({_TEMPLATE: _TEMPLATE_SOURCE})])
    exporter.template_file = _TEMPLATE
    # The kernel flushes stdout on a timer, so under load one print may arrive as two stream messages
    # ("text", then "\n") and render as two blocks; merging consecutive streams keeps the page's bytes
    # independent of timing.
    exporter.register_preprocessor(CoalesceStreamsPreprocessor, enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return body


def execute_to_html(notebook_py, html_out, params: dict, *, timeout: int = 600, cwd=None) -> Path:
    """Read a percent-format notebook, inject ``params``, execute it, and write ``html_out`` atomically.

    ``cwd`` (default: the current directory) is the kernel's working directory, so relative paths in
    ``params`` (such as the release directory Snakemake passes) resolve as they do for the pipeline.
    """
    notebook_py, html_out = Path(notebook_py), Path(html_out)
    cwd = Path(cwd) if cwd is not None else Path.cwd()
    name = str(notebook_py)
    nb = read_percent(notebook_py)
    inject_parameters(nb, dict(params))
    lines = _cell_lines(notebook_py, nb)  # after injection, which shifts the cells below it
    log.info("%s: executing %d cells in %s with %s", name, len(nb.cells), cwd, params)
    execute(nb, cwd=cwd, timeout=timeout, name=name, cell_lines=lines)
    html = to_html(nb, notebook_py.stem)
    with atomic_path(html_out) as tmp:
        tmp.write_text(html, encoding="utf-8")
    log.info("%s: wrote %s (%d bytes)", name, html_out, len(html.encode("utf-8")))
    return html_out


# -- helpers the notebooks themselves call -------------------------------------------------------

RELEASE_ENV = "MEDROUTES_RELEASE_DIR"


def locate_release(release_dir=None, start=None) -> Path:
    """The release folder a notebook reviews.

    In order: ``release_dir`` (the pipeline passes it), the environment variable
    MEDROUTES_RELEASE_DIR, or the release configured in the nearest ``config/config.yaml`` at or above
    ``start`` (default: the current directory), as ``<out_dir>/<release>`` beside that config folder.
    The path is returned as given (relative stays relative), so the pages show no machine's paths.
    """
    if release_dir is None and os.environ.get(RELEASE_ENV):
        release_dir = os.environ[RELEASE_ENV]
    if release_dir is None:
        import yaml

        here = Path(start) if start is not None else Path(".")
        for base in (here, *[here / ("../" * n) for n in range(1, 4)]):
            cfg = base / "config" / "config.yaml"
            if cfg.is_file():
                config = yaml.safe_load(cfg.read_text(encoding="utf-8"))
                release_dir = Path(os.path.normpath(base / config["out_dir"] / str(config["release"])))
                break
        else:
            raise NotebookError(f"no release given: set the notebook's release_dir parameter or {RELEASE_ENV}, "
                                "or open the notebook inside the repository (config/config.yaml names the release)")
    release = Path(release_dir)
    if not release.is_dir():
        raise NotebookError(f"release folder {release} not found (resolved from {Path.cwd()}); "
                            "run the pipeline first, or pass release_dir")
    return release


def read_table(release, relpath: str):
    """A release table as a DataFrame, or None (with a message saying what is skipped) when absent."""
    import pandas as pd

    path = Path(release) / relpath
    if not path.is_file():
        print(f"SKIPPED: {relpath} is not in this release ({path}); the section that needs it is left out.")
        return None
    return pd.read_parquet(path)


def run_step(step, parameters: dict[str, str]) -> None:
    """Execute a notebook step: its ``notebook`` input, parameters taken from its config values (a
    mapping such as ``routes`` or ``countries`` is passed as the list of its codes)."""
    params = {}
    for name, key in parameters.items():
        value = step.config[key]
        params[name] = list(value) if isinstance(value, dict) else value
    execute_to_html(step.input["notebook"], step.output["html"], params)
