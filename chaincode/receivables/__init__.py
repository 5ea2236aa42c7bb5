"""The receivables contract (应收账款): registration, confirmation, transfer, financing, settlement.

Serve it with ``python -m chaincode --contract chaincode.receivables:ReceivablesContract``.
The domain modules (``uscc``, ``money``, ``daycount``, ``fingerprint``, ``settlement``,
``financing``, ``lifecycle``, ``policy``, ``collections``, ``config``, ``model``,
``attestation``, ``arguments``) do not
import the chaincode runtime; ``contract`` (with ``session`` and the transaction groups
it is composed of, the ``tx_*`` modules), ``store`` and ``queries`` do, so the
contract is loaded only when asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CONTRACTS", "ReceivablesContract"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import contract

        return getattr(contract, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
