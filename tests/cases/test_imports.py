"""The case file comes first: it imports no later domain (referrals, plans,
coordination) and not the web layer, not even lazily inside a function.
Later domains reach it through its services and steps, and it reaches them
only through the hooks they register (cases/hooks.py, decision 0008)."""

import ast
from pathlib import Path

import maillage.cases

CASES = Path(maillage.cases.__file__).parent
LATER = ("maillage.referrals", "maillage.plans", "maillage.coordination", "maillage.www")


def _imports(source: str, module: str) -> set[str]:
    """Every module `source` (the text of `module`) imports, at any depth."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                base = ".".join(parts[: len(parts) - node.level] + ([base] if base else []))
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return found


def _later_imports(path: Path) -> set[str]:
    module = ".".join(("maillage", "cases", *path.relative_to(CASES).with_suffix("").parts))
    return {name for name in _imports(path.read_text(encoding="utf-8"), module) if name.startswith(LATER)}


def test_no_module_of_the_case_file_imports_a_later_domain():
    """Migrations included: the grants are backfilled by referrals' own migration."""
    offenders = {
        str(path.relative_to(CASES)): sorted(found)
        for path in sorted(CASES.rglob("*.py"))
        if path.name != "apps.py" and (found := _later_imports(path))
    }
    assert offenders == {}


def test_apps_imports_nothing_later_but_the_web_layers_navigation():
    # The menu entry and home panel move to the web layer separately (issue 15); nothing else.
    assert _later_imports(CASES / "apps.py") <= {"maillage.www.cases", "maillage.www.cases.navigation"}


def test_the_check_sees_lazy_and_relative_imports():
    """The contract test can fail: an import inside a function, or a relative one, is found."""
    lazy = "def f():\n    from maillage.referrals import selectors\n"
    assert _imports(lazy, "maillage.cases.policies") >= {"maillage.referrals.selectors"}
    relative = "from ..referrals.pathways import check_minor_closure\n"
    assert "maillage.referrals.pathways" in _imports(relative, "maillage.cases.services")
