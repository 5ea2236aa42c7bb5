"""A request given as a dict of its fields (as a JSON document reads) or as anything else but its model is refused
with a TypeError that names what was given and how to build the model, before anything is sent, by the blocking
and the async client alike."""

from __future__ import annotations

import pytest

from client.receivables import (ArgumentTypeRefused, DiscountOfferRequest, InvoiceAttestationRequest,
                                ReceivableRegistration)

from .test_argument_types_and_empty_values import both_clients

CALLS = [
    ("register_receivable", ReceivableRegistration, lambda c, given: c.register_receivable(given)),
    ("publish_discount_offer", DiscountOfferRequest, lambda c, given: c.publish_discount_offer(given)),
    ("attest_invoice_verification", InvoiceAttestationRequest, lambda c, given: c.attest_invoice_verification(given)),
]


@pytest.mark.parametrize("name, model, call", CALLS, ids=[name for name, *_ in CALLS])
def test_a_dict_is_refused_naming_model_validate(name, model, call):
    raised, contracts = both_clients(lambda c: call(c, {"debtor": "91350100M000100Y43"}))
    for error in raised:
        assert type(error) is ArgumentTypeRefused
        assert str(error) == (f"{name} takes a {model.__name__}, not dict: {model.__name__}.model_validate(the_dict) "
                              "builds one from a dict of its fields, checking each; nothing was sent")
    assert [c.calls for c in contracts] == [[], []]


@pytest.mark.parametrize("name, model, call", CALLS, ids=[name for name, *_ in CALLS])
def test_anything_else_is_refused_naming_how_to_build_one(name, model, call):
    raised, contracts = both_clients(lambda c: call(c, "R-1"))
    for error in raised:
        assert type(error) is ArgumentTypeRefused
        assert str(error).startswith(f"{name} takes a {model.__name__}, not str: build one: {model.__name__}")
    assert [c.calls for c in contracts] == [[], []]
