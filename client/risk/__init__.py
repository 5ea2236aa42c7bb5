"""Risk scoring of debtors from their ledger history.

- :mod:`.history`: the event history features are computed from, and the ledger adapter;
- :mod:`.features`: (history, as_of) -> DebtorFeatures, no look-ahead;
- :mod:`.model`: the JSON model artefact and the scorer (no scikit-learn needed);
- :mod:`.simulator`: SYNTHETIC histories for training;
- :mod:`.training`: train and evaluate (needs scikit-learn).
"""

from .features import MODEL_FEATURES, DebtorFeatures, debtor_features
from .history import LedgerEvent, ReceivableHistory, events_from_payment_record, history_from_ledger, ledger_as_of
from .model import DEFAULT_MODEL, DebtorScore, LatePaymentModel, grade_for, score_debtor

__all__ = [
    "DEFAULT_MODEL", "DebtorFeatures", "DebtorScore", "LatePaymentModel", "LedgerEvent", "MODEL_FEATURES",
    "ReceivableHistory", "debtor_features", "events_from_payment_record", "grade_for", "history_from_ledger",
    "ledger_as_of", "score_debtor",
]
