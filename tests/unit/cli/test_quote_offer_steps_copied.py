"""The offer's steps as the quote follows them (``cli.quote_turn._noting_offers``) copy as the SDK's own steps do:
copy.copy makes the object before its step is set, and the forwarding of an unknown attribute to the step then
asked for the step itself without end (RecursionError)."""
from __future__ import annotations

import copy

from cli.quote_turn import OFFER_TRANSACTION, OfferAttempt, _noting_offers
from client.gateway import Identity, connect, private_key_signer
from tests.unit.client.gateway_fakes import FakeTransport, make_key_and_cert


def offer_contract(noted: list[str], attempt: OfferAttempt):
    key, cert_pem = make_key_and_cert("user1@org1")
    gateway = connect(identity=Identity("Org1MSP", cert_pem), signer=private_key_signer(key),
                      transport=FakeTransport())
    contract = gateway.get_network("receivables-channel").get_contract("receivables", "Receivable")
    return _noting_offers(contract, noted.append, attempt)


def test_a_copied_offer_proposal_is_the_same_proposal_and_still_moves_the_attempt_on():
    noted, attempt = [], OfferAttempt()
    proposal = offer_contract(noted, attempt).new_proposal(OFFER_TRANSACTION, arguments=["{}"])
    copied = copy.copy(proposal)
    assert copied.transaction_id == proposal.transaction_id == noted[0] == attempt.transaction_id
    copy.copy(copied.endorse()).submit()
    assert attempt.sent


def test_an_attribute_no_step_has_is_missing_on_a_copy_too():
    proposal = offer_contract([], OfferAttempt()).new_proposal(OFFER_TRANSACTION, arguments=["{}"])
    copied = copy.copy(proposal)
    assert not hasattr(copied, "no_such_attribute")
