"""Every chaincode transaction the integration tests call by name through the Gateway is one the chaincode has, and
they send it as many arguments as it takes.

The integration tests (tests/integration) need a real Fabric network and skip without one. Some call the
chaincode directly, below the receivables SDK (a hostile caller's ``contract.submit("TransferReceivable",
arguments=[...], endorsing_organizations=[...])``, the runtime's FeatureContract): a transaction renamed, or one
that came to take another argument, would be refused by the contract there (an endorsement failure, where the test
waits for a validation failure) only once a network runs them. Here each such call is read from the tests' source,
never run:

- ``submit_transaction(NAME, *args)`` and ``evaluate_transaction(NAME, *args)``, each argument after the name one
  of the transaction's;
- ``submit``, ``evaluate``, ``submit_async`` and ``new_proposal`` of ``NAME`` with ``arguments=[...]``, a list
  written out;

NAME, a string written out, must be a transaction of the receivables contract, of the runtime's FeatureContract
or a function of Fabric's query system chaincode (qscc, whose functions are Fabric's: listed below), and the count
of arguments must fit its parameters (``ctx`` aside; a parameter with a default may be left out). A call whose
name or arguments are computed (``contract.submit(fn, arguments=args)``, the fuzzer's) is not checked.
"""
from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Iterator, NamedTuple

from chaincode.feature_contract import FeatureContract
from chaincode.receivables.contract import ReceivablesContract

ROOT = Path(__file__).parents[2]
INTEGRATION = ROOT / "tests" / "integration"
CONTRACTS = (ReceivablesContract, FeatureContract)
# Fabric's qscc (core/scc/qscc/query.go): each function's arguments, the channel first
QSCC_ARGUMENTS = {"GetChainInfo": 1, "GetBlockByNumber": 2, "GetBlockByHash": 2, "GetTransactionByID": 2,
                  "GetBlockByTxID": 2}
BY_POSITION = {"submit_transaction", "evaluate_transaction"}
BY_LIST = {"submit", "evaluate", "submit_async", "new_proposal"}


class ChaincodeCall(NamedTuple):
    where: str              # "tests/integration/test_x.py:12"
    transaction: str
    arguments: int


def chaincode_calls(source: str, name: str) -> Iterator[ChaincodeCall]:
    nodes = sorted(ast.walk(ast.parse(source)), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
    for node in nodes:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            continue
        transaction, method = node.args[0].value, node.func.attr
        if method in BY_POSITION and not any(isinstance(a, ast.Starred) for a in node.args):
            yield ChaincodeCall(f"{name}:{node.lineno}", transaction, len(node.args) - 1)
        elif method in BY_LIST and len(node.args) == 1:
            given = next((k.value for k in node.keywords if k.arg == "arguments"), None)
            if given is None and not any(k.arg is None for k in node.keywords):
                yield ChaincodeCall(f"{name}:{node.lineno}", transaction, 0)
            elif isinstance(given, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in given.elts):
                yield ChaincodeCall(f"{name}:{node.lineno}", transaction, len(given.elts))


def takes(transaction: str) -> list[tuple[int, int, str]]:
    """The argument counts each contract's transaction of that name takes: (fewest, most, where)."""
    found = []
    if transaction in QSCC_ARGUMENTS:
        found.append((QSCC_ARGUMENTS[transaction], QSCC_ARGUMENTS[transaction], f"qscc {transaction}"))
    for contract in CONTRACTS:
        function = getattr(contract, transaction, None)
        if function is None or not transaction[:1].isupper():
            continue
        parameters = list(inspect.signature(function).parameters.values())[2:]     # self, ctx
        required = sum(1 for p in parameters if p.default is p.empty)
        found.append((required, len(parameters), f"{contract.__name__}.{transaction}{inspect.signature(function)}"))
    return found


def problem(call: ChaincodeCall) -> str | None:
    """Why ``call`` fits no transaction of its name, or None."""
    counts = takes(call.transaction)
    if not counts:
        return (f"no transaction {call.transaction} in {', '.join(c.__name__ for c in CONTRACTS)} or qscc (renamed, "
                "or a contract not checked here?)")
    if any(fewest <= call.arguments <= most for fewest, most, _ in counts):
        return None
    return f"{call.arguments} argument(s), but " + "; ".join(
        f"{where} takes {fewest}" + (f" to {most}" if most != fewest else "") for fewest, most, where in counts)


CALLS = [call for path in sorted(INTEGRATION.glob("*.py"))
         for call in chaincode_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]


def test_every_transaction_the_integration_tests_call_by_name_is_the_chaincodes_and_takes_their_arguments():
    bad = [f"{call.where}: {call.transaction} with {call.arguments} argument(s): {why}"
           for call in CALLS if (why := problem(call))]
    assert not bad, ("chaincode call(s) of the integration tests that no transaction takes; fix the test (or the "
                     "contract, if the test is right):\n" + "\n".join(bad))


def test_the_collection_finds_the_calls():
    """Guards the test above against passing because it found nothing."""
    found = {(call.where.split(":")[0].removeprefix("tests/integration/"), call.transaction) for call in CALLS}
    for expected in [
        ("test_receivables_on_the_network.py", "TransferReceivable"),      # submit with arguments=[...]
        ("test_gateway_sdk.py", "PutState"),                               # the FeatureContract's
        ("test_hostile_on_the_network.py", "GetReceivable"),               # evaluate_transaction, by position
        ("test_org_onboarding.py", "WhoAmI"),                              # evaluate with no arguments
    ]:
        assert expected in found, expected
    assert len(CALLS) > 60


WRONG = '''
def test_it(contract, claim, code, fn, args):
    contract.submit("TransferReceivable", arguments=[claim.id, code], endorsing_organizations=["SupplierMSP"])
    contract.submit_transaction("TransferReceivable", claim.id, code, "100", "request-1")
    contract.evaluate_transaction("GetReceivables", claim.id)
    contract.evaluate("WhoAmI", arguments=[code])
    contract.new_proposal("PutState", arguments=["k", "v"])
    qscc.evaluate_transaction("GetTransactionByID", "receivables")
    contract.submit(fn, arguments=args)
    "PutState".split("t")
'''


def test_a_renamed_transaction_and_an_argument_too_few_or_too_many_are_found():
    calls = list(chaincode_calls(WRONG, "test_wrong.py"))
    found = {call.where: problem(call) for call in calls}
    assert found["test_wrong.py:3"].startswith("2 argument(s), but ReceivablesContract.TransferReceivable(")
    assert found["test_wrong.py:3"].endswith("takes 3 to 4")
    assert found["test_wrong.py:4"] is None                             # request_id, which has a default
    assert found["test_wrong.py:5"].startswith("no transaction GetReceivables in ReceivablesContract")
    assert found["test_wrong.py:6"].startswith("1 argument(s), but ReceivablesContract.WhoAmI")
    assert found["test_wrong.py:7"] is None
    assert found["test_wrong.py:8"] == "1 argument(s), but qscc GetTransactionByID takes 2"
    assert set(found) == {f"test_wrong.py:{n}" for n in range(3, 9)}   # a computed name, and a str's method: not
