"""No float touches money: money is integer cents end to end (SPEC §1.8, STYLE).

Every module under ``src/fpctl`` is read with ``ast`` and each of these is reported:

- a float literal (``12.5``, ``1e3``);
- a call of ``float(...)`` and a ``float`` annotation;
- a true division ``/`` or ``/=`` (integer cents divide with ``//``);
- a ``Decimal(...)`` or ``round(...)`` call: Decimal is for parsing text into cents, and
  rounding belongs to the few domain functions that decide it.

``ALLOWED`` names the few places where one of these is legitimately not money, by module,
function and kind, with the reason; an entry that no longer matches anything fails too, so
the list cannot silently grow stale.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "fpctl"

FLOAT_LITERAL = "float literal"
FLOAT_CALL = "float()"
FLOAT_ANNOTATION = "float annotation"
TRUE_DIVISION = "true division"
DECIMAL = "Decimal()"
ROUND = "round()"


@dataclass(frozen=True)
class Hit:
    module: str  # dotted: fpctl.domain.money
    function: str  # the enclosing qualified name (Class.method, outer.inner) or <module>
    kind: str
    line: int

    def __str__(self) -> str:
        return f"{self.module}:{self.line} in {self.function}: {self.kind}"


@dataclass(frozen=True)
class Allowed:
    module: str
    function: str
    kind: str
    reason: str


#: Places where a float, a division, Decimal or round() is not money. Keep it small.
ALLOWED = (
    Allowed(
        "fpctl.domain.files",
        "size_text",
        TRUE_DIVISION,
        "a delivered file's size shown in KiB or MiB: bytes, not money",
    ),
    Allowed(
        "fpctl.cli.progress",
        "PROGRESS_AFTER_SECONDS",
        FLOAT_LITERAL,
        "seconds before long work shows its progress bar: a timing, not money",
    ),
    Allowed(
        "fpctl.cli.completion_store",
        "SQLITE_TIMEOUT_S",
        FLOAT_LITERAL,
        "the SQLite busy timeout of shell completion, in seconds",
    ),
    Allowed(
        "fpctl.store.db",
        "busy_timeout_seconds",
        TRUE_DIVISION,
        "the busy timeout in seconds for sqlite3.connect: a timing, not money",
    ),
    Allowed(
        "fpctl.store.db",
        "busy_timeout_seconds",
        FLOAT_ANNOTATION,
        "the busy timeout in seconds for sqlite3.connect: a timing, not money",
    ),
    Allowed(
        "fpctl.services.demo",
        "_Seeder.plan_team",
        FLOAT_LITERAL,
        "the demo seeder's chance (0.25) that an extra member is a billing manager",
    ),
    Allowed(
        "fpctl.views.network",
        "_one_decimal",
        TRUE_DIVISION,
        "an average review rating (1-5) kept in tenths, shown to one decimal: not money",
    ),
    Allowed(
        "fpctl.views.network",
        "_one_decimal",
        FLOAT_ANNOTATION,
        "an average review rating (1-5) kept in tenths, shown to one decimal: not money",
    ),
    Allowed(
        "fpctl.domain.money",
        "parse_cents",
        DECIMAL,
        "text such as 12.50 is parsed exactly with Decimal and turned into int cents at once",
    ),
    Allowed(
        "fpctl.services.orders.hourly",
        "parse_hours",
        DECIMAL,
        "hours such as 1.25 are parsed exactly with Decimal into int hundredths of an hour",
    ),
)


class _Finder(ast.NodeVisitor):
    def __init__(self, module: str) -> None:
        self.module = module
        self.scope: list[str] = []
        self.paths: list[set[str]] = [set()]  # names annotated ``Path``, per function
        self.hits: list[Hit] = []

    def _hit(self, node: ast.AST, kind: str) -> None:
        function = ".".join(self.scope) or "<module>"
        self.hits.append(Hit(self.module, function, kind, getattr(node, "lineno", 0)))

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        arguments = [] if isinstance(node, ast.ClassDef) else _all_args(node.args)
        self.paths.append({arg.arg for arg in arguments if _is_path(arg.annotation)})
        self.generic_visit(node)
        self.paths.pop()
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def _module_constant(self, node: ast.Assign | ast.AnnAssign, targets: list[ast.expr]) -> None:
        """A module-level assignment is named after its target (``TIMEOUT_SECONDS``), so an
        allow-list entry can name one constant rather than the whole module."""
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if self.scope or not names:
            self.generic_visit(node)
            return
        self.scope.append(names[0])
        self.generic_visit(node)
        self.scope.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        self._module_constant(node, node.targets)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name) and _is_path(node.annotation):
            self.paths[-1].add(node.target.id)
        self._module_constant(node, [node.target])

    def _is_path_join(self, node: ast.BinOp | ast.AugAssign) -> bool:
        """``folder / "name"``: pathlib's join, not a division. Recognised when an operand is
        text (a string or f-string), a ``Path(...)`` call, or a name annotated ``Path``."""
        if isinstance(node, ast.BinOp):
            operands = (node.left, node.right)
        else:
            operands = (node.target, node.value)  # type: ignore[assignment]
        return any(self._is_path_operand(operand) for operand in operands)

    def _is_path_operand(self, operand: ast.expr) -> bool:
        if isinstance(operand, ast.JoinedStr):
            return True
        if isinstance(operand, ast.Constant) and isinstance(operand.value, str):
            return True
        if isinstance(operand, ast.Call) and _name(operand.func) == "Path":
            return True
        return isinstance(operand, ast.Name) and operand.id in self.paths[-1]

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, float | complex):
            self._hit(node, FLOAT_LITERAL)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Div) and not self._is_path_join(node):
            self._hit(node, TRUE_DIVISION)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.op, ast.Div) and not self._is_path_join(node):
            self._hit(node, TRUE_DIVISION)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        called = _name(node.func)
        kind = {"float": FLOAT_CALL, "Decimal": DECIMAL, "round": ROUND}.get(called or "")
        if kind:
            self._hit(node, kind)
        if kind != FLOAT_CALL:
            self.visit(node.func)
        for part in (*node.args, *node.keywords):
            self.visit(part)

    def visit_Name(self, node: ast.Name) -> None:
        # `float` read anywhere but in a call: an annotation, a cast target, `x: float`.
        if node.id == "float":
            self._hit(node, FLOAT_ANNOTATION)

    def _annotation(self, annotation: ast.expr | None) -> None:
        # String annotations (from __future__ import annotations keeps them as code; a
        # quoted one is a string constant): look inside them too.
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                parsed = ast.parse(annotation.value, mode="eval")
            except SyntaxError:
                return
            if any(isinstance(n, ast.Name) and n.id == "float" for n in ast.walk(parsed)):
                self._hit(annotation, FLOAT_ANNOTATION)

    def visit_arg(self, node: ast.arg) -> None:
        self._annotation(node.annotation)
        self.generic_visit(node)


def _all_args(arguments: ast.arguments) -> list[ast.arg]:
    extra = [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
    return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, *extra]


def _is_path(annotation: ast.expr | None) -> bool:
    """``Path``, ``Path | None``, ``pathlib.Path`` or the same as a string annotation."""
    if annotation is None:
        return False
    text = ast.unparse(annotation)
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        text = annotation.value
    return "Path" in text.replace("|", " ").replace(".", " ").split()


def _name(func: ast.expr) -> str | None:
    """``float`` for ``float(...)``, ``Decimal`` for ``decimal.Decimal(...)``."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def find_hits(source: str, module: str = "<string>") -> list[Hit]:
    """Every float literal, float(), float annotation, true division, Decimal() and round()."""
    finder = _Finder(module)
    finder.visit(ast.parse(source))
    seen: set[Hit] = set()
    return [hit for hit in finder.hits if not (hit in seen or seen.add(hit))]


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_hits() -> list[Hit]:
    hits: list[Hit] = []
    for path in sorted(SOURCE.rglob("*.py")):
        hits.extend(find_hits(path.read_text(encoding="utf-8"), _module_name(path)))
    return hits


