"""Hostile input and hostile identities against the deployed receivables chaincode, on the real network.

A small sample of the in-process fuzz (tests/unit/hostile/test_contract_fuzz.py: the
transactions GetMetadata lists, the same argument and transient strategies, the real
ids of the sample mixed in) goes through the peers' Gateway from the demo's parties,
an org admin and an identity bound to no party. Every refusal must be clean (each
message one line, no traceback, module path or Python repr; a contract refusal is
``RULE <code>: ...``, the only other is the runtime's argument conversion) and must
change nothing (the refused transaction is not on the ledger as valid, and the
sample's receivables and parties read the same before and after). The chaincode
servers never die: the same processes run afterwards, and each org's answers.

Then access: plaintext gRPC to every TLS endpoint of the network fails; a client
whose certificate comes from a CA outside the channel is refused by the peer's
Gateway, whatever MSP ID it claims; a supplier can neither confirm the debtor's
claim nor bind itself to the debtor's party.
"""
from __future__ import annotations

import os
import queue
import re
import uuid
from types import SimpleNamespace

import grpc
import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.workloads import Parties, new_registration
from cli.connection import default_user, open_session
from cli.demo_commands import ACTORS
from client.gateway import (
    CommitError, CommitStatusError, EvaluateError, GatewayError, Identity, SubmitError, connect, load_msp_folder,
    private_key_signer,
)
from client.ledger.qscc import NoSuchTransactionError, transaction_by_id
from client.receivables import CONTRACT_NAME, RuleViolation, client_id_of
from network import crypto, profiles

from .conftest import caught_up, peers_caught_up

from ..unit.hostile.test_contract_fuzz import (
    CONVERSION_MESSAGE, PARAMETERS, RULE_MESSAGE, TRANSACTIONS, arguments, clean, transients,
)

