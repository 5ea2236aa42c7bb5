"""Arguments of the wrong type raise TypeError, and values the contract would refuse are stopped before
anything is sent, by the blocking and the async client alike.

A page size or an exposure version given as ``"20"``, ``20.0`` or ``True`` is of the wrong type (the Errors
section of docs/sdk-receivables.md), where it raised ValueError; an exposure version above the contract's 15
digits, a party registered with an empty name or client identity were sent and refused by the contract.
"""

from __future__ import annotations

import asyncio

import pytest

from chaincode.receivables.errors import RuleViolation as ContractRuleViolation
from chaincode.receivables.tx_financing_offers import _version as contract_exposure_version
from client.receivables import (ArgumentRefused, ArgumentTypeRefused, AsyncReceivablesClient, ReceivablesClient,
                                RefusedBeforeSending)
from client.receivables._offers import EXPOSURE_VERSION_MAX

from . import fakes
from .fakes import BANK, TIER1, FakeContract
from .test_async_client import FakeAsyncContract
from .test_client_calls import TERMS

F = "F-00000000000000b1"
ORGS = ["SupplierMSP", "BankMSP"]
CLIENT_ID = "x509::CN=a::CN=ca"


def both_clients(call):
    """``call`` made on a blocking and an async client, each over a recording contract: what each raised,
    and the two contracts (to see what was sent)."""
    contracts = FakeContract(), FakeAsyncContract()
    raised = []
    for contract, run in zip(contracts, (lambda c: call(ReceivablesClient(c)),
                                         lambda c: asyncio.run(call(AsyncReceivablesClient(c))))):
        with pytest.raises(Exception) as error:
            run(contract)
        raised.append(error.value)
    return raised, contracts


PAGED_CALLS = [lambda c, size: c.list_by_holder(TIER1, page_size=size),
               lambda c, size: c.list_offers_by_financier(BANK, page_size=size),
               lambda c, size: c.upgrade_ledger(size)]


@pytest.mark.parametrize("size", ["20", 20.0, True])
@pytest.mark.parametrize("paged", PAGED_CALLS,
                         ids=["list_by_holder", "list_offers_by_financier", "upgrade_ledger"])
def test_a_page_size_of_another_type_raises_type_error_naming_it_before_anything_is_sent(paged, size):
    raised, contracts = both_clients(lambda c: paged(c, size))
    for error in raised:
        assert type(error) is ArgumentTypeRefused
        assert str(error).startswith(f"page_size must be an int, not {type(size).__name__} ({size!r}): "
                                     "ask for 1 to 100 records per page")
    assert [c.calls for c in contracts] == [[], []]


@pytest.mark.parametrize("size", [0, 101])
def test_a_page_size_outside_1_to_100_is_still_a_value_error(size):
    # the contract's refusal of it (RefusedBeforeSending page-size-invalid), a ValueError as it always was
    raised, contracts = both_clients(lambda c: c.list_by_holder(TIER1, page_size=size))
    assert [(isinstance(error, ValueError), type(error)) for error in raised] == [(True, RefusedBeforeSending)] * 2
    assert [c.calls for c in contracts] == [[], []]


@pytest.mark.parametrize("version", ["7", 7.0, True])
def test_an_exposure_version_of_another_type_raises_type_error(version):
    raised, contracts = both_clients(
        lambda c: c.make_offer(F, TERMS, endorsing_organizations=ORGS, exposure_version=version))
    for error in raised:
        assert type(error) is ArgumentTypeRefused
        assert str(error).startswith(f"exposure_version must be an int, not {type(version).__name__}")
    assert [c.calls for c in contracts] == [[], []]


def test_an_exposure_version_above_the_contracts_15_digits_is_refused_naming_the_limit():
    raised, contracts = both_clients(lambda c: c.make_offer(F, TERMS, endorsing_organizations=ORGS,
                                                            exposure_version=EXPOSURE_VERSION_MAX + 1))
    for error in raised:
        assert type(error) is RefusedBeforeSending and error.rule == "argument-invalid"
        assert error.detail.startswith("exposure_version is above 999_999_999_999_999, the contract's 15 "
                                       "digits")
    assert [c.calls for c in contracts] == [[], []]
    # the largest the contract takes is sent
    contract = FakeContract(responses={"MakeFinancingOffer": fakes.offer()})
    ReceivablesClient(contract).make_offer(F, TERMS, endorsing_organizations=ORGS,
                                           exposure_version=EXPOSURE_VERSION_MAX)
    assert contract.only().arguments == [F, "999999999999999"]


def test_the_sdks_largest_exposure_version_is_the_contracts():
    assert contract_exposure_version(str(EXPOSURE_VERSION_MAX)) == EXPOSURE_VERSION_MAX
    with pytest.raises(ContractRuleViolation, match="argument-invalid"):
        contract_exposure_version(str(EXPOSURE_VERSION_MAX + 1))


EMPTY_REGISTRATIONS = [
    ("client_id '' names nothing", dict(client_ids=[""])),
    ("client_id '  ' names nothing", dict(client_ids=[CLIENT_ID, "  "])),
    # an empty or blank name: the contract's own check, test_party_names_checked_before_sending
    ("uscc '' names nothing", dict(uscc="")),
    ("msp_id ' ' names nothing", dict(msp_id=" ")),
]


@pytest.mark.parametrize("refusal, given", EMPTY_REGISTRATIONS,
                         ids=[f"{refusal.split(' ')[0]}-{i}"
                              for i, (refusal, _) in enumerate(EMPTY_REGISTRATIONS)])
def test_a_party_registered_with_an_empty_value_is_refused_before_anything_is_sent(refusal, given):
    arguments = {"uscc": TIER1, "name": "Tier-1 Parts", "role": "supplier", "msp_id": "SupplierMSP",
                 "client_ids": [CLIENT_ID], **given}
    for orgs in (None, ORGS):   # whether or not the SDK would read the channel's orgs first
        raised, contracts = both_clients(lambda c: c.register_party(**arguments,
                                                                    endorsing_organizations=orgs))
        for error in raised:
            assert type(error) is ArgumentRefused
            assert str(error).startswith(refusal), str(error)
            assert str(error).endswith("nothing was sent")
        assert [c.calls for c in contracts] == [[], []]
