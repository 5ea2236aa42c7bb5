"""The receivables contract (应收账款): registration, confirmation, transfer, financing, settlement.

Serve it with ``python -m chaincode --contract chaincode.receivables:ReceivablesContract``.
The domain modules (``uscc``, ``money``, ``daycount``, ``dates``, ``fingerprint``, ``keys``,
``errors``, ``identity``, ``settlement``, ``financing``, ``lifecycle``, ``policy``,
``collections``, ``config``, ``model``, ``schemas``, ``events``, ``attestation``,
``arguments``) do not import the chaincode runtime (what they share with it is in
``chaincode.caller_values`` and ``chaincode.client_ids``), so the SDK and the CLI check a
request with them without loading the shim or Fabric's protos; ``contract`` (with
``session`` and the transaction groups it is composed of, the ``tx_*`` modules), ``store``
(with its ``store_*`` parts), ``queries`` and ``upgrade`` do, so the contract is loaded only
when asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CONTRACTS", "ReceivablesContract"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import contract

        return getattr(contract, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
