"""The environment variables README.md and docs/*.md name are the ones the project reads, and the other way round.

An operator sets `RECFIN_HOME`, `RECFIN_TIMEOUT` or a chaincode server's `CHAINCODE_*` from the pages: a name the
code no longer reads (renamed, or never built) is set in vain and silently, and a `RECFIN_*` variable the code or
the scripts read that no page names is a setting nobody can find. The names read are the code's string literals
(`os.environ.get("RECFIN_HOME")`, `envvar="RECFIN_BUNDLE"`, `TOPOLOGY_VARIABLE = "RECFIN_TOPOLOGY"`) and the
scripts' `$NAME` and `${NAME...}`. A name written with a `*` (`CHAINCODE_OPERATIONS_TLS_*`) stands for those it
begins. The default the pages give `RECFIN_APT_LOCK_WAIT` is the one the install scripts apply.
"""
from __future__ import annotations

import ast
import re

from tests.unit.test_documented_python import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
VARIABLE = r"(?:RECFIN|CHAINCODE)_[A-Z0-9_]+"
CODE = [path for top in ("cli", "client", "chaincode", "network", "bench", "tests/integration")
        for path in sorted((ROOT / top).rglob("*.py"))]
SCRIPTS = [path for path in sorted((ROOT / "scripts").rglob("*")) if path.is_file()] + [ROOT / "Dockerfile"]
# Read, but not a setting of the reader's: what one script tells another it runs.
INTERNAL = {"RECFIN_APT_UPDATED": "scripts/install tells scripts/install-os-packages it has just updated apt's lists"}


def _read_by_the_project() -> set[str]:
    found = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(VARIABLE, node.value):
                found.add(node.value)
    for path in SCRIPTS:
        found |= set(re.findall(rf"\$\{{?({VARIABLE})", path.read_text(encoding="utf-8", errors="replace")))
    return found


READ = _read_by_the_project()


def _named() -> dict[str, list[str]]:
    """Each variable (or `PREFIX_*`) the pages name -> where."""
    named: dict[str, list[str]] = {}
    for document in DOCUMENTS:
        for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
            for name in re.findall(rf"\b({VARIABLE}\*?)", line):
                named.setdefault(name, []).append(f"{document.relative_to(ROOT)}:{number}")
    return named


def test_every_variable_the_pages_name_is_read():
    unread = {name: where[:3] for name, where in _named().items()
              if not (any(read.startswith(name[:-1]) for read in READ) if name.endswith("*") else name in READ)}
    assert not unread, f"variables the pages name that nothing reads: {unread}"


def test_every_recfin_variable_the_project_reads_is_named_on_a_page():
    named = _named()
    unnamed = sorted(name for name in READ
                     if name.startswith("RECFIN_") and name not in named and name not in INTERNAL)
    assert not unnamed, f"RECFIN_ variables the code or the scripts read that no page names: {unnamed}"


def test_the_apt_lock_waits_default_is_the_scripts():
    [default] = re.findall(r"\$\{RECFIN_APT_LOCK_WAIT:-(\d+)\}", (ROOT / "scripts" / "lib" / "apt.sh").read_text())
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    deployment = " ".join((ROOT / "docs" / "deployment.md").read_text(encoding="utf-8").split())
    assert f"`RECFIN_APT_LOCK_WAIT` seconds for all of them together, default {default}," in readme
    assert f"up to {default} s in all (`RECFIN_APT_LOCK_WAIT=SECONDS`" in deployment
