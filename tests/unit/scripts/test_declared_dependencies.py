"""Every third-party module the installed packages import when they load is one `pip install recfin` brings: a
module-level import of a distribution only an extra (or a test run) installs makes the package fail to import
on a plain install, though the test venv, which has every extra, never shows it. Imports inside a function are
the extras' way (the risk trainer, the HSM signer) and are not counted."""
import ast
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("chaincode", "client", "cli", "network", "bench")


def _declared() -> set[str]:
    """The distributions a plain install brings: those [project] dependencies names and, in turn, what they
    require unconditionally (pydantic brings pydantic-core)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    brought: set[str] = set()
    pending = [Requirement(text).name for text in project["dependencies"]]
    while pending:
        name = canonicalize_name(pending.pop())
        if name in brought:
            continue
        brought.add(name)
        for text in requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return brought


def _module_level_imports(tree: ast.Module) -> set[str]:
    """Top-level names of the modules a file imports as it loads: at module level, in its if/try blocks
    too."""
    found: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, (ast.If, ast.Try)):
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                continue   # read by type checkers only
            pending.extend(node.body)
            pending.extend(getattr(node, "orelse", []))
            pending.extend(getattr(node, "finalbody", []))
    return found


def test_every_third_party_module_imported_at_load_is_a_declared_dependency():
    providers = packages_distributions()
    declared = _declared()
    undeclared: dict[str, list[str]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in _module_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
                if name in sys.stdlib_module_names or name in PACKAGES or name == "__future__":
                    continue
                distributions = {canonicalize_name(d) for d in providers.get(name, [])}
                assert distributions, \
                    f"{path.relative_to(ROOT)} imports {name}, which no installed distribution provides"
                if not distributions & declared:
                    undeclared.setdefault(f"{name} ({', '.join(sorted(distributions))})", []).append(
                        str(path.relative_to(ROOT)))
    assert not undeclared, f"imported as the package loads but not in [project] dependencies: {undeclared}"
