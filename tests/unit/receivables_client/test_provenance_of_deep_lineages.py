"""A lineage split deeper than the contract now allows (before ca1ccfd nothing bounded it) is read in parts: the
contract answers 64 levels below the claim asked about, marks each node whose children it left out, and the SDK
reads every answer, deeper than its JSON parser's 200 levels of nesting as the whole tree would be; the CLI's text
says where children were left out and how to read them."""

from __future__ import annotations

import json

import client.receivables as sdk
from chaincode.receivables import lifecycle

from . import fakes, test_cli
from .test_contract_agreement import Lifecycle

ledger = test_cli.ledger  # the recording double behind the CLI's sessions
LEVELS = 110  # two levels of JSON nesting each: past the parser's limit, had the contract answered them all


def deepest_path(node: sdk.ProvenanceNode) -> list[sdk.ProvenanceNode]:
    """The nodes down the last child of each, from ``node``."""
    path = [node]
    while path[-1].children:
        path.append(path[-1].children[-1])
    return path


def test_a_lineage_split_before_the_limit_is_read_64_levels_per_answer(monkeypatch):
    life = Lifecycle()
    core, tier1, tier2, root = life.claim_to_split()
    with monkeypatch.context() as before_the_limit:
        before_the_limit.setattr(lifecycle, "MAX_SPLIT_DEPTH", LEVELS + 1)
        kept = root
        for _ in range(LEVELS):
            kept = life.ok(tier1, "TransferReceivable", kept, tier2.uscc, "1")["children"][1]

    answer = life.call(core, "GetProvenance", root, evaluate=True).payload
    first = sdk.Provenance.model_validate_json(answer)
    assert first.to_json() == json.loads(answer)
    path = deepest_path(first.tree)
    cut = path[-1]
    assert len(path) - 1 == lifecycle.MAX_SPLIT_DEPTH and cut.status == "SPLIT"
    assert (cut.children, cut.children_omitted) == ([], True)
    assert not any(node.children_omitted for node in path[:-1])

    rest = sdk.Provenance.model_validate_json(life.call(core, "GetProvenance", cut.id, evaluate=True).payload)
    assert [a.id for a in rest.ancestors][0] == path[-2].id and rest.ancestors[-1].id == root
    tail = deepest_path(rest.tree)
    assert (len(tail) - 1, tail[-1].id, tail[-1].children_omitted) == (LEVELS - lifecycle.MAX_SPLIT_DEPTH, kept, False)


def test_the_text_provenance_says_where_deeper_splits_were_left_out_and_how_to_see_them(ledger):
    def node(rid: str, parent: str | None, status: str, children: list, **omitted) -> dict:
        return {"id": rid, "status": status, "holder": fakes.TIER1, "face_amount": 100, "outstanding": 0 if children
                or omitted else 100, "parent_id": parent, "children": children, **omitted}

    cut = node("R-1.2", "R-1", "SPLIT", [], children_omitted=True)
    ledger.responses["GetProvenance"] = {"id": "R-1", "root_id": "R-1", "ancestors": [],
                                         "tree": node("R-1", None, "SPLIT", [node("R-1.1", "R-1", "CONFIRMED", []), cut])}
    ledger.responses["GetReceivable"] = fakes.receivable(id="R-1")
    res = test_cli.invoke("receivable", "provenance", "R-1")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "- R-1.2  SPLIT" in line)
    assert lines[at + 1:] == ["      (deeper splits not shown: recfin receivable provenance R-1.2)"]
    assert "deeper splits" not in "\n".join(lines[:at + 1])   # only below the node cut


def test_a_redacted_part_cut_short_does_not_point_to_a_read_the_caller_would_be_refused(ledger):
    # GetProvenance of that part would be refused (not-permitted-to-read): the line says so rather than suggest it
    cut = {"id": "R-1.2", "status": None, "holder": None, "face_amount": None, "outstanding": None,
           "parent_id": "R-1", "redacted": True, "children": [], "children_omitted": True}
    root = {"id": "R-1", "status": "SPLIT", "holder": fakes.TIER1, "face_amount": 100, "outstanding": 0,
            "parent_id": None, "children": [cut]}
    ledger.responses["GetProvenance"] = {"id": "R-1", "root_id": "R-1", "ancestors": [], "tree": root}
    ledger.responses["GetReceivable"] = fakes.receivable(id="R-1")
    res = test_cli.invoke("receivable", "provenance", "R-1")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-2:] == ["  - R-1.2  (redacted: you may not read it)",
                                            "      (deeper splits not shown, and not yours to read)"]
