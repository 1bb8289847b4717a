"""The shape of the package: the stages import only earlier stages (no cycle, also not
through imports inside functions), WeasyPrint is touched by one boundary only (the
package ``render/weasy/``, which the rest imports as one module), importing changes
nothing, and a build does each piece of work once per handout."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE, copy_project

PACKAGE = ROOT / "leaflet"
# In the order data flows; the root modules (project, errors…) come before all of them.
STAGES = ["", "source", "render", "check", "build", "site"]
BOUNDARY = "leaflet.render.weasy"  # a package: it and its submodules are the one boundary
MAX_LINES = 400


def in_boundary(name: str) -> bool:
    return name == BOUNDARY or name.startswith(BOUNDARY + ".")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every leaflet module ``name`` imports, anywhere in the file (inside functions and
    ``if TYPE_CHECKING:`` too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from . import x`` names a module when x is one
            found |= {f"{target}.{a.name}" if f"{target}.{a.name}" in known else target for a in node.names}
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def stage(name: str) -> int:
    parts = name.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else 0


def test_the_import_graph_has_no_cycle():
    edges = graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target, path + [target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


def test_stages_import_only_earlier_stages():
    upward = [f"{source} → {target}" for source, targets in graph().items() for target in targets
              if stage(target) > stage(source)]
    assert upward == []


def test_the_graph_is_what_the_readme_draws():
    """The drawing in the README lists each stage's modules; keep it true."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    drawing = readme.split("<!-- import graph -->", 2)[1]
    for name in modules():
        short = name.removeprefix("leaflet.").replace(".", "/")
        if name != "leaflet" and not short.endswith("__init__"):
            leaf = short.rsplit("/", 1)[-1]
            assert re.search(rf"\b{re.escape(leaf)}\b", drawing), f"{name} is missing from the README's drawing"


def test_only_the_boundary_imports_weasyprint():
    offenders = []
    # _code_only() spaces the tokens out: "page . _page_box"
    private = re.compile(r"\.\s*_page_box\b|\bget_color\s*\(|\bffi\s*\.|\bpango\s*\.|\.\s*_folder\b"
                         r"|\.\s*font_config\b|\badd_font_face\b|\bFontConfiguration\b|formatting_structure"
                         r"|\badd_tags\b|\.\s*_tags\b|\.\s*_box\b|(?<!weasy)\s\.\s*link_annotation\b")
    for name, path in modules().items():
        if in_boundary(name):
            continue
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            offenders += [f"{name}: import {n}" for n in names if n.split(".")[0] == "weasyprint"]
        offenders += [f"{name}: {m.group()}" for m in private.finditer(_code_only(text))]
    assert offenders == []


def test_the_boundary_is_one_module_to_the_rest():
    """Outside the boundary, ``render.weasy`` is imported, never one of its submodules
    (their split is the boundary's own business); everything a submodule offers is
    offered by the package; a submodule imports nothing of ours beyond the boundary but
    the errors and the engine set-up it builds on."""
    known = modules()
    edges = graph()
    boundary = {name for name in known if in_boundary(name)}
    assert len(boundary) > 1 and BOUNDARY in boundary  # a package, with its submodules
    reaching_in = [f"{source} → {target}" for source, targets in edges.items() if not in_boundary(source)
                   for target in targets if in_boundary(target) and target != BOUNDARY]
    assert reaching_in == []
    allowed = {"leaflet.errors", "leaflet.render.engine", "leaflet.render.fonts"}
    reaching_out = [f"{source} → {target}" for source in boundary for target in edges[source]
                    if not in_boundary(target) and target not in allowed]
    assert reaching_out == []
    import importlib

    package = importlib.import_module(BOUNDARY)
    for name in sorted(boundary - {BOUNDARY}):
        offered = getattr(importlib.import_module(name), "__all__", None)
        assert offered, f"{name} says what it offers (__all__)"
        assert set(offered) <= set(package.__all__), f"{name}: {set(offered) - set(package.__all__)}"


