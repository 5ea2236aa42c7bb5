"""The contract's keys as they stand in blocks, spelled by whoever reads the ledger without the contract.

Every record is under a composite key, which the shim builds as U+0000, the object type, U+0000, then each
attribute followed by U+0000 (chaincode/receivables/keys.py has the layout; the client never imports the
chaincode, and a unit test keeps the two spellings equal). An auditor looks for these keys in a transaction's
write set; the fault suite's replay (bench/ledger_check.py) compares world state under them.
"""
from __future__ import annotations

RECEIVABLE_TYPE = "recfin.receivable"
PARTY_TYPE = "recfin.party"


def composite_key(object_type: str, *attributes: str) -> str:
    return "\x00" + object_type + "\x00" + "".join(attribute + "\x00" for attribute in attributes)


def split_key(key: str, attributes_read: int = -1) -> tuple[str, list[str]] | None:
    """The object type and attributes of a composite key as the shim builds it (``composite_key``), or None for a
    key that is not one. ``attributes_read``: split off only that many attributes, the rest of the key left
    whole in one more, as ``str.split`` leaves it (-1: every one), for a key of any length given by a caller."""
    if len(key) < 2 or key[0] != "\x00" or key[-1] != "\x00":
        return None
    object_type, *attributes = key[1:-1].split("\x00", -1 if attributes_read < 0 else attributes_read + 1)
    return object_type, attributes


def receivable_key(receivable_id: str) -> str:
    return composite_key(RECEIVABLE_TYPE, receivable_id)


def party_key(uscc: str) -> str:
    return composite_key(PARTY_TYPE, uscc)
