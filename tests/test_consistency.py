"""The house rules, held by a test (like les-emplois' tests/test_consistency.py).

Everything here reads the source with `ast`; nothing is imported or run. Each
check is parametrized by domain (and by feature of the web layer), so a failure
names the domain that breaks the rule. docs/architecture.md draws the same
graph of domains; docs/decisions/0009-conventions.md explains each rule.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "maillage"

# --- The domains and their one-way links (docs/architecture.md, « Domains ») ----------------

# What each domain may import. The web layer (maillage.www) may import any
# domain and is imported by none. A link not listed here is refused; a new
# domain is added here and to the diagram in docs/architecture.md.
ALLOWED_IMPORTS: dict[str, set[str]] = {
    # The foundation: journal, encryption, transactions, tokens.
    "core": set(),
    # Pure reference data and pure engines.
    "territories": set(),
    "identification": set(),
    "demo": {"core"},
    # Outbox and in-app notices; they know nobody's memberships.
    "notifications": {"core"},
    "organisations": {"core", "notifications", "demo"},
    "accounts": {"core", "organisations"},
    "directory": {"core", "organisations", "notifications", "territories", "demo"},
    # The case file reaches later domains only through hooks they register (cases/hooks.py).
    "cases": {"core", "organisations", "notifications", "territories", "identification", "demo"},
    "referrals": {"core", "organisations", "notifications", "territories", "cases", "directory", "demo"},
    "coordination": {"core", "organisations", "notifications", "demo"},
    # Plans read directory networks and register the decision → plan hook of coordination.
    "plans": {"core", "organisations", "notifications", "directory", "coordination", "demo"},
    # Anonymous records of the annual collection, derived from the case file (one way).
    "statistics": {"core", "organisations", "notifications", "territories", "cases", "demo", "linkage"},
    # Pure engine: keyed encodings and the linker; no Django, no other domain.
    "linkage": set(),
    # Tokens of organisations' software (the API itself is web layer: maillage/www/api).
    "api": {"core", "organisations"},
}

# Data, not code: seed data and reference tables may be long.
DATA_MODULES = {"maillage/territories/reference.py", "maillage/territories/map_svg.py"}
MAX_LINES = 600


def _is_source(path: Path) -> bool:
    return "migrations" not in path.parts and "__pycache__" not in path.parts


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if not _is_source(path):
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imported(name: str, path: Path) -> set[str]:
    """Modules of maillage imported by one module, wherever the import sits
    (imports inside functions count: a lazy import is still a dependency)."""
    out = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".")
                if path.name != "__init__.py":
                    parts = parts[:-1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{alias.name}" for alias in node.names}
    known = modules()
    return {m for m in out if m in known and m != name}


@cache
def graph() -> dict[str, frozenset[str]]:
    return {name: frozenset(_imported(name, path)) for name, path in modules().items()}


def domain_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def unit_of(module: str) -> str:
    """The domain, or `www/<feature>` for the web layer."""
    parts = module.split(".")
    if len(parts) > 2 and parts[1] == "www" and (PACKAGE / "www" / parts[2]).is_dir():
        return f"www/{parts[2]}"
    return parts[1] if len(parts) > 1 else ""


DOMAINS = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name != "www")
WWW_FEATURES = sorted(p.name for p in (PACKAGE / "www").iterdir() if p.is_dir() and (p / "__init__.py").exists())
WWW_UNITS = ["www", *(f"www/{name}" for name in WWW_FEATURES)]
UNITS = DOMAINS + WWW_UNITS


def files_of(unit: str) -> list[Path]:
    return sorted(path for name, path in modules().items() if unit_of(name) == unit)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- Import contracts ------------------------------------------------------------------------


def test_every_domain_is_declared():
    assert set(DOMAINS) == set(ALLOWED_IMPORTS), "declare the new domain in ALLOWED_IMPORTS and the architecture"


def test_the_declared_links_go_one_way():
    seen, done = set(), set()

    def visit(domain, path):
        assert domain not in seen or domain in done, f"the allowed links form a circle: {' -> '.join(path)}"
        if domain in done:
            return
        seen.add(domain)
        for other in ALLOWED_IMPORTS[domain]:
            visit(other, [*path, other])
        done.add(domain)

    for domain in ALLOWED_IMPORTS:
        visit(domain, [domain])


@pytest.mark.parametrize("domain", DOMAINS)
def test_no_domain_imports_the_web_layer(domain):
    upward = sorted(
        f"{name} -> {target}"
        for name, targets in graph().items()
        if domain_of(name) == domain
        for target in targets
        if target.startswith("maillage.www")
    )
    assert not upward, "a domain never imports maillage.www (register from the web layer):\n" + "\n".join(upward)


@pytest.mark.parametrize("domain", DOMAINS)
def test_links_between_domains_follow_the_architecture(domain):
    allowed = ALLOWED_IMPORTS.get(domain, set()) | {domain}
    wrong = sorted(
        f"{name} -> {target}"
        for name, targets in graph().items()
        if domain_of(name) == domain
        for target in targets
        if domain_of(target) not in allowed and domain_of(target) != "www"
    )
    assert not wrong, f"{domain} may import only {sorted(allowed)}:\n" + "\n".join(wrong)


@cache
def cycles() -> list[list[str]]:
    """Import circles between modules (Tarjan's strongly connected components)."""
    edges = graph()
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10000))
    try:
        for v in edges:
            if v not in index:
                strong(v)
    finally:
        sys.setrecursionlimit(limit)
    return found


