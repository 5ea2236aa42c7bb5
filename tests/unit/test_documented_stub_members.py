"""docs/chaincode-api.md describes every call a contract makes on ``ctx.stub`` and ``ctx.client_identity``.

The ChaincodeStub section lists the stub's properties, synchronous calls and coroutines, and "The transaction
context" the client identity's: a public member of either class that neither names is one a contract author
finds only by reading the source, and one they name that the class lacks is a call that fails
(test_documented_signatures.py holds the parameters of those named to the code's).
"""
from __future__ import annotations

import inspect
import re

from chaincode.shim import ChaincodeStub, ClientIdentity
from tests.unit.test_documented_python import ROOT

PAGE = (ROOT / "docs" / "chaincode-api.md").read_text(encoding="utf-8")
# Members the runtime calls, not a contract: it builds the identity from the proposal's creator, takes the
# event when the function returns, and ends and sends the transaction's writes.
RUNTIME_ONLY = {ClientIdentity: {"from_serialized"}, ChaincodeStub: {"event", "end_writes", "flush_writes"}}
SECTIONS = {ClientIdentity: "## The transaction context", ChaincodeStub: "## ChaincodeStub"}


def section(heading: str) -> str:
    return PAGE.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def public_members(cls: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls) if not name.startswith("_")}


def named_members(text: str) -> set[str]:
    """Each name the section's inline code shows as a member: ``get_state(key)``, ``tx_id``, ``msp_id``."""
    return {match for span in re.findall(r"`([^`]+)`", text) for match in re.findall(r"^(\w+)(?:\(|$)", span)}


def test_every_public_member_is_described():
    for cls, heading in SECTIONS.items():
        undescribed = public_members(cls) - RUNTIME_ONLY[cls] - named_members(section(heading))
        assert not undescribed, f"{cls.__name__} members chaincode-api.md's {heading!r} does not name: {undescribed}"


def test_the_runtime_only_members_exist():
    for cls, members in RUNTIME_ONLY.items():
        assert members <= public_members(cls), f"{cls.__name__} has no {members - public_members(cls)}"


def test_every_stub_call_the_section_lists_exists():
    """The calls the section lists: the coroutines table's first column, and the synchronous calls before it (a
    span that is a call, ``get_binding() -> bytes``, or a member's snake_case name, ``tx_id``)."""
    listed = section("## ChaincodeStub").split("\n\nErrors the peer returns", 1)[0]
    synchronous, table = listed.split("\nCoroutines", 1)
    calls = {re.match(r"\w+", span)[0] for span in re.findall(r"`([^`]+)`", synchronous)
             if re.fullmatch(r"[a-z]+_\w*(\(.*\))?( -> .*)?|[a-z]\w*\(.*\)( -> .*)?", span)}
    calls |= {name for column in re.findall(r"^\| (.+?) \| ", table, re.MULTILINE)
              for name in re.findall(r"`(\w+)\(", column)}
    assert {"tx_id", "set_event", "get_state", "invoke_chaincode"} <= calls, "the section is not read as it is laid out"
    missing = calls - public_members(ChaincodeStub)
    assert not missing, f"chaincode-api.md lists stub calls ChaincodeStub lacks: {missing}"