def is_allowed(hit: Hit) -> bool:
    return any(
        (entry.module, entry.function, entry.kind) == (hit.module, hit.function, hit.kind)
        for entry in ALLOWED
    )


def test_no_float_division_or_rounding_outside_the_allow_list() -> None:
    bad = [str(hit) for hit in all_hits() if not is_allowed(hit)]
    assert bad == [], "money is integer cents: use // and int, or allow-list with a reason"


def test_every_allow_list_entry_still_matches() -> None:
    hits = all_hits()
    stale = [
        entry
        for entry in ALLOWED
        if not any(
            (entry.module, entry.function, entry.kind) == (hit.module, hit.function, hit.kind)
            for hit in hits
        )
    ]
    assert stale == []


def test_the_walk_covers_every_module() -> None:
    modules = {_module_name(path) for path in SOURCE.rglob("*.py")}
    assert {"fpctl.domain.money", "fpctl.services.money.ledger", "fpctl.cli.billing"} <= modules


# -- the checker catches what it should ----------------------------------------------------


def kinds(source: str) -> list[tuple[str, str, int]]:
    return [(hit.function, hit.kind, hit.line) for hit in find_hits(source)]


def test_it_catches_a_float_price_and_a_true_division() -> None:
    source = "price = 12.5\ndef half(total):\n    return total / 2\n"
    assert kinds(source) == [
        ("price", FLOAT_LITERAL, 1),
        ("half", TRUE_DIVISION, 3),
    ]


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("x = float(text)", FLOAT_CALL),
        ("x = 1e3", FLOAT_LITERAL),
        ("total /= 3", TRUE_DIVISION),
        ("def f(cents: float) -> int: ...", FLOAT_ANNOTATION),
        ("def f(cents: 'float | None') -> int: ...", FLOAT_ANNOTATION),
        ("x = decimal.Decimal(text)", DECIMAL),
        ("x = round(cents * rate)", ROUND),
    ],
)
def test_it_catches_each_kind(source: str, kind: str) -> None:
    assert [hit.kind for hit in find_hits(source)] == [kind]


def test_integer_arithmetic_passes() -> None:
    source = "def share(total: int, parts: int) -> int:\n    return total * 3 // parts % 7\n"
    assert find_hits(source) == []


def test_hits_name_their_function() -> None:
    source = "class Plan:\n    def price(self):\n        def inner():\n            return 1 / 3\n"
    assert kinds(source) == [("Plan.price.inner", TRUE_DIVISION, 4)]


@pytest.mark.parametrize(
    "source",
    [
        'path = folder / "fpctl.db"',
        'path = base / f"{name}.html"',
        "path = Path(text) / name",
        "def write(directory: Path, name: str) -> None:\n    target = directory / name\n",
        "def write(directory: 'Path | None') -> None:\n    target = directory / name\n",
        "def f() -> None:\n    root: Path = make()\n    target = root / name\n",
    ],
)
def test_path_joins_are_not_divisions(source: str) -> None:
    assert find_hits(source) == []


def test_a_name_annotated_path_elsewhere_does_not_excuse_a_division() -> None:
    source = (
        "def write(directory: Path) -> None: ...\n"
        "def share(directory: int, parts: int) -> int:\n    return directory / parts\n"
    )
    assert kinds(source) == [("share", TRUE_DIVISION, 3)]
