"""The deepest event the contract emits nests as deep as docs/sdk-receivables.md and ``MAX_EVENT_DEPTH`` say.

A ``LedgerUpgraded`` listing a claim to reseal nests four levels (the payload, ``claims_to_reseal``, each
claim, its ``key_orgs``), one more than a payment (the payload, ``allocations``, each allocation): a reader
sizing its own walk of ``details`` on the documented depth must not meet a deeper event of the contract.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from client.gateway import ChaincodeEvent
from client.receivables import ReceivablesEvent, _events

from ..receivables.support import CORE, REGULATOR, SUPPLIER, standard_net
from ..receivables.test_claim_policy_never_one_org import guarded_by

SDK_DOC = Path(__file__).resolve().parents[3] / "docs" / "sdk-receivables.md"
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5}


def _depth(value: Any) -> int:
    """How many levels of arrays and objects ``value`` nests (itself one)."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


async def _upgrade_listing_a_claim_to_reseal() -> tuple[str, str, bytes]:
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    claim = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    await net.ok(regulator, "FreezeReceivable", claim, "order-1")
    # as a freeze before b8aeb33 left it: the regulator's org not named in the key's policy
    guarded_by(net, claim, CORE, SUPPLIER)
    result = await net.call(net.admins[REGULATOR], "UpgradeLedger", "100", "")
    assert result.status == 200, result.message
    return result.tx_id, *result.event


async def test_the_deepest_event_nests_as_deep_as_the_docs_say():
    tx_id, name, payload = await _upgrade_listing_a_claim_to_reseal()
    assert json.loads(payload)["claims_to_reseal"] != []
    deepest = _depth(json.loads(payload))
    assert deepest == 4
    said = re.search(r"The contract's events nest (\w+) levels at most", SDK_DOC.read_text()).group(1)
    assert NUMBERS[said] == deepest, f"docs/sdk-receivables.md says {said}"
    # MAX_EVENT_DEPTH's docstring, read from the source (an int's __doc__ is int's)
    said_in_code = re.search(r"The contract's events nest (\w+) (?:levels )?at most",
                             Path(_events.__file__).read_text()).group(1)
    assert NUMBERS[said_in_code] == deepest, f"MAX_EVENT_DEPTH's docstring says {said_in_code}"
    # and the SDK reads it, to the last level
    event = ReceivablesEvent.from_chaincode_event(ChaincodeEvent(
        block_number=7, transaction_id=tx_id, chaincode_name="receivables", event_name=name, payload=payload))
    assert event.typed().claims_to_reseal[0].key_orgs == [CORE, SUPPLIER]
