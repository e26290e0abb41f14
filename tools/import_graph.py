"""The import graph of lkip_helpers' own modules, and what is wrong with it.

Reads the source with :mod:`ast` only (nothing is imported). Every import of a package
module counts: at module level, inside a function, or under ``if TYPE_CHECKING:``
(listed, but not an import at run time). Reports:

- cycles between modules (at run time);
- layer violations: a module importing from a higher layer (order below, lowest first);
- function-local imports of the package's own modules (an import belongs at the top,
  where the graph shows it), except on the start-up path (:data:`FAST_PATH`);
- old module names (``lkip_helpers.loading``) used inside the package.

    python tools/import_graph.py                 the graph as text, then the problems (exit 1 if any)
    python tools/import_graph.py --dot FILE      also a Graphviz graph (modules clustered by layer)
    python tools/import_graph.py --mermaid FILE  also a Mermaid block (layers and their arrows) for docs
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "lkip_helpers"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# The start-up path: `lkip --help` and an unchanged `lkip build` must not load pandas (~0.5 s),
# so these modules import what loads it inside the function that needs it. Those imports are
# still edges of the graph (cycles and layers are checked on them like on any other).
FAST_PATH = ("cli", "pipeline")

# Lowest first: a module may import from its own layer (without cycles) or from a lower one.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", (PACKAGE, "errors", "paths", "numbers", "capaian", "palette", "files", "locks", "placeholders")),
    ("data", ("data",)),
    ("analysis", ("analysis",)),
    ("report", ("report",)),
    ("notebook", ("notebook",)),
    ("pipeline", ("pipeline",)),
    ("cli", ("cli",)),
)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    local: bool = False  # inside a function
    typing: bool = False  # under ``if TYPE_CHECKING:``: for annotations only
    old_name: bool = False  # through an old flat name (lkip_helpers.MOVED)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def moved(root: Path = ROOT) -> dict[str, str]:
    """The old flat names the package still imports (``MOVED`` in its ``__init__``)."""
    tree = ast.parse((root / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "MOVED" for t in node.targets):
            return ast.literal_eval(node.value)
    return {}


def _resolve(name: str, known: set[str], old: dict[str, str]) -> tuple[str | None, bool]:
    """The package module ``name`` stands for (None when it is not one), and whether an old name was used."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None, False
    was_old = len(parts) > 1 and parts[1] in old and f"{PACKAGE}.{parts[1]}" not in known
    if was_old:
        parts = [PACKAGE, *old[parts[1]].split("."), *parts[2:]]
    while parts:
        if ".".join(parts) in known:
            return ".".join(parts), was_old
        parts = parts[:-1]
    return None, False


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(name: str, path: Path, known: set[str], old: dict[str, str]) -> list[Edge]:
    """The package modules that module ``name`` imports, one edge per imported module and statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    edges: list[Edge] = []

    def targets(node) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        base = node.module or ""
        if node.level:  # relative: from the module's package upwards
            pkg = name.split(".") if is_package else name.split(".")[:-1]
            pkg = pkg[: len(pkg) - (node.level - 1)]
            base = ".".join(pkg + ([node.module] if node.module else []))
        return [f"{base}.{a.name}" for a in node.names] + [base]

    def visit(node, local: bool, typing: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found: dict[str, bool] = {}
                names = targets(child)
                if isinstance(child, ast.ImportFrom):  # `from a import b`: b if it is a module, else a
                    base, subs = names[-1], names[:-1]
                    resolved = [_resolve(s, known, old) for s in subs]
                    picked = [r for r, s in zip(resolved, subs) if r[0] == s or (r[1] and r[0])]
                    picked += [_resolve(base, known, old)] if len(picked) < len(subs) else []
                else:
                    picked = [_resolve(n, known, old) for n in names]
                for target, was_old in picked:
                    if target is not None and target != name:
                        found[target] = found.get(target, False) or was_old
                edges.extend(Edge(name, t, child.lineno, local, typing, o) for t, o in found.items())
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(child, True, typing)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for part in child.body:
                    visit(ast.Module(body=[part], type_ignores=[]), local, True)
                for part in child.orelse:
                    visit(ast.Module(body=[part], type_ignores=[]), local, typing)
            else:
                visit(child, local, typing)

    visit(tree, False, False)
    return edges


def graph(root: Path = ROOT) -> tuple[list[str], list[Edge]]:
    mods = modules(root)
    known, old = set(mods), moved(root)
    return list(mods), [e for m, p in mods.items() for e in imports(m, p, known, old)]


def layer(module: str) -> int | None:
    """Index of the module's layer in :data:`LAYERS` (None when it is in none)."""
    rest = module.split(".")[1:]
    for i, (_, heads) in enumerate(LAYERS):
        for head in heads:
            if (head == PACKAGE and not rest) or (rest and rest[0] == head):
                return i
    return None


