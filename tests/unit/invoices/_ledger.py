"""The receivables chaincode on a MemoryLedger with the sample invoice's parties, behind the SDK.

Each org's client talks to the contract through the in-process Gateway Contract
(tests/unit/ledger_contract.py), so the commands, the SDK and the chaincode run for real.
"""

from __future__ import annotations

import asyncio
import json
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

from chaincode.receivables import ReceivablesContract
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.testing import MemoryLedger, make_identity
from client.invoices.credit_code import credit_code_check_digit
from client.receivables import ReceivablesClient

from ..ledger_contract import LedgerContract
from ._samples import BUYER, SELLER

NOW = datetime(2026, 9, 10, 2, 0, tzinfo=timezone.utc)  # 10:00 on 10 September in Beijing
BANK_CODE = "91440300MA5H0BNK1" + credit_code_check_digit("91440300MA5H0BNK1")
REGULATOR_CODE = "11100000MB0REGUL1" + credit_code_check_digit("11100000MB0REGUL1")


class SecondsLater(datetime):
    """``datetime`` whose ``now`` is a second later at each call: each attempt's evidence would carry its own time."""

    calls = 0

    @classmethod
    def now(cls, tz=None):
        cls.calls += 1
        return NOW + timedelta(seconds=cls.calls)


class Ledger:
    """The sample invoice's seller and buyer, a bank and the regulator, registered; one identity per org."""

    ORGS = {"supplier": ("SupplierMSP", "supplier", SELLER.tax_id, SELLER.name),
            "coreenterprise": ("CoreEnterpriseMSP", "core_enterprise", BUYER.tax_id, BUYER.name),
            "bank": ("BankMSP", "financier", BANK_CODE, "First Bank"),
            "regulator": ("RegulatorMSP", "regulator", REGULATOR_CODE, "Regulator")}

    def __init__(self, config: NetworkConfig = DEFAULT_CONFIG) -> None:
        self.memory = MemoryLedger([ReceivablesContract(config)])
        self.now = NOW
        self.identities: dict[str, Any] = {}
        self.opened: list[tuple[str, str | None]] = []
        for org, (msp, role, code, name) in self.ORGS.items():
            identity = make_identity(msp, f"{org}-user")
            admin = make_identity(msp, f"{org}-admin", ou="admin")
            party = {"uscc": code, "name": name, "role": role, "msp_id": msp, "client_ids": [identity.id]}
            result = asyncio.run(self.memory.submit(admin, "receivables:RegisterParty", json.dumps(party),
                                                    timestamp=self.now))
            assert result.status == 200, result.message
            self.identities[org] = identity

    def client(self, org: str) -> ReceivablesClient:
        return ReceivablesClient(LedgerContract(self.memory, self.identities[org], lambda: self.now))

    def serve(self, monkeypatch) -> "Ledger":
        """Make ``cli.connection.open_session`` open sessions on this ledger, and the invoice commands' today its
        business date (China Standard Time of ``now``), as they read the ledger's today."""
        from cli import connection, invoice_commands
        from client.business_dates import business_date

        @contextmanager
        def open_session(org, user=None, data_root=None, *, admin=False):
            self.opened.append((org, user))
            # what `receivable get` reads of a session besides the client: who acts, for its notes
            yield SimpleNamespace(client=self.client(org), profile=SimpleNamespace(org=org),
                                  user=SimpleNamespace(name=user))

        monkeypatch.setattr(connection, "open_session", open_session)
        monkeypatch.setattr(invoice_commands, "business_today", lambda: business_date(self.now))
        return self
