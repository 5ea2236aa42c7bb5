"""Reading and writing the contract's documents through the stub: ``Store``, the one object the transactions, the
queries and the upgrade use.

One place knows the key layout: ``Store`` is composed of one class per kind of record, one module each, on
``store_base``'s keys, reads and key-level policies: the parties (``store_parties``), the claims with their
indexes and policies (``store_claims``), the fingerprint and goods receipt registries (``store_registry``),
financings and assignment notices (``store_financing``), the banks' offers and their exposure's entries
(``store_offers``), discount offers (``store_discounts``) and invoice attestations (``store_attestations``).
"""

from __future__ import annotations

from .store_attestations import AttestationRecords
from .store_base import StoreBase
from .store_claims import ClaimRecords
from .store_discounts import DiscountRecords
from .store_financing import FinancingRecords
from .store_offers import OfferRecords
from .store_parties import PartyRecords
from .store_registry import RegistryRecords


class Store(AttestationRecords, DiscountRecords, OfferRecords, FinancingRecords, RegistryRecords, ClaimRecords,
            PartyRecords, StoreBase):
    """The contract's documents through the stub (``StoreBase.__init__`` takes it and the regulator orgs)."""
