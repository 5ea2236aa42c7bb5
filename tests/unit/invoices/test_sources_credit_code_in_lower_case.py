"""The reference business registry and credit bureau answered a credit code asked in lower case with no record
(``None``: "the registry does not know this enterprise"), where the CLI reads such a code as the code in capitals
(``credit_code_option(capitals_read=True)``), so an invoice naming its buyer so was verified as naming an enterprise
the registry does not know, and the debtor's credit went unread. They look the code up in capitals now, as the CLI
reads it, and verification says what is wrong with the invoice (its tax id in lower case) instead."""

from __future__ import annotations

from datetime import date

import pytest

from client.invoices import ReferenceBusinessRegistry, ReferenceCreditBureau, verify_with_sources
from client.invoices.credit_code import in_capitals
from client.invoices.model import Party

from ._samples import BUYER, invoice


@pytest.fixture(scope="module")
def registry():
    return ReferenceBusinessRegistry()


@pytest.fixture(scope="module")
def bureau():
    return ReferenceCreditBureau()


@pytest.mark.parametrize("asked", [BUYER.tax_id.lower(), BUYER.tax_id[:10] + BUYER.tax_id[10:].lower()])
def test_a_code_in_lower_case_finds_the_record_of_the_code_in_capitals(registry, bureau, asked):
    assert registry.lookup_enterprise(asked) == registry.lookup_enterprise(BUYER.tax_id) is not None
    assert bureau.lookup_credit(asked) == bureau.lookup_credit(BUYER.tax_id) is not None


def test_only_ascii_letters_are_read_in_capitals(registry):
    # a full-width letter is no letter of a code: str.upper would make some characters ASCII ones (ﬀ into FF)
    assert in_capitals("91440300ma5f7kq3xu") == "91440300MA5F7KQ3XU"
    assert in_capitals("ﬀａ") == "ﬀａ"
    assert registry.lookup_enterprise(BUYER.tax_id[:17] + "Ｕ") is None


def test_an_invoice_naming_its_buyer_in_lower_case_is_found_by_the_registry_and_the_bureau(registry, bureau):
    lower = invoice(buyer=Party(name=BUYER.name, tax_id=BUYER.tax_id.lower()))
    result = verify_with_sources(lower, None, registry, bureau, today=date(2026, 9, 10))
    found = {f.check: f for f in result.findings}
    assert found["source.registry.buyer"].status == "pass", found["source.registry.buyer"].message
    assert found["source.registry.buyer"].message == f"reference-registry: {BUYER.name} is active"
    assert found["source.credit.debtor"].status == "pass", found["source.credit.debtor"].message
    # the record is the buyer's, not another party's: nothing disagrees on its tax id
    assert not [d for d in result.disagreements if d.field == "buyer.tax_id"]
