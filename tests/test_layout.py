"""The layout rules the README states, held by the code itself.

- Adapters (actions/, bot/, terminal/ and the staff console, console/) turn a tracker, an update or a typed
  line into a call of the core and its result into a reply: they never import the ORM models, the database
  session or SQLAlchemy.
- Runtime code (nuanxin/ and the adapters) never imports the evaluation code (evals/), the harness or the tests.
- A capability has the same name in every folder: each domain file has its NLU file, each capability's actions
  module its domain file.
"""
from __future__ import annotations

import ast
from pathlib import Path

from nuanxin import settings

ROOT = settings.ROOT
ADAPTERS = ("actions", "bot", "terminal", "console")
RUNTIME = ("nuanxin", *ADAPTERS)
FORBIDDEN_IN_ADAPTERS = ("sqlalchemy", "nuanxin.models", "nuanxin.db", "alembic")
# Not capabilities: what the front ends say by themselves.
DOMAIN_WITHOUT_NLU = {"messaging"}
ACTION_HELPERS = {"__init__", "conversation", "warmup"}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, as dotted names (`from nuanxin import db` counts as nuanxin.db)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def _violations(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{path.relative_to(ROOT)} imports {name}" for path in _files(*folders)
                  for name in _imports(path) if any(name == f or name.startswith(f + ".") for f in forbidden))


def test_adapters_call_the_core_and_never_the_database() -> None:
    assert len(_files(*ADAPTERS)) >= 15
    assert _violations(ADAPTERS, FORBIDDEN_IN_ADAPTERS) == []


def test_the_rule_finds_a_violation(tmp_path: Path) -> None:
    """The import scan itself works: each way of importing the models is caught."""
    for source in ("from nuanxin.models import Person", "from nuanxin import db", "import sqlalchemy.orm",
                   "from sqlalchemy import select"):
        path = tmp_path / "adapter.py"
        path.write_text(source + "\n", encoding="utf-8")
        assert any(name.startswith(FORBIDDEN_IN_ADAPTERS) for name in _imports(path)), source


def test_runtime_code_never_imports_evaluation_or_tests() -> None:
    assert _violations(RUNTIME, ("evals", "harness", "tests", "conftest", "checks")) == []


def test_each_capability_has_the_same_name_in_every_folder() -> None:
    domain = {p.stem for p in (ROOT / "domain").glob("*.yml")}
    nlu = {p.stem for p in (ROOT / "nlu_data").glob("*.yml")}
    actions = {p.stem for p in (ROOT / "actions").glob("*.py")} - ACTION_HELPERS
    assert domain - DOMAIN_WITHOUT_NLU <= nlu, domain - DOMAIN_WITHOUT_NLU - nlu
    assert actions <= domain, actions - domain
    assert {"policy", "station", "handoff", "fallback"} <= actions
