"""Risk scoring of debtors from their ledger history.

- :mod:`.history`: the event history features are computed from, and the ledger adapter;
- :mod:`.features`: (history, as_of) -> DebtorFeatures, no look-ahead;
- :mod:`.model`: the JSON model artefact and the scorer (no scikit-learn needed);
- :mod:`.simulator`: SYNTHETIC histories for training;
- :mod:`.training`: train and evaluate (needs scikit-learn).

The names below are imported from their modules when first asked for: a light module of the package
(``model_file``, ``working_days``) is imported without the features' and the model's pydantic and numpy, which
the CLI's --help has no need of.
"""
from __future__ import annotations

import importlib
from typing import Any

_MODULE_OF = {
    "MODEL_FEATURES": "features", "DebtorFeatures": "features", "debtor_features": "features",
    "LedgerEvent": "history", "ReceivableHistory": "history", "events_from_payment_record": "history",
    "history_from_ledger": "history", "ledger_as_of": "history",
    "DEFAULT_MODEL": "model", "DebtorScore": "model", "LatePaymentModel": "model", "grade_for": "model",
    "score_debtor": "model",
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    if name in _MODULE_OF:
        value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
