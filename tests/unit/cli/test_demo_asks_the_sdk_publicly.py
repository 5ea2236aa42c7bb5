"""`recfin demo` tells a chaincode not deployed from a peer down through the SDK's public API, as an integrator
would: ``client.receivables.orgs_without_endorsing_peers``. It imported a private name of a private SDK module
(``_endorsers._orgs_without_endorser``), which the SDK may rename or change at will, so a change inside the SDK
could break the demo's hint with nothing public having changed. So does every other command of the CLI: the
bench's deadline bound, the event follower's checkpoint names and the regulator's bookmark walk are public names of
the SDK."""

from __future__ import annotations

import ast
from pathlib import Path

import grpc

from client.gateway.errors import EndorseError, ErrorDetail
from client.receivables import orgs_without_endorsing_peers

CLI = Path(__file__).resolve().parents[3] / "cli"
DEMO = CLI / "demo_commands.py"


def _private_client_imports(module: Path) -> list[str]:
    """Each import of ``module`` from the SDK (client/) of a private module or a private name."""
    found = []
    for node in ast.walk(ast.parse(module.read_text(), str(module))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "client":
            names = [alias.name for alias in node.names]
            if any(part.startswith("_") for part in node.module.split(".")) or any(n.startswith("_") for n in names):
                found.append(f"{module.name}:{node.lineno} from {node.module} import {', '.join(names)}")
    return found


def test_the_demo_imports_nothing_private_of_the_sdk():
    assert _private_client_imports(DEMO) == []


def test_no_command_of_the_cli_imports_anything_private_of_the_sdk():
    modules = sorted(CLI.rglob("*.py"))
    assert DEMO in modules
    assert [found for module in modules for found in _private_client_imports(module)] == []


def test_the_orgs_the_gateway_found_no_endorsing_peer_of_are_named_in_its_order():
    error = EndorseError("failed to find any endorsing peers for org(s): CoreEnterpriseMSP, BankMSP",
                         transaction_id="7" * 64, code=grpc.StatusCode.UNAVAILABLE)
    assert orgs_without_endorsing_peers(error) == ["CoreEnterpriseMSP", "BankMSP"]


def test_a_peer_that_answered_and_refused_is_no_org_without_endorsing_peers():
    error = EndorseError("failed to endorse transaction, see attached details for more info",
                         transaction_id="7" * 64, code=grpc.StatusCode.ABORTED,
                         details=[ErrorDetail("peer0:7051", "CoreEnterpriseMSP", "chaincode response 500, RULE x: no")])
    assert orgs_without_endorsing_peers(error) == []


_PROJECT_PACKAGES = {"bench", "chaincode", "cli", "client", "network"}


def _private_project_imports(module: Path) -> list[str]:
    """Each name ``module`` imports from another module of the project (the contract's argument checks, another
    command group of the CLI) that is private there: a leading underscore, dunders aside."""
    found = []
    for node in ast.walk(ast.parse(module.read_text(), str(module))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 0 and (node.module or "").split(".")[0] not in _PROJECT_PACKAGES:
            continue
        private = [alias.name for alias in node.names
                   if alias.name.startswith("_") and not alias.name.endswith("__")]
        if private:
            found.append(f"{module.name}:{node.lineno} from {'.' * node.level}{node.module or ''} "
                         f"import {', '.join(private)}")
    return found


def test_no_command_of_the_cli_imports_a_private_name_of_another_module():
    """The CLI checks before sending what the contract would refuse with the contract's own public checks, and
    one command group uses another's helper by its public name: a private name is its module's to rename."""
    modules = sorted(CLI.rglob("*.py"))
    assert [found for module in modules for found in _private_project_imports(module)] == []