# a sample, not a hunt: the in-process fuzz runs the many examples (HOSTILE_NETWORK_EXAMPLES=200 for more)
EXAMPLES = int(os.environ.get("HOSTILE_NETWORK_EXAMPLES", "20"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CHAINCODE_MESSAGE = re.compile(r"chaincode response \d+, (.*)$", re.S)
STRANGER_ORG = "supplier"    # the stranger: a client of SupplierMSP issued here, so no test can have bound it


def admin_of(data_root, org: str) -> str:
    return default_user(profiles.load(org, data_root), admin=True)


@pytest.fixture(scope="module")
def sample(receivables_deployed, party_codes):
    """A confirmed claim, a claim split to the tier-2 supplier, a registered one, and what the fuzz draws from."""
    root = receivables_deployed.data_root
    parties = Parties(None, None, party_codes["tier1"], party_codes["core"], party_codes["tier2"])
    with open_session(*ACTORS["tier1"], root) as tier1, open_session(*ACTORS["core"], root) as core:
        # each step on a peer that has the step before it (read-your-writes across peers: see caught_up)
        first, second = (tier1.client.register_receivable(new_registration(parties)) for _ in range(2))
        confirmed = caught_up(core, tier1).confirm(first.id)
        split = core.client.confirm(second.id)
        caught_up(tier1, core).transfer(split.id, party_codes["tier2"], 100_00)
        registered = tier1.client.register_receivable(new_registration(parties))
    peers_caught_up()   # the fuzz reads and writes these through any org's peer
    ids = [confirmed.id, split.id, f"{split.id}.1", f"{split.id}.2", registered.id]
    return SimpleNamespace(ids=ids, usccs=sorted(set(party_codes.values())),
                           fingerprint=confirmed.invoices[0].fingerprint,
                           registration=new_registration(parties).model_dump(mode="json"))


def unbound_client(network, org_name: str) -> tuple[Identity, object]:
    """A new client identity of the org, issued by its own CA: a channel member acting for no party."""
    org = network.topology.org(org_name)
    paths = crypto.org_crypto(network.data_root, org.name, org.domain)
    ca_key, ca_cert = crypto.load_key(paths.ca_cert.with_suffix(".key")), crypto.load_cert(paths.ca_cert)
    key = crypto.new_key()
    cert = crypto.issue(ca_key, ca_cert, key, cn=f"stranger-{uuid.uuid4().hex[:8]}@{org.domain}", org=org.domain,
                        ou="client")
    return Identity.from_pem(org.msp_id, _pem(cert)), private_key_signer(key)


@pytest.fixture(scope="module")
def callers(receivables_deployed, gateways):
    """Name -> the receivables contract as that caller, through its own org's gateway peer."""
    channel, chaincode = receivables_deployed.topology.channel, receivables_deployed.topology.chaincode.name
    who = {key: ACTORS[key] for key in ("core", "tier1", "tier2", "bank", "regulator")}
    who |= {"supplier-admin": ("supplier", admin_of(receivables_deployed.data_root, "supplier"))}
    contracts = {name: gateways(org, user).get_network(channel).get_contract(chaincode, CONTRACT_NAME)
                 for name, (org, user) in who.items()}
    profile = profiles.load(STRANGER_ORG, receivables_deployed.data_root)
    identity, signer = unbound_client(receivables_deployed, STRANGER_ORG)
    with connect(profile.gateway.address, identity=identity, signer=signer,
                 tls_root_certificates=profile.gateway.tls_root_cert,
                 server_name_override=profile.gateway.host_name_override) as stranger:
        contracts["stranger"] = stranger.get_network(channel).get_contract(chaincode, CONTRACT_NAME)
        yield contracts


@pytest.fixture(scope="module")
def ledger_reader(receivables_deployed, gateways):
    """The regulator's views: the receivables contract (reads every claim), and as the org's admin qscc (of its own
    peer, ``msp_id``'s) and the channel (a transaction's commit status)."""
    channel = receivables_deployed.topology.channel
    reader = gateways(*ACTORS["regulator"]).get_network(channel).get_contract(
        receivables_deployed.topology.chaincode.name, CONTRACT_NAME)
    regulator_admin = admin_of(receivables_deployed.data_root, "regulator")
    network = gateways("regulator", regulator_admin).get_network(channel)
    return SimpleNamespace(contract=reader, qscc=network.get_contract("qscc"), network=network, channel=channel,
                           msp_id=receivables_deployed.topology.org("regulator").msp_id)


def chaincode_servers(network) -> dict[str, int | None]:
    prefix = f"{network.topology.chaincode.name}."
    return {s.name: s.pid for s in network.status() if s.kind == "chaincode" and s.name.startswith(prefix)}


def snapshot(reader, sample) -> tuple:
    """The sample's receivables and every party, as the regulator reads them from its peer."""
    return (tuple(reader.contract.evaluate_transaction("GetReceivable", i) for i in sample.ids),
            tuple(reader.contract.evaluate_transaction("GetParty", code) for code in sample.usccs))


def messages(error: GatewayError) -> list[str]:
    return [error.message, *(d.message for d in error.details)]


def assert_clean_refusal(error: GatewayError, shown: str) -> None:
    for message in messages(error):
        assert message, f"{shown}: a refusal without a message"
        assert not clean(message), f"{shown}: unclean message {message!r}: {clean(message)}"
    for message in messages(error):
        said = CHAINCODE_MESSAGE.search(message)
        if said is None:
            continue                      # the gateway's own word (endorsers, policy), checked clean above
        text = said.group(1)
        assert RULE_MESSAGE.match(text) or CONVERSION_MESSAGE.fullmatch(text), \
            f"{shown}: not a rule and not a conversion refusal: {text!r}"


def assert_not_on_the_ledger(error: GatewayError, reader, shown: str) -> None:
    """An endorsement or ordering refusal never reached a block; a CommitError is in one, as invalid.

    A submit that may have reached an orderer, or whose commit status was lost, may still commit: its commit status
    is waited for first (within the SDK's commit-status timeout). Not on the ledger means the regulator's peer
    answering that it holds no such transaction (the ledger reader's NoSuchTransactionError): any other failure of
    the lookup (the peer unreachable, access denied) proves nothing."""
    tx_id = getattr(error, "transaction_id", None)
    if isinstance(error, CommitError) or not tx_id:
        return
    refused = f"{shown}: refused ({type(error).__name__}), tx {tx_id}"
    if isinstance(error, CommitStatusError) or (isinstance(error, SubmitError) and error.may_have_been_ordered):
        try:
            status = reader.network.new_commit(tx_id).status()
        except CommitStatusError as waited:
            # past the wait it never committed; any other failure leaves the question open
            assert waited.code == grpc.StatusCode.DEADLINE_EXCEEDED, f"{refused}: its commit status unread: {waited}"
        else:
            assert not status.successful, f"{refused}, yet it committed as valid in block {status.block_number}"
            return      # in a block as invalid, as a CommitError
    try:
        transaction_by_id(reader.qscc, reader.msp_id, reader.channel, tx_id)
    except NoSuchTransactionError:
        return
    except GatewayError as lookup:
        raise AssertionError(f"{refused}: qscc did not say it has no such transaction, so its absence is not shown: "
                             f"{messages(lookup)}") from lookup
    raise AssertionError(f"{refused}, yet qscc finds it on the ledger")


def test_a_hostile_sample_is_refused_cleanly_changes_nothing_and_no_server_dies(receivables_deployed, sample, callers,
                                                                                 ledger_reader):
    servers = chaincode_servers(receivables_deployed)
    assert servers and all(servers.values()), f"chaincode servers not running: {servers}"
    after_success = {"pending": False}

    @SETTINGS
    @given(data=st.data())
    def run(data):
        fn = data.draw(st.sampled_from(TRANSACTIONS), label="transaction")
        caller = data.draw(st.sampled_from(sorted(callers)), label="caller")
        n = len(PARAMETERS[fn])
        count = data.draw(st.integers(0, n + 2) | st.just(n), label="count")
        args = data.draw(st.lists(arguments(sample), min_size=count, max_size=count), label="args")
        transient = data.draw(transients(), label="transient")
        evaluate = data.draw(st.booleans(), label="evaluate")
        if after_success["pending"]:      # the last call committed: let every peer have it before reading
            receivables_deployed.wait_for_heights()
            after_success["pending"] = False
        before = snapshot(ledger_reader, sample)
        contract = callers[caller]
        shown = f"{'evaluate' if evaluate else 'submit'} {fn} by {caller} with {[a[:60] for a in args]!r}"
        try:
            if evaluate:
                contract.evaluate(fn, arguments=args, transient=transient)
            else:
                contract.submit(fn, arguments=args, transient=transient)
        except GatewayError as error:
            assert_clean_refusal(error, shown)
            assert_not_on_the_ledger(error, ledger_reader, shown)
            assert snapshot(ledger_reader, sample) == before, f"{shown}: a refusal changed the ledger"
        else:
            after_success["pending"] = not evaluate

    run()
    assert chaincode_servers(receivables_deployed) == servers, \
        "a chaincode server died or was restarted during the sample"
    for org in receivables_deployed.topology.orgs:    # each org's peer runs the contract on its org's own server
        if receivables_deployed.topology.peers(org.name):
            ledger_reader.contract.evaluate("WhoAmI", endorsing_organizations=[org.msp_id])


def plaintext_state(address: str, timeout: float = 10.0) -> grpc.ChannelConnectivity:
    """Where a plaintext gRPC channel to ``address`` settles first: READY, or TRANSIENT_FAILURE (refused)."""
    settled: queue.Queue = queue.Queue()

    def watch(state: grpc.ChannelConnectivity) -> None:
        if state in (grpc.ChannelConnectivity.READY, grpc.ChannelConnectivity.TRANSIENT_FAILURE):
            settled.put(state)

    with grpc.insecure_channel(address) as channel:
        channel.subscribe(watch, try_to_connect=True)
        try:
            return settled.get(timeout=timeout)
        finally:
            channel.unsubscribe(watch)


def test_plaintext_to_any_tls_endpoint_of_the_network_fails(receivables_deployed, party_codes):
    endpoints = [s for s in receivables_deployed.status() if s.address and s.pid]
    assert {s.kind for s in endpoints} >= {"orderer", "peer", "chaincode"}
    states = {node.name: plaintext_state(node.address) for node in endpoints}
    assert set(states.values()) == {grpc.ChannelConnectivity.TRANSIENT_FAILURE}, states

    profile = profiles.load("supplier", receivables_deployed.data_root)
    identity, signer = load_msp_folder(profile.user(ACTORS["tier1"][1]).msp_dir, profile.msp_id)
    with grpc.insecure_channel(profile.gateway.address) as plaintext:
        gateway = connect(grpc_channel=plaintext, identity=identity, signer=signer)
        contract = gateway.get_network(profile.channel).get_contract(profile.chaincode, CONTRACT_NAME)
        with pytest.raises(EvaluateError) as refused:
            contract.evaluate_transaction("WhoAmI")
        assert refused.value.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
    with connect(profile.gateway.address, identity=identity, signer=signer,
                 tls_root_certificates=profile.gateway.tls_root_cert,
                 server_name_override=profile.gateway.host_name_override) as over_tls:     # the same call over TLS
        who = over_tls.get_network(profile.channel).get_contract(profile.chaincode, CONTRACT_NAME)
        assert party_codes["tier1"].encode() in who.evaluate_transaction("WhoAmI")


def _pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@pytest.mark.parametrize("claimed_msp", ["SupplierMSP", "OutsiderMSP"])
def test_a_client_certified_by_a_ca_outside_the_channel_is_refused(receivables_deployed, sample, ledger_reader,
                                                                   claimed_msp):
    ca_key, ca_cert = crypto.make_ca("ca.outsider.example", "Outsider Org")
    key, tls_key = crypto.new_key(), crypto.new_key()
    cert = crypto.issue(ca_key, ca_cert, key, cn="supplier1", org="Outsider Org", ou="client")
    tls_cert = crypto.issue(ca_key, ca_cert, tls_key, cn="supplier1", org="Outsider Org", tls=True)
    profile = profiles.load("supplier", receivables_deployed.data_root)
    before = snapshot(ledger_reader, sample)
    with connect(profile.gateway.address, identity=Identity.from_pem(claimed_msp, _pem(cert)),
                 signer=private_key_signer(key), tls_root_certificates=profile.gateway.tls_root_cert,
                 server_name_override=profile.gateway.host_name_override,
                 client_certificate=_pem(tls_cert), client_key=_key_pem(tls_key)) as outsider:
        contract = outsider.get_network(profile.channel).get_contract(profile.chaincode, CONTRACT_NAME)
        with pytest.raises(GatewayError) as read:
            contract.evaluate_transaction("GetReceivable", sample.ids[0])
        with pytest.raises(GatewayError) as moved:
            contract.submit_transaction("TransferReceivable", sample.ids[0], sample.usccs[0], "1")
    # The peer's endorser validates the creator against the channel's MSPs before any chaincode runs and
    # answers "access denied: channel [..] creator org [..]" (or "creator org unknown" for an MSP ID the
    # channel does not have); the Gateway passes that message on as the call's detail.
    for refused in (read.value, moved.value):
        assert "access denied" in " ".join(messages(refused)).lower(), messages(refused)
        assert not [m for m in messages(refused) if clean(m)], messages(refused)
    assert snapshot(ledger_reader, sample) == before


def test_a_supplier_cannot_act_as_the_debtor_party(receivables_deployed, party_codes):
    root = receivables_deployed.data_root
    parties = Parties(None, None, party_codes["tier1"], party_codes["core"], party_codes["tier2"])
    with open_session(*ACTORS["tier1"], root) as tier1, open_session(*ACTORS["core"], root) as core, \
            open_session("supplier", data_root=root, admin=True) as supplier_admin:
        claim = tier1.client.register_receivable(new_registration(parties))
        caught_up(core, tier1)                                 # the debtor's peer has the claim
        with pytest.raises(RuleViolation) as confirmed:        # the debtor's confirmation, by its supplier
            tier1.client.confirm(claim.id)
        assert confirmed.value.rule == "role-not-permitted"
        debtor = core.client.get_party(party_codes["core"])
        with pytest.raises(RuleViolation) as bound:            # the supplier's admin binds its user to the debtor
            supplier_admin.client.bind_party_identity(party_codes["core"], client_id_of(tier1.user.cert))
        assert bound.value.rule == "admin-of-own-org-only"

        assert core.client.get_receivable(claim.id).status == "REGISTERED"
        assert core.client.get_party(party_codes["core"]).client_ids == debtor.client_ids
        assert core.client.confirm(claim.id).status == "CONFIRMED"      # the debtor itself may