@pytest.mark.parametrize("unit", UNITS)
def test_no_import_circles(unit):
    mine = [" <-> ".join(c) for c in cycles() if any(unit_of(m) == unit for m in c)]
    assert not mine, "import circles:\n" + "\n".join(mine)


# --- Conventions -----------------------------------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
def test_transition_tables_live_in_workflow(domain):
    """Every state machine is a table in the domain's workflow.py (cases, referrals…)."""
    misplaced = []
    for path in files_of(domain):
        if path.name == "workflow.py":
            continue
        for node in tree(path).body:
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and "TRANSITIONS" in target.id:
                    misplaced.append(f"{rel(path)}:{node.lineno} {target.id}")
    assert not misplaced, "transition tables belong in workflow.py:\n" + "\n".join(misplaced)


def _audit_calls(module: ast.Module):
    for node in ast.walk(module):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        named = isinstance(func, ast.Name) and func.id in ("record", "record_read")
        through_audit = (
            isinstance(func, ast.Attribute)
            and func.attr in ("record", "record_read")
            and isinstance(func.value, ast.Name)
            and func.value.id == "audit"
        )
        if named or through_audit:
            yield node


@pytest.mark.parametrize("unit", UNITS)
def test_audit_actions_come_from_an_enum(unit):
    """`audit.record(action=...)` takes a member of the domain's `AuditAction`
    (enums.py), never a string written at the call."""
    literal = []
    for path in files_of(unit):
        for call in _audit_calls(tree(path)):
            for keyword in call.keywords:
                if keyword.arg != "action":
                    continue
                if any(
                    isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant) and isinstance(n.value, str))
                    for n in ast.walk(keyword.value)
                ):
                    literal.append(f"{rel(path)}:{call.lineno}")
    assert not literal, "audit actions written as strings:\n" + "\n".join(literal)


@pytest.mark.parametrize("domain", DOMAINS)
def test_audit_actions_are_declared_in_enums(domain):
    """A domain that writes to the journal declares its `AuditAction(enum.StrEnum)` in enums.py."""
    writes = any(any(True for _ in _audit_calls(tree(path))) for path in files_of(domain))
    if not writes:
        return
    enums = PACKAGE / domain / "enums.py"
    declared = enums.exists() and any(
        isinstance(node, ast.ClassDef)
        and node.name == "AuditAction"
        and any(ast.unparse(base) in ("StrEnum", "enum.StrEnum") for base in node.bases)
        for node in tree(enums).body
    )
    assert declared, f"maillage/{domain}/enums.py declares no `class AuditAction(enum.StrEnum)`"


def _service_files(domain: str) -> list[Path]:
    base = PACKAGE / domain
    files = [base / "services.py"] if (base / "services.py").exists() else []
    if (base / "services").is_dir():
        files += sorted(p for p in (base / "services").rglob("*.py") if _is_source(p))
    return files


def _atomic(node: ast.expr) -> str | None:
    """'durable' or 'plain' when `node` is transaction.atomic / atomic(...)."""
    call = node if isinstance(node, ast.Call) else None
    func = call.func if call else node
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name != "atomic":
        return None
    durable = call is not None and any(
        k.arg == "durable" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords
    )
    return "durable" if durable else "plain"


def _is_step(function: ast.FunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id == "step") or (isinstance(d, ast.Attribute) and d.attr == "step")
        for d in function.decorator_list
    )


WRITE_METHODS = {"save", "delete", "create", "bulk_create", "update_or_create", "get_or_create"}


