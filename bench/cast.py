"""Who acts in the component benchmarks, and with what: the demo's parties as test identities,
and each operation's arguments as the SDK sends them."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from chaincode.receivables import uscc
from chaincode.testing import TestIdentity, make_identity
from client.receivables import new_request_id

from .loopback_peer import LoopbackPeer, checked
from .workloads import Parties, new_registration

SPLIT_AMOUNT_FEN = 100_00
"""What each transfer splits off to the tier-2 supplier."""


def credit_code(n: int) -> str:
    body = f"91310000{n:08d}X"
    return body + uscc.check_character(body)


@dataclass
class Cast:
    """The demo's parties as test identities: admins register them, their users act."""

    admins: dict[str, TestIdentity] = field(default_factory=dict)
    users: dict[str, TestIdentity] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    PARTIES = (("core", "CoreEnterpriseMSP", "core_enterprise"), ("tier1", "SupplierMSP", "supplier"),
               ("tier2", "SupplierMSP", "supplier"), ("bank", "BankMSP", "financier"),
               ("regulator", "RegulatorMSP", "regulator"))

    @classmethod
    def create(cls) -> Cast:
        cast = cls()
        for n, (name, msp, _) in enumerate(cls.PARTIES, 1):
            cast.admins.setdefault(msp, make_identity(msp, f"admin-{msp}", ou="admin"))
            cast.users[name] = make_identity(msp, f"{name}-user")
            cast.codes[name] = credit_code(n)
        return cast

    def party_registrations(self) -> list[tuple[TestIdentity, list[str]]]:
        """(admin, RegisterParty arguments) of each party."""
        out = []
        for name, msp, role in self.PARTIES:
            party = {"uscc": self.codes[name], "name": name, "role": role, "msp_id": msp,
                     "client_ids": [self.users[name].id]}
            out.append((self.admins[msp], [json.dumps(party, separators=(",", ":"))]))
        return out

    def register_arguments(self, today: date) -> list[str]:
        """A new receivable on a new invoice, as the SDK sends it (JSON, then a request id)."""
        parties = Parties(None, None, self.codes["tier1"], self.codes["core"], self.codes["tier2"])
        registration = new_registration(parties, today)
        return [json.dumps(registration.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False),
                new_request_id()]

    def transfer_arguments(self, receivable_id: str) -> list[str]:
        return [receivable_id, self.codes["tier2"], str(SPLIT_AMOUNT_FEN), new_request_id()]


def offer_terms(today: date) -> dict[str, bytes]:
    """A bank's terms as the SDK sends them (transient ``terms``), valid for 30 days."""
    terms = {"advance_rate": "0.9", "discount_rate": "0.045", "fees": 0, "recourse": False, "day_count": "ACT/360",
             "expires_on": (today + timedelta(days=30)).isoformat(), "salt": secrets.token_hex(16)}
    return {"terms": json.dumps(terms, sort_keys=True, separators=(",", ":")).encode()}


def discount_offer_arguments(receivable_id: str, today: date) -> list[str]:
    """The debtor's early-payment offer on one receivable at a flat 6 % a year, with a request id."""
    offer = {"apr": "0.06", "day_count": "ACT/360", "expires_on": (today + timedelta(days=30)).isoformat(),
             "receivable_ids": [receivable_id]}
    return [json.dumps(offer, separators=(",", ":")), new_request_id()]


async def setup_parties(peer: LoopbackPeer, cast: Cast) -> None:
    for admin, arguments in cast.party_registrations():
        await checked(peer, admin, "RegisterParty", arguments)
