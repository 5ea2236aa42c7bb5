"""``link_paper_identity`` checks the paper form's code and number with the contract's own rules before anything
is sent, as a registration naming them is (``InvoiceInput``): a paper number that is not 8 ASCII digits
(``invoice-number-invalid``), a paper code holding anything but ASCII digits (``invoice-code-invalid``, a space or
a full-width digit as pasted from a scan). Both went to the peers, to be refused after the claim was read.
Each refusal names the rule the contract answers with, checked on MemoryLedger against the contract itself."""

from __future__ import annotations

import pytest

from client.receivables import ReceivablesClient, RefusedBeforeSending
from client.receivables.errors import RULE_PATTERN

from .fakes import FakeContract
from .test_argument_refusals_name_the_contracts_rule import refusal_of_both_clients
from .test_contract_agreement import Lifecycle

NUMBER = "26312000000012345678"     # the invoice of Lifecycle.claim_to_split's claim
CODE, PAPER_NUMBER = "144031900111", "00012345"


@pytest.fixture(scope="module")
def claim():
    life = Lifecycle()
    _, tier1, _, root = life.claim_to_split()
    return life, tier1, root


def refused_by_both_clients(claim_id: str, paper_code: str, paper_number: str) -> RefusedBeforeSending:
    return refusal_of_both_clients(
        lambda client: client.link_paper_identity(claim_id, NUMBER, paper_code, paper_number))[0]


@pytest.mark.parametrize("paper_number", ["1234", "0001234５", " 00012345", "0001-2345", "000123456"])
def test_a_paper_number_of_no_8_ascii_digits_is_refused_by_the_contracts_rule(claim, paper_number):
    life, tier1, root = claim
    refused = refused_by_both_clients(root, CODE, paper_number)
    answered = life.call(tier1, "LinkPaperIdentity", root, NUMBER, CODE, paper_number)
    assert (refused.transaction, refused.rule) == ("LinkPaperIdentity", RULE_PATTERN.search(answered.message).group(1))
    assert refused.detail.startswith("paper_number: ") and "8 digits" in refused.detail


@pytest.mark.parametrize("paper_code", ["1440319001１1", " 144031900111", "1440-3190-0111", "ABCDEFGHIJKL"])
def test_a_paper_code_of_anything_but_ascii_digits_is_refused_by_the_contracts_rule(claim, paper_code):
    life, tier1, root = claim
    refused = refused_by_both_clients(root, paper_code, PAPER_NUMBER)
    answered = life.call(tier1, "LinkPaperIdentity", root, NUMBER, paper_code, PAPER_NUMBER)
    assert (refused.transaction, refused.rule) == ("LinkPaperIdentity", RULE_PATTERN.search(answered.message).group(1))
    assert refused.detail.startswith("paper_code: ")


def test_with_both_wrong_the_code_is_refused_first_as_by_the_contract(claim):
    life, tier1, root = claim
    refused = refused_by_both_clients(root, "ABC", "1234")
    answered = life.call(tier1, "LinkPaperIdentity", root, NUMBER, "ABC", "1234")
    assert refused.rule == RULE_PATTERN.search(answered.message).group(1) == "invoice-code-invalid"


def test_a_well_formed_identity_is_sent_as_given():
    contract = FakeContract(responses={"LinkPaperIdentity": {}})
    with pytest.raises(ValueError):     # the fake's empty answer is no Receivable: what was sent is the point
        ReceivablesClient(contract).link_paper_identity("R-0123456789abcdef", NUMBER, CODE, PAPER_NUMBER)
    assert contract.only().arguments == ["R-0123456789abcdef", NUMBER, CODE, PAPER_NUMBER]