def _is_write(node: ast.AST) -> bool:
    """A database write or a journal row. Files in storage are not the
    database: `default_storage.delete(name)` is not counted."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "record"
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "record":
        return True
    return func.attr in WRITE_METHODS and "storage" not in ast.unparse(func.value)


def _plain_atomic_blocks(path: Path, function: ast.FunctionDef, node: ast.AST, *, inside_durable: bool) -> list[str]:
    """`with transaction.atomic():` (a savepoint) is fine inside a durable
    transaction or a step, never as the outermost transaction of a function."""
    out = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue  # nested functions are checked on their own
        inside = inside_durable
        if isinstance(child, ast.With):
            kinds = [_atomic(item.context_expr) for item in child.items]
            if "plain" in kinds and not inside_durable:
                out.append(
                    f"{rel(path)}:{child.lineno} {function.name}: "
                    "transaction.atomic() outside a durable transaction or a @step"
                )
            inside = inside_durable or "durable" in kinds
        out += _plain_atomic_blocks(path, function, child, inside_durable=inside)
    return out


def _durable_violations(path: Path) -> list[str]:
    out = []
    for function in ast.walk(tree(path)):
        if not isinstance(function, ast.FunctionDef):
            continue
        step = _is_step(function)
        decorated = [_atomic(d) for d in function.decorator_list if _atomic(d)]
        if "plain" in decorated:
            out.append(f"{rel(path)}:{function.lineno} {function.name}: @transaction.atomic without durable=True")
        durable = "durable" in decorated
        if "plain" in decorated:
            continue

        out += _plain_atomic_blocks(path, function, function, inside_durable=durable or step)
        if function.name.startswith("_") or step or durable:
            continue
        # A public function that writes must open its transaction or be a step.
        opens = any(
            isinstance(n, ast.With) and "durable" in [_atomic(i.context_expr) for i in n.items]
            for n in ast.walk(function)
        )
        writes = any(_is_write(n) for n in ast.walk(function))
        if writes and not opens:
            out.append(
                f"{rel(path)}:{function.lineno} {function.name}: writes without transaction.atomic(durable=True) "
                "or @step"
            )
    return out


@pytest.mark.parametrize("domain", DOMAINS)
def test_service_entry_points_open_a_durable_transaction(domain):
    """maillage.core.transactions: an entry point opens `transaction.atomic(durable=True)`;
    what another service calls inside its transaction is a `@step`."""
    problems = [line for path in _service_files(domain) for line in _durable_violations(path)]
    assert not problems, "\n".join(problems)


def _is_view_module(path: Path) -> bool:
    parts = path.relative_to(PACKAGE / "www").parts
    return any(part.startswith("views") for part in parts)


@pytest.mark.parametrize("unit", WWW_UNITS)
def test_views_do_not_query(unit):
    """Views read through selectors and policies: no `Model.objects`, no `.filter(`."""
    found = []
    for path in files_of(unit):
        if not _is_view_module(path):
            continue
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                found.append(f"{rel(path)}:{node.lineno} .objects")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "filter":
                found.append(f"{rel(path)}:{node.lineno} .filter(")
    assert not found, "queries in views (move them to a selector):\n" + "\n".join(found)


@pytest.mark.parametrize("unit", UNITS)
def test_no_module_over_600_lines(unit):
    big = []
    for path in files_of(unit):
        if rel(path) in DATA_MODULES or path.name == "demo.py":  # seed data
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            big.append(f"{rel(path)}: {lines} lines")
    assert not big, f"split by subject (at most {MAX_LINES} lines):\n" + "\n".join(big)


POLICY_NAME = re.compile(r"^(can_[a-z0-9_]+|is_[a-z0-9_]+|[a-z0-9_]+_visible_to)$")


@pytest.mark.parametrize("domain", DOMAINS)
def test_policies_use_one_vocabulary(domain):
    """Public policies are `<things>_visible_to(actor, …) -> QuerySet`,
    `can_<verb>(actor, obj) -> bool` or `is_<role>(actor) -> bool`; they take
    an actor (organisations/actor.py), never a domain's own viewer object."""
    base = PACKAGE / domain
    files = [base / "policies.py"] if (base / "policies.py").exists() else []
    if (base / "policies").is_dir():
        files += sorted(p for p in (base / "policies").rglob("*.py") if _is_source(p))
    wrong = []
    for path in files:
        for node in tree(path).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                if not POLICY_NAME.match(node.name):
                    wrong.append(f"{rel(path)}:{node.lineno} {node.name}()")
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                wrong.append(f"{rel(path)}:{node.lineno} class {node.name}")
    assert not wrong, "policy names outside the vocabulary:\n" + "\n".join(wrong)
