"""A credit code, client identity or MSP ID holding U+0000 or U+10FFFF (the delimiters of the ledger's keys), or text
that is not UTF-8 (a lone surrogate, as ``surrogateescape`` decodes bytes that were not UTF-8), names no record:
the contract forms a key of it and refuses it ``argument-invalid`` (``keys.can_be_attribute``). It went to the peers
to be refused there; now it is refused naming the argument and the character, before anything is sent, by the
blocking and the async client alike."""

from __future__ import annotations

import re

import pytest

from client.receivables import ArgumentRefused

from .fakes import BANK, CORE, TIER1, TIER2
from .test_argument_types_and_empty_values import both_clients

R = "R-00000000000000a1"
CALLS = [("uscc", lambda c, v: c.get_party(v)), ("uscc", lambda c, v: c.rename_party(v, "Tier-1 Parts")),
         ("uscc", lambda c, v: c.party_history(v)),
         ("to", lambda c, v: c.transfer(R, v, 100)), ("holder", lambda c, v: c.list_by_holder(v)),
         ("debtor", lambda c, v: c.list_by_debtor(v)),
         ("financier", lambda c, v: c.list_by_financier(v)),
         ("debtor", lambda c, v: c.list_by_financier(BANK, debtor=v)),
         ("financier", lambda c, v: c.list_offers_by_financier(v)),
         ("debtor", lambda c, v: c.debtor_payment_record(v)), ("debtor", lambda c, v: c.financier_exposure(v)),
         ("financier", lambda c, v: c.financier_exposure(CORE, v)), ("party", lambda c, v: c.request("q-1", v)),
         ("msp_id", lambda c, v: c.find_identity_party(v, "x509::CN=a::CN=ca")),
         ("client_id", lambda c, v: c.find_identity_party("SupplierMSP", v)),
         ("client_id", lambda c, v: c.unbind_party_identity(TIER1, v))]


@pytest.mark.parametrize("stray", ["\x00", "\U0010ffff", "\udc80"], ids=["nul", "range-end", "lone-surrogate"])
@pytest.mark.parametrize("argument, call", CALLS, ids=[f"{a}-{i}" for i, (a, _) in enumerate(CALLS)])
def test_an_id_no_key_can_be_formed_of_is_refused_naming_it(argument, call, stray):
    given = TIER2[:9] + stray + TIER2[9:]
    raised, contracts = both_clients(lambda c: call(c, given))
    for error in raised:
        assert type(error) is ArgumentRefused
        assert re.fullmatch(re.escape(f"{argument} {given!r} holds {stray!r}, which no id, credit code or client "
                                      "identity holds (the contract forms a key of it): remove it; nothing was sent"),
                            str(error)), str(error)
    assert [c.calls for c in contracts] == [[], []]
