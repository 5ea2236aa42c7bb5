"""A client identity no certificate presents (``+5``, one copied from a wrapped line) is refused by the SDK before
anything is read or sent, in the contract's words (``client-id-invalid``): bound, it would act for no one. The id
``client_id_of`` forms from a certificate goes out; unbinding and looking up take any text, as older records may
list it."""

from __future__ import annotations

import pytest

from chaincode.testing import make_identity
from client.receivables import ReceivablesClient, client_id_of

from . import fakes
from .test_arguments_the_contract_refuses import refused_before_sending

REAL = client_id_of(make_identity("SupplierMSP", "clerk").certificate)
TYPOS = ["+5", REAL.replace("clerk", "cl\nerk"), REAL.split("::CN=")[0]]


@pytest.mark.parametrize("typo", TYPOS)
def test_binding_or_registering_an_id_no_certificate_presents_is_refused_before_sending(typo):
    refused_before_sending(lambda c: c.bind_party_identity(fakes.TIER1, typo), "client-id-invalid",
                           "BindPartyIdentity")
    refused_before_sending(lambda c: c.register_party(fakes.TIER1, "Tier-1", "supplier", "SupplierMSP",
                                                      [REAL, typo], endorsing_organizations=["SupplierMSP"]),
                           "client-id-invalid", "RegisterParty")


def test_a_certificates_id_is_sent_and_an_old_text_can_still_be_unbound():
    party = fakes.party()
    contract = fakes.FakeContract(responses={"BindPartyIdentity": party, "UnbindPartyIdentity": party})
    client = ReceivablesClient(contract)
    client.bind_party_identity(fakes.TIER1, REAL)
    client.unbind_party_identity(fakes.TIER1, "+5")
    assert [call.arguments[1] for call in contract.calls] == [REAL, "+5"]