def cycles(nodes: list[str], edges: list[Edge]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted; run-time edges only."""
    out_edges: dict[str, set[str]] = {n: set() for n in nodes}
    for e in edges:
        if not e.typing:
            out_edges.setdefault(e.source, set()).add(e.target)
            out_edges.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(out_edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in out_edges[v]:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(out_edges) + 100))
    for v in sorted(out_edges):
        if v not in index:
            strong(v)
    return sorted(groups)


def problems(nodes: list[str], edges: list[Edge]) -> dict[str, list[str]]:
    """What breaks the rules, by kind (an empty list when none)."""
    short = _short
    unplaced = [
        f"{short(n)}: in no layer (add it to LAYERS in tools/import_graph.py)" for n in nodes if layer(n) is None
    ]
    upward = [
        f"{short(e.source)}:{e.line} ({LAYERS[layer(e.source)][0]}) imports {short(e.target)} "
        f"({LAYERS[layer(e.target)][0]}), a higher layer"
        for e in edges
        if not e.typing and None not in (layer(e.source), layer(e.target)) and layer(e.target) > layer(e.source)
    ]
    local = [
        f"{short(e.source)}:{e.line} imports {short(e.target)} inside a function"
        for e in edges
        if e.local and short(e.source).split(".")[0] not in FAST_PATH
    ]
    old = [f"{short(e.source)}:{e.line} imports {short(e.target)} by its old name" for e in edges if e.old_name]
    return {
        "cycles": [" ↔ ".join(short(m) for m in c) for c in cycles(nodes, edges)],
        "layer violations": upward,
        "function-local imports": local,
        "old names": old,
        "unplaced modules": unplaced,
    }


def _short(module: str) -> str:
    return module.removeprefix(PACKAGE + ".") if module != PACKAGE else PACKAGE


def text(nodes: list[str], edges: list[Edge]) -> str:
    """One line per module: its layer and what it imports (``~`` local, ``?`` for annotations only)."""
    lines = []
    for n in sorted(nodes, key=lambda m: (layer(m) if layer(m) is not None else -1, m)):
        mine = sorted({(_short(e.target), e.local, e.typing) for e in edges if e.source == n})
        shown = " ".join(("~" if loc else "") + ("?" if typ else "") + t for t, loc, typ in mine)
        where = LAYERS[layer(n)][0] if layer(n) is not None else "?"
        lines.append(f"{where:9} {_short(n):26} -> {shown or '-'}")
    return "\n".join(lines)


def dot(nodes: list[str], edges: list[Edge]) -> str:
    """Graphviz: modules clustered by layer, run-time imports as arrows (dashed: inside a function)."""
    out = ["digraph lkip_helpers {", "  rankdir=BT; node [shape=box, fontsize=10];"]
    for i, (name, _) in enumerate(LAYERS):
        members = [n for n in nodes if layer(n) == i]
        out.append(
            f'  subgraph cluster_{name} {{ label="{name}"; ' + " ".join(f'"{_short(m)}";' for m in members) + " }"
        )
    for s, t, loc in sorted({(_short(e.source), _short(e.target), e.local) for e in edges if not e.typing}):
        out.append(f'  "{s}" -> "{t}"' + (" [style=dashed];" if loc else ";"))
    out.append("}")
    return "\n".join(out) + "\n"


def mermaid(nodes: list[str], edges: list[Edge]) -> str:
    """A Mermaid block for docs: one box per layer, one arrow per pair of layers that import."""
    pairs = sorted(
        {(layer(e.source), layer(e.target)) for e in edges if not e.typing and layer(e.source) != layer(e.target)}
        - {(None, None)}
    )
    out = ["```mermaid", "flowchart TD"]
    for i, (name, _) in enumerate(LAYERS):
        members = ", ".join(_short(m) for m in nodes if layer(m) == i)
        out.append(f'  {name}["{name}: {members}"]')
    for s, t in pairs:
        if s is not None and t is not None:
            out.append(f"  {LAYERS[s][0]} --> {LAYERS[t][0]}")
    out.append("```")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dot", metavar="FILE", help="write a Graphviz graph")
    p.add_argument("--mermaid", metavar="FILE", help="write a Mermaid block")
    p.add_argument("--quiet", action="store_true", help="only the problems")
    args = p.parse_args(argv)
    nodes, edges = graph()
    if not args.quiet:
        print(text(nodes, edges))
        print()
    if args.dot:
        Path(args.dot).write_text(dot(nodes, edges), encoding="utf-8")
    if args.mermaid:
        Path(args.mermaid).write_text(mermaid(nodes, edges), encoding="utf-8")
    found = problems(nodes, edges)
    runtime = [e for e in edges if not e.typing]
    print(
        f"{len(nodes)} modules, {len(runtime)} imports of own modules "
        f"({sum(e.local for e in runtime)} inside functions, {sum(e.typing for e in edges)} for annotations only)"
    )
    for kind, items in found.items():
        print(f"{kind}: {len(items)}")
        for item in items:
            print(f"  {item}")
    return 1 if any(found.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
