"""RACE_RETRY: a transaction that lost a race for a claim or an invoice is endorsed again, over the real Gateway
client."""

import json

import pytest
from fabric_protos.peer import transaction_pb2

from client.gateway import CommitError, Identity, connect, private_key_signer
from client.receivables import RACE_RETRY, InvoiceAttestationRequest, ReceivablesClient

from ..client.gateway_fakes import FakeTransport, make_key_and_cert
from .fakes import invoice_attestation, receivable


@pytest.fixture
def transport():
    fake = FakeTransport()
    fake.result = json.dumps(receivable()).encode()
    return fake


@pytest.fixture
def receivables(transport):
    key, cert_pem = make_key_and_cert("core1@core")
    identity = Identity("CoreEnterpriseMSP", cert_pem)
    with connect(identity=identity, signer=private_key_signer(key), transport=transport) as gateway:
        contract = gateway.get_network("receivables").get_contract("receivables", "Receivable")
        yield ReceivablesClient(contract, retry=RACE_RETRY)


@pytest.mark.parametrize("lost_race", [transaction_pb2.MVCC_READ_CONFLICT,
                                       transaction_pb2.ENDORSEMENT_POLICY_FAILURE])
def test_a_confirmation_that_lost_a_race_is_endorsed_again(receivables, transport, lost_race):
    transport.commit_codes = [lost_race, transaction_pb2.VALID]
    confirmed = receivables.confirm("R-00000000000000a1")
    assert confirmed.status == "CONFIRMED"
    first, second = transport.requests("endorse")
    assert first.transaction_id != second.transaction_id   # a new transaction, not the invalidated one again


def test_an_attestation_that_lost_a_race_for_the_invoices_attestations_is_endorsed_again(receivables, transport):
    # the first attestation of an invoice reads the invoice's attestations, as a registration that requires them
    # does: an attestation of it committed meanwhile invalidates the read as a phantom
    transport.result = json.dumps(invoice_attestation()).encode()
    transport.commit_codes = [transaction_pb2.PHANTOM_READ_CONFLICT, transaction_pb2.VALID]
    request = InvoiceAttestationRequest(**{name: value for name, value in invoice_attestation().items()
                                           if name in InvoiceAttestationRequest.model_fields})
    attested = receivables.attest_invoice_verification(request, request_id="attest-1")
    assert attested.id == invoice_attestation()["id"]
    first, second = transport.requests("endorse")
    assert first.transaction_id != second.transaction_id


def test_the_retry_is_bounded_and_ends_in_the_commit_error(receivables, transport):
    transport.commit_codes = [transaction_pb2.ENDORSEMENT_POLICY_FAILURE]
    with pytest.raises(CommitError) as caught:
        receivables.confirm("R-00000000000000a1")
    assert caught.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
    assert len(transport.requests("endorse")) == RACE_RETRY.max_attempts == 3


def test_other_invalidations_are_not_retried(receivables, transport):
    transport.commit_codes = [transaction_pb2.BAD_PROPOSAL_TXID, transaction_pb2.VALID]
    with pytest.raises(CommitError):
        receivables.confirm("R-00000000000000a1")
    assert len(transport.requests("endorse")) == 1



def test_the_calls_it_names_as_sent_to_fixed_orgs_are_every_submit_that_takes_its_endorsing_orgs():
    """RACE_RETRY's docstring names the calls whose tries all go to the orgs fixed before the first: each submit
    of the client that takes ``endorsing_organizations`` (it chooses them itself when they are not given), and no
    other, so a reader learns from it which calls end in the same CommitError after a race that changed who must
    endorse."""
    import ast
    import inspect
    import re

    from client.receivables import _contract_calls
    from client.receivables._contract_calls import QUERIES

    from .test_contract_agreement import METHODS

    module = ast.parse(inspect.getsource(_contract_calls)).body
    at = next(i for i, node in enumerate(module) if isinstance(node, ast.Assign)
              and [target.id for target in node.targets] == ["RACE_RETRY"])
    docstring = module[at + 1].value.value   # the string under the assignment, as Sphinx reads it
    fixed = re.search(r"fixed\s+before\s+the\s+first\s+try\s+\((.*?)\s+and\s+any\s+call\s+given", docstring, re.S)
    named = set(re.findall(r"``(\w+)``", fixed.group(1)))
    taking_orgs = {method for transaction, method in METHODS.items() if transaction not in QUERIES
                   and "endorsing_organizations" in inspect.signature(getattr(ReceivablesClient, method)).parameters}
    assert named == taking_orgs
