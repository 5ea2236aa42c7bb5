"""Pricing and financing proposals: offers from a risk grade, and their comparison.

- :mod:`.money`: exact interest, fees, net cash and APR (fen, Decimal, half up);
- :mod:`.config`: one bank's parameters (one YAML per bank);
- :mod:`.pricer`: grade + exposure -> the bank's offer;
- :mod:`.quote_lock`: one bank's quotes on one debtor take turns on a host;
- :mod:`.proposals`: every offer on a receivable priced and ranked, with why;
- :mod:`.ledger`: a receivable's offers read through ``client.receivables``.
"""

from .config import BankPricing, PricingConfigError, bank_config_path, load_bank_config, validation_problems
from .money import effective_annual_cost, interest_fen, proportion_fen
from .pricer import LimitStanding, Quote, RateParts, quote
from .proposals import BankOffer, EarlyPaymentOffer, Proposal, ReceivableTerms, ScaleTier, rank_proposals
from .quote_lock import QuoteLockTimeout, quote_lock

__all__ = [
    "BankOffer", "BankPricing", "EarlyPaymentOffer", "LimitStanding", "PricingConfigError", "Proposal", "Quote",
    "QuoteLockTimeout", "RateParts", "ReceivableTerms", "ScaleTier", "bank_config_path", "effective_annual_cost",
    "interest_fen", "load_bank_config", "proportion_fen", "quote", "quote_lock", "rank_proposals",
    "validation_problems",
]