def _code_only(text: str) -> str:
    """The source without comments and string literals (docstrings may name anything)."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return " ".join(t.string for t in tokens if t.type not in (tokenize.COMMENT, tokenize.STRING))


def test_no_module_is_too_long():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_importing_any_module_changes_nothing(tmp_path):
    """No module does work when imported: no environment variable set, no file written
    (the scratch folder, fontconfig's configuration), no exit handler registered."""
    names = sorted(modules())
    code = textwrap.dedent(f"""
        import atexit, os, sys
        import click, jinja2, markdown, yaml, budoux, fontTools.ttLib, PIL.Image, pypdfium2, rich, watchfiles
        import weasyprint  # its own import-time work is not ours
        import pikepdf  # registers exit handlers of its own (the press rule reads PDFs with it)
        before = (dict(os.environ), atexit._ncallbacks(), sorted(os.listdir({str(tmp_path)!r})))
        for name in {names!r}:
            __import__(name)
        after = (dict(os.environ), atexit._ncallbacks(), sorted(os.listdir({str(tmp_path)!r})))
        print(before == after, after[0].keys() - before[0].keys(), after[1] - before[1], after[2])
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("FONTCONFIG_FILE", "MAKE_PDF_SCRATCH")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**env, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "True", done.stdout


def test_the_main_process_of_a_parallel_build_does_not_import_weasyprint(tmp_path):
    """Workers render; the main process plans, unpickles their results and writes the
    catalog, none of which needs WeasyPrint (≈0.4 s to import)."""
    project = copy_project(tmp_path / "proj", with_handouts=True)
    code = textwrap.dedent("""
        import sys
        sys.argv = ["make_pdf", "build", "--force", "--jobs", "2", "--project", sys.argv[1]]
        import make_pdf
        try:
            make_pdf.cli()
        except SystemExit as done:
            assert not done.code, done.code
        print(sorted(m for m in ("weasyprint", "pypdfium2") if m in sys.modules))
    """)
    done = subprocess.run([sys.executable, "-c", code, str(project.root)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "作成: out/knee/faq.pdf" in done.stdout and (project.out / "index.html").is_file()
    assert done.stdout.rstrip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_a_build_reads_lays_out_and_writes_each_handout_once(tmp_path, monkeypatch):
    """Building the sample (with --html and the catalog): each handout's front matter is
    parsed once, it is converted once, filled into its template once and laid out by
    WeasyPrint once — that one layout gives the PDF, the HTML and the thumbnail."""
    import leaflet.build.pipeline
    import leaflet.render.page as page
    import leaflet.site.inventory  # noqa: F401
    import leaflet.source.frontmatter as frontmatter
    import leaflet.source.load as loading
    from leaflet.render import weasy
    from leaflet.site.publish import build_with_catalog

    project = copy_project(tmp_path / "proj", with_handouts=True)
    counts: dict[str, list[str]] = {"split": [], "load": [], "template": [], "layout": []}

    def counting(key: str, real, name_of):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            counts[key].append(name_of(*args, **kwargs))
            return real(*args, **kwargs)
        return wrapper

    real_split, real_load = frontmatter.split, loading.load
    for module in [m for n, m in sys.modules.items() if n.startswith("leaflet")]:
        if getattr(module, "split", None) is real_split:
            monkeypatch.setattr(module, "split", counting("split", real_split, lambda text, shown: shown))
        if getattr(module, "load", None) is real_load:
            monkeypatch.setattr(module, "load", counting("load", real_load, lambda p, file, *a: file.name))
    monkeypatch.setattr(page, "render_html", counting("template", page.render_html, lambda p, h, e: h.name))
    monkeypatch.setattr(weasy.HTML, "render", counting("layout", weasy.HTML.render, lambda self, **k: "doc"))
    results = build_with_catalog(project, project.all_handouts(), html=True)
    assert all(r.ok for r in results) and len(results) == 3
    expected = {"split": 3, "load": 3, "template": 3, "layout": 3}
    assert {key: len(calls) for key, calls in counts.items()} == expected, counts
    assert len(list(project.out.rglob("*.html"))) == 5  # three handouts, the catalog and the print guide
    assert len(list((project.out / ".thumbs").rglob("*.png"))) == 3


@pytest.mark.parametrize("pattern", [r"ROOT\s*/\s*[\"'](handouts|clinic\.yaml|readings\.yaml)",
                                     r"Project\.at\(\s*ROOT\b"])
def test_no_test_reads_the_clinics_own_content(pattern):
    """Tests run on tests/fixtures/sample/ (see conftest), never on the live handouts/,
    clinic.yaml or readings.yaml, which a clinic edits."""
    found = [f"{path.name}:{n}" for path in sorted((ROOT / "tests").glob("*.py")) if path.name != Path(__file__).name
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if re.search(pattern, line)]
    assert found == []
    assert (SAMPLE / "handouts").is_dir() and (SAMPLE / "clinic.yaml").is_file()
