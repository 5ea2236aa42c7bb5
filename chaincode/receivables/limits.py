"""Names and bounds of the contract's documents that a client shows in its help, in a module that imports nothing:
`recfin receivable list --help` and `recfin discount publish --help` show them without loading the contract's
models (pydantic) or its identities (cryptography). ``model`` takes them from here and still names them."""

STATUSES = ("REGISTERED", "CONFIRMED", "REJECTED", "WITHDRAWN", "SPLIT", "FINANCED", "OVERDUE", "SETTLED")
"""A receivable's statuses, in the order of its life."""

TIER_MIN_DAYS_EARLY = 1
TIER_MAX_DAYS_EARLY = 3660
"""The days early a discount scale's tier may start at (``ScaleTier.min_days_early``): from a day to ten years."""
