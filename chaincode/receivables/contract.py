"""The receivables contract: one method per business action.

Each method reads like the business: guard clauses first (who is calling, what
state the claim is in, what the arguments must satisfy), then read, change,
write, and emit exactly one event. A broken rule raises ``ContractError`` with
``RULE <code>: <what to do>``; the runtime then discards every write.

The transactions are grouped by business area, one module each, as classes this module composes into
``ReceivablesContract``: ``tx_parties``, ``tx_registration``, ``tx_lifecycle``, financing in four
(``tx_financing_request``, ``tx_financing_offers``, ``tx_financing_loan`` and ``tx_financing_recourse``, on the base
and checks they share in ``tx_financing``), ``tx_discounting``, ``tx_settlement``, ``tx_attestations``,
``tx_freezes``, ``tx_upgrade`` and ``tx_queries``.
``session`` holds what one transaction knows (``Session``) and ``rules``; ``arguments`` the checks of what callers
send that several groups share.
"""

from __future__ import annotations

from chaincode.contract import Context, Contract, ContractError

from . import collections as colls
from . import config as cfg
from . import dates
from .errors import rule
from .session import Session
from .store import Store
from .tx_attestations import AttestationTransactions
from .tx_discounting import DiscountingTransactions
from .tx_financing_loan import LoanTransactions
from .tx_financing_offers import FinancingOfferTransactions
from .tx_financing_recourse import RecourseTransactions
from .tx_financing_request import FinancingRequestTransactions
from .tx_freezes import FreezeTransactions
from .tx_lifecycle import LifecycleTransactions
from .tx_parties import PartyTransactions
from .tx_queries import QueryTransactions
from .tx_registration import RegistrationTransactions
from .tx_settlement import SettlementTransactions
from .tx_upgrade import UpgradeTransactions

__all__ = ["CONTRACTS", "ReceivablesContract"]


# The runtime lists a contract's transactions base-most class first (``Contract.transactions`` walks the MRO from
# its end), each class's in the order they are defined: the groups are named here last first, so that GetMetadata
# lists them parties first and queries last, in the order the clients and the docs know.
class ReceivablesContract(QueryTransactions, UpgradeTransactions, FreezeTransactions, AttestationTransactions,
                          SettlementTransactions, DiscountingTransactions, RecourseTransactions, LoanTransactions,
                          FinancingOfferTransactions, FinancingRequestTransactions, LifecycleTransactions,
                          RegistrationTransactions, PartyTransactions, Contract):
    """Receivables (应收账款) from registration through confirmation, transfer, financing and settlement."""

    name = "receivables"

    def __init__(self, config: cfg.NetworkConfig | None = None) -> None:
        """config: the network's org roles and rules; by default the deployment's (``cfg.load_config``:
        the file RECFIN_NETWORK_CONFIG names, else ``DEFAULT_CONFIG``)."""
        super().__init__()
        self.config = config if config is not None else cfg.load_config()
        self.collection_names = {c["name"] for c in colls.collections_config(self.config)}

    def invalid_arguments(self, error: ContractError) -> ContractError:
        """A wrong number of arguments, or text that is not JSON for a JSON one, refused by the runtime before
        the transaction runs: named by its rule like every other refusal."""
        return ContractError(str(rule("argument-invalid", error.message)))

    def _session(self, ctx: Context) -> Session:
        ts = ctx.stub.get_tx_timestamp()
        store = Store(ctx.stub, regulators=self.config.msps_with_role(cfg.REGULATOR))
        return Session(ctx, store, self.config, dates.business_date(ts), dates.iso_timestamp(ts), ctx.stub.tx_id)


CONTRACTS = [ReceivablesContract()]  # with the deployment's configuration (cfg.load_config)
