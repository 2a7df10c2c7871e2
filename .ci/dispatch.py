"""`make lint`: every `match` over a union of request or answer types handles each member, and ends in
`case _: assert_never(subject)`, so that a new type without a handler fails the build.

mypy (strict, also run by `make lint`) fails at the `assert_never` of a match that misses a member; this
check makes sure the real handlers keep that shape (a `case _:` that returns a default would let a new
type through silently) and names the missing member itself. It reads bot/ as source, with no imports:

- a union is a module-level `Name = A | B | ...` of classes (query.Request, answers.Answer, ...);
- a match dispatches over the union its subject is annotated with (`def to_text(answer: Answer)`), or
  else over the smallest union that holds every class its cases name.

Exit 1 naming each match that misses a member or doesn't end in `assert_never`; 0 saying what it checked.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Site:
    path: Path
    line: int
    function: str
    union: str
    missing: tuple[str, ...]
    ends_in_assert_never: bool


def _name(node: ast.expr) -> str | None:
    """`Answer` or `answers.Answer` -> "Answer"; anything else -> None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _members(node: ast.expr) -> list[str] | None:
    """The classes of `A | B | C` (names or attributes), or None when it is not such a union."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _members(node.left), _members(node.right)
        return None if left is None or right is None else left + right
    name = _name(node)
    return [name] if name is not None else None


def unions(trees: dict[Path, ast.Module]) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for tree in trees.values():
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            members = _members(value) if isinstance(target, ast.Name) else None
            if isinstance(target, ast.Name) and members is not None and len(members) > 1:
                found[target.id] = frozenset(members)
    return found


def _classes(pattern: ast.pattern) -> set[str]:
    """The classes a case pattern names (`case A() | B(x=y):` -> {A, B})."""
    if isinstance(pattern, ast.MatchClass):
        name = _name(pattern.cls)
        return {name} if name else set()
    if isinstance(pattern, ast.MatchOr):
        return set().union(*(_classes(p) for p in pattern.patterns))
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
        return _classes(pattern.pattern)
    return set()


def _ends_in_assert_never(match: ast.Match) -> bool:
    last = match.cases[-1]
    if not (isinstance(last.pattern, ast.MatchAs) and last.pattern.pattern is None and last.guard is None):
        return False  # not `case _:`
    if len(last.body) != 1 or not isinstance(last.body[0], ast.Expr):
        return False
    call = last.body[0].value
    return (
        isinstance(call, ast.Call)
        and _name(call.func) == "assert_never"
        and len(call.args) == 1
        and ast.dump(call.args[0]) == ast.dump(match.subject)
    )


def _annotations(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    return {a.arg: n for a in every if a.annotation is not None and (n := _name(a.annotation))}


def sites(path: Path, tree: ast.Module, known: dict[str, frozenset[str]]) -> list[Site]:
    everything = frozenset().union(*known.values()) if known else frozenset()
    out: list[Site] = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in functions:
        annotated = _annotations(function)
        for match in (n for n in ast.walk(function) if isinstance(n, ast.Match)):
            named = set().union(*(_classes(c.pattern) for c in match.cases))
            if not named or not named <= everything:
                continue  # not a dispatch over request or answer types
            subject = match.subject.id if isinstance(match.subject, ast.Name) else None
            union = annotated.get(subject) if subject else None
            if union not in known:
                holding = [u for u, members in known.items() if named <= members]
                if not holding:
                    continue
                union = min(holding, key=lambda u: len(known[u]))
            assert union is not None
            missing = tuple(sorted(known[union] - named))
            out.append(Site(path, match.lineno, function.name, union, missing, _ends_in_assert_never(match)))
    return out


def main(root: Path = ROOT) -> int:
    trees = {p: ast.parse(p.read_text(), str(p)) for p in sorted((root / "bot").rglob("*.py"))}
    known = unions(trees)
    found = [s for path, tree in trees.items() for s in sites(path, tree, known)]
    if not found:
        print("dispatch: found no match over a request or answer union in bot/: is this check stale?")
        return 1
    failed = False
    for s in found:
        where = f"{s.path.relative_to(root)}:{s.line} ({s.function}, a match over {s.union})"
        if s.missing:
            failed = True
            print(f"{where}: no case for {', '.join(s.missing)}")
        if not s.ends_in_assert_never:
            failed = True
            print(f"{where}: must end in `case _: assert_never(...)`: mypy fails there on an unhandled type")
    if failed:
        return 1
    checked = ", ".join(f"{s.function} ({s.union})" for s in found)
    print(f"dispatch: {len(found)} matches handle every member of their union: {checked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
