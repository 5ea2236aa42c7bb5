"""The audit of a claim's confirmation and parties, over real certificates, signatures and transaction bytes.

Each org's CA and peer identity come from the project's crypto generator; every endorsement is a real ECDSA
signature over the proposal response payload and the endorser's identity; qscc answers from those bytes
(audit_ledger.ScriptedQscc) and the contract's reads from the recording double, as a peer of the auditor's
own org would. A case that must fail changes one thing of the passing ledger.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from contextlib import contextmanager

import click
import grpc
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtensionOID, NameOID
from fabric_protos.common import common_pb2
from fabric_protos.msp import msp_config_pb2
from fabric_protos.peer import transaction_pb2

from chaincode.receivables import keys
from chaincode.receivables.fingerprint import invoice_fingerprint
from chaincode.shim import create_composite_key
from cli import connection
from cli.receivable_commands import COMMANDS
from client.business_dates import business_today
from client.gateway.errors import EndorseError, ErrorDetail, EvaluateError
from client.receivables import AsyncReceivablesClient, ReceivablesClient, RuleViolation
from client.receivables.audit import AuditReport, ReceivableAudit
from client.receivables.ledger_keys import party_key, receivable_key
from network import crypto
from network.profiles import ConnectionProfile, Endpoint, UserIdentity

from . import fakes
from .audit_ledger import (CHAINCODE, CHANNEL, Org, ScriptedQscc, Signer, config_block, endorsed,
                           moment, names_config_block, pem, plain_block, transaction_block)
from .test_async_client import FakeAsyncContract
from .fakes import FakeContract

CORE, SUPPLIER, BANK, REGULATOR = "CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP"
R = keys.new_id("R", "t-register")   # the claim the registration t-register makes
PART = f"{R}.1"
BLOCK_OF = {tx_id: number for number, tx_id in enumerate(
    ("t-register", "t-taken", "t-confirm", "t-reseal", "t-forged", "t-split", "t-split-2", "t-split-3",
     "t-reject", "t-withdraw", "t-back", "t-freeze", "t-unfreeze"), start=3)}
"""The block the claims' transactions of these names are committed in (alone in it), after the config block and
two others: the version a later transaction reads of a key one of them wrote."""


def at(tx_id: str) -> tuple[int, int]:
    """The version of a key transaction ``tx_id`` last wrote: its block and its position in it."""
    return BLOCK_OF[tx_id], 0


def reading(history: list[dict], tx_id: str, key: str) -> dict:
    """What transaction ``tx_id`` of a claim's history read of its key: the version the entry before it wrote."""
    before = [entry["tx_id"] for entry in history]
    index = before.index(tx_id) if tx_id in before else len(before)
    return {key: at(before[index - 1])} if index and before[index - 1] in BLOCK_OF else {}


def history_entry(tx_id: str, status: str) -> dict:
    return {"tx_id": tx_id, "timestamp": moment().isoformat(), "is_delete": False, "action": "x", "by": fakes.TIER1,
            "msp_id": SUPPLIER, "status": status, "holder": fakes.TIER1, "outstanding": 11300000, "frozen": False}


def party_entry(tx_id: str, msp_id: str) -> dict:
    return {"tx_id": tx_id, "timestamp": moment().isoformat(), "is_delete": False, "msp_id": msp_id}


def deleted(tx_id: str) -> dict:
    """A history entry of a transaction that deleted the key."""
    return {**history_entry(tx_id, "REGISTERED"), "is_delete": True, "status": None}


def refusal(rule: str, claim_id: str) -> EvaluateError:
    """The contract's refusal of a read, as the auditor's peer answers it."""
    peer = ErrorDetail("peer0", BANK, f"chaincode response 500, RULE {rule}: {claim_id} refused")
    return EvaluateError("evaluate call to endorser returned error: " + peer.message, transaction_id="q",
                         details=[peer])


class Ledger:
    """One confirmed claim of the core enterprise's, held by tier 1, as a bank's peer holds it: the contract's
    answers and the committed transactions behind them, all endorsed as a legitimate flow endorses them."""

    def __init__(self, orgs: dict[str, Org]) -> None:
        self.orgs = orgs
        # due well after any day the tests run on: the contract would finance it, as far as its date goes
        self.receivable = fakes.receivable(id=R, due_date=(business_today() + dt.timedelta(days=90)).isoformat())
        self.history = [history_entry("t-register", "REGISTERED"), history_entry("t-confirm", "CONFIRMED")]
        self.parties = {fakes.CORE: [party_entry("t-core", CORE)], fakes.TIER1: [party_entry("t-tier1", SUPPLIER)]}
        registered = {**self.receivable, "status": "REGISTERED"}
        self.transactions = {
            "t-register": endorsed("t-register", {receivable_key(R): registered}, self.peers(SUPPLIER, BANK)),
            "t-confirm": endorsed("t-confirm", {receivable_key(R): self.receivable}, self.peers(CORE, SUPPLIER),
                                  reads={receivable_key(R): at("t-register")}),
            "t-core": endorsed("t-core", {party_key(fakes.CORE): fakes.party(uscc=fakes.CORE, msp_id=CORE)},
                               self.peers(CORE, REGULATOR)),
            "t-tier1": endorsed("t-tier1", {party_key(fakes.TIER1): fakes.party()}, self.peers(SUPPLIER, BANK)),
        }
        self.histories: dict[str, list | Exception] = {}   # of other claims (a split part's root), or a refusal
        # the invoice registry: each fingerprint held, and the root claim it backs (FindInvoice)
        self.registry = {invoice["fingerprint"]: R for invoice in self.receivable["invoices"]}
        self.contract = FakeContract(responses={
            "GetReceivable": lambda args: self.receivable, "GetReceivableHistory": self._history,
            "GetPartyHistory": lambda args: self.parties[args[0]], "FindInvoice": self._invoice,
            # a claim's live request, naming its holder as the contract wrote it
            "GetFinancing": lambda args: {**fakes.financing(id=args[0], status="REQUESTED", accepted_offer_id=None,
                                                            financier=None, financier_msp=None, collection=None,
                                                            terms_hash=None),
                                          "holder": self.receivable["holder"],
                                          "holder_msp": self.receivable["holder_msp"], "offers": []}})

    def _invoice(self, args: list) -> dict:
        owner = self.registry.get(args[0])
        return {"fingerprint": args[0], "used": owner is not None, "receivable_id": owner,
                "live": owner is not None}

    def _history(self, args: list) -> list:
        history = self.histories.get(args[0], self.history) if args[0] != self.receivable["id"] else self.history
        if isinstance(history, Exception):
            raise history
        return history

    def peers(self, *msp_ids: str) -> list[Signer]:
        return [Signer.peer_of(self.orgs[m]) for m in msp_ids]

    def qscc(self) -> ScriptedQscc:
        """The channel as it stands now: its config block (with the CRLs as they are), then two more blocks."""
        blocks = [config_block(list(self.orgs.values())), plain_block(1, 0), plain_block(2, 0),
                  *(transaction_block(number, [self.transactions[tx_id]] if tx_id in self.transactions else [])
                    for tx_id, number in BLOCK_OF.items())]
        return ScriptedQscc(blocks, self.transactions)

    def audit(self, receivable_id: str | None = None):
        """The audit of ``receivable_id`` (the claim the ledger holds, by default) as the bank."""
        receivable_id = receivable_id or self.receivable["id"]
        qscc = self.qscc()
        report = ReceivableAudit(ReceivablesClient(self.contract), qscc, channel=CHANNEL, msp_id=BANK,
                                 chaincode=CHAINCODE).audit(receivable_id)
        return report, qscc


@pytest.fixture(scope="module")
def orgs_keys() -> dict[str, Org]:
    return {m: Org(m) for m in (CORE, SUPPLIER, BANK, REGULATOR)}


@pytest.fixture
def ledger(orgs_keys) -> Ledger:
    for org in orgs_keys.values():
        org.revoked, org.node_ous = [], True
    return Ledger(orgs_keys)


def checks_of(report) -> dict[str, tuple[bool, str]]:
    return {check.what: (check.passed, check.reason) for check in report.checks}


def test_a_claim_confirmed_by_its_debtors_org_with_parties_registered_by_their_own_passes(ledger):
    report, qscc = ledger.audit()
    assert report.passed, report.checks
    assert [(c.what, c.subject, c.tx_id, c.expected_msp) for c in report.checks] == [
        ("confirmation", R, "t-confirm", CORE), ("changes before confirmation", R, "t-confirm", SUPPLIER),
        ("debtor party record", fakes.CORE, "t-core", CORE),
        ("holder party record", fakes.TIER1, "t-tier1", SUPPLIER), ("invoice registry", R, None, "")]
    assert [c.verified_endorsers for c in report.checks] == [[CORE, SUPPLIER], [], [CORE, REGULATOR],
                                                             [BANK, SUPPLIER], []]   # 2nd, last: values
    assert report.checks[4].reason == (f"the invoice registry holds each of the 1 invoice(s) of {R} for it, "
                                       "and no other claim")
    assert report.checks[1].reason == (f"its confirmation (t-confirm) wrote {R} as its registration (t-register) did, "
                                       "but for status, confirmed_on, frozen, queued_freezes, last_unfreeze, last")
    # every read, the contract's and qscc's, answered by a peer of the auditor's own org
    assert {tuple(orgs) for *_, orgs in qscc.asked} == {(BANK,)}
    assert {tuple(c.endorsing_organizations) for c in ledger.contract.calls} == {(BANK,)}
    assert report.to_json()["passed"] is True


def _no_debtor_endorsement(ledger):
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(SUPPLIER, BANK))


def _bad_signature(ledger):
    core = ledger.orgs[CORE]
    impostor = Signer(CORE, core.peer_cert, ledger.orgs[BANK].peer_key)   # the debtor's certificate, another key
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [impostor, Signer.peer_of(ledger.orgs[SUPPLIER])])


def _payload_changed_after_signing(ledger):
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER), tamper=True)


def _certificate_of_another_ca(ledger):
    outsider = Org(CORE)    # a CA named like the debtor's, not the one the channel config holds
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [Signer.peer_of(outsider), *ledger.peers(SUPPLIER)])


def _revoked_certificate(ledger):
    core = ledger.orgs[CORE]
    key, cert = core.issue("peer1.core")     # a peer of the debtor's org whose certificate the org has revoked
    core.revoked = [cert.serial_number]
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [Signer(CORE, cert, key), *ledger.peers(SUPPLIER)])


def _not_valid(ledger):
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER),
                                                validation=transaction_pb2.ENDORSEMENT_POLICY_FAILURE)


def _another_key_written(ledger):
    other = fakes.receivable(id="R-00000000000000b2")
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(other["id"]): other},
                                                ledger.peers(CORE, SUPPLIER))


def _another_chaincode(ledger):
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER), namespace="features")


def _created_confirmed_by_two_other_orgs(ledger):
    ledger.history = [history_entry("t-forged", "CONFIRMED")]
    ledger.transactions["t-forged"] = endorsed("t-forged", {receivable_key(R): ledger.receivable},
                                               ledger.peers(SUPPLIER, BANK))


def _history_points_at_the_registration(ledger):
    ledger.history = [history_entry("t-register", "CONFIRMED")]   # the value written says REGISTERED
    ledger.transactions["t-register"] = endorsed("t-register", {receivable_key(R): {**ledger.receivable,
                                                                                    "status": "REGISTERED"}},
                                                 ledger.peers(CORE, SUPPLIER))


def as_split_part(ledger, *signers: str) -> None:
    """The holder splits the ledger's confirmed claim R into PART (the ledger's claim now, held as R was) and
    R.2, the split endorsed by ``signers`` (default: the debtor's and the holder's orgs, as R's policy asks);
    R's history is then its own, its split last."""
    root = ledger.receivable
    ledger.receivable = {**root, "id": PART, "parent_id": R, "root_id": R, "face_amount": 3000000,
                         "outstanding": 3000000}
    ledger.histories[R] = [*ledger.history, history_entry("t-split", "SPLIT")]
    ledger.history = [history_entry("t-split", "CONFIRMED")]
    split = {**root, "status": "SPLIT", "outstanding": 0, "children": [PART, f"{R}.2"]}
    ledger.transactions["t-split"] = endorsed("t-split", {receivable_key(R): split,
                                                          receivable_key(PART): ledger.receivable},
                                              ledger.peers(*(signers or (CORE, SUPPLIER))),
                                              reads=reading(ledger.histories[R], "t-split", receivable_key(R)))


def _split_made_by_two_other_orgs(ledger):
    as_split_part(ledger, SUPPLIER, BANK)


def _split_whose_parent_is_written_nested_past_the_json_parser(ledger):
    parent = "R-00000000000000f0"
    ledger.receivable = {**ledger.receivable, "parent_id": parent}
    ledger.history = [history_entry("t-split", "CONFIRMED")]
    ledger.transactions["t-split"] = endorsed("t-split", {
        receivable_key(parent): b"[" * 200_000 + b"]" * 200_000,
        receivable_key(R): ledger.receivable}, ledger.peers(SUPPLIER, BANK))


def _confirmation_timestamped_outside_the_calendar(ledger):
    confirmation = endorsed("t-confirm", {receivable_key(R): ledger.receivable}, ledger.peers(CORE, SUPPLIER))
    payload = common_pb2.Payload.FromString(confirmation.transactionEnvelope.payload)
    header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    header.timestamp.seconds = 253_402_300_800   # 10000-01-01: the submitter chooses it, Fabric commits it
    payload.header.channel_header = header.SerializeToString()
    confirmation.transactionEnvelope.payload = payload.SerializeToString()
    ledger.transactions["t-confirm"] = confirmation


def _forged_then_financing_requested(ledger, forged_entry: dict, forged_writes: list) -> None:
    """Two orgs' altered chaincode creates the claim in transaction t-forged (``forged_writes``), which the history
    shows as ``forged_entry``; then the holder's ordinary request for financing, which the debtor's peer endorses,
    is the first change the history shows past registration."""
    ledger.history = [forged_entry, history_entry("t-request", "CONFIRMED")]
    ledger.transactions["t-forged"] = endorsed("t-forged", forged_writes, ledger.peers(SUPPLIER, BANK))
    ledger.transactions["t-request"] = endorsed("t-request", {receivable_key(R): {**ledger.receivable,
                                                                                  "financing_id": "F-1"}},
                                                ledger.peers(CORE, SUPPLIER))


def _forged_creation_hidden_by_a_second_write(ledger):
    # REGISTERED, then CONFIRMED: the history shows the first write, the state keeps the second
    _forged_then_financing_requested(ledger, history_entry("t-forged", "REGISTERED"), [
        (receivable_key(R), {**ledger.receivable, "status": "REGISTERED"}), (receivable_key(R), ledger.receivable)])


def _forged_write_behind_a_delete_in_the_same_transaction(ledger):
    # a delete, then CONFIRMED: the history shows a delete, and the claim's life seems to start after it
    _forged_then_financing_requested(ledger, {**history_entry("t-forged", "REGISTERED"), "is_delete": True,
                                              "status": None},
                                     [(receivable_key(R), None), (receivable_key(R), ledger.receivable)])


def _namespace_listed_twice(ledger):
    registered = {**ledger.receivable, "status": "REGISTERED"}
    ledger.transactions["t-register"] = endorsed("t-register", {}, ledger.peers(SUPPLIER, BANK), entries=[
        (CHAINCODE, {receivable_key(R): registered}), (CHAINCODE, {receivable_key("R-00000000000000b2"): registered})])


def _delete_in_the_history_that_committed_a_write(ledger):
    ledger.history = [{**history_entry("t-gone", "REGISTERED"), "is_delete": True, "status": None},
                      *ledger.history]
    ledger.transactions["t-gone"] = endorsed("t-gone", {receivable_key(R): ledger.receivable},
                                             ledger.peers(SUPPLIER, BANK))


def _write_in_the_history_that_committed_a_delete(ledger):
    ledger.history = [*ledger.history, history_entry("t-later", "CONFIRMED")]
    ledger.transactions["t-later"] = endorsed("t-later", [(receivable_key(R), None)], ledger.peers(CORE, SUPPLIER))


def _endorsed_by_the_debtors(ou: str):
    def change(ledger):
        key, cert = ledger.orgs[CORE].issue(f"{ou}1@core", ou=ou)   # a certificate the debtor's CA issued
        ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                    [Signer(CORE, cert, key), *ledger.peers(SUPPLIER)])
    return change


_a_client_of_the_debtors_org_signs = _endorsed_by_the_debtors("client")
_an_admin_of_the_debtors_org_signs = _endorsed_by_the_debtors("admin")
_a_client_of_the_debtors_org_signs.__name__ = "_a_client_of_the_debtors_org_signs"
_an_admin_of_the_debtors_org_signs.__name__ = "_an_admin_of_the_debtors_org_signs"


def unreadable_certificate() -> tuple:
    """A self-signed certificate whose BasicConstraints extension is not DER of one: it loads, and reading its
    extensions raises."""
    key = crypto.new_key()
    now = moment()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "junk")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.UnrecognizedExtension(ExtensionOID.BASIC_CONSTRAINTS, b"\x05\x00\x01"), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _unreadable_certificate_claims_the_debtor(ledger):
    key, cert = unreadable_certificate()
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [*ledger.peers(SUPPLIER), Signer(CORE, cert, key)])


def _party_record_written_twice(ledger):
    ledger.transactions["t-core"] = endorsed("t-core", [(party_key(fakes.CORE), fakes.party(uscc=fakes.CORE,
                                                                                            msp_id=CORE)),
                                                        (party_key(fakes.CORE), fakes.party(uscc=fakes.CORE,
                                                                                            msp_id=SUPPLIER))],
                                             ledger.peers(CORE, REGULATOR))


def _timestamped_before_the_certificate_was_valid(ledger):
    long_ago = moment() - dt.timedelta(days=400)
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER), when=long_ago)


def _timestamped_after_the_certificate_expired(ledger):
    later = moment() + crypto.VALIDITY + dt.timedelta(days=1)   # past the end of every certificate the tests issued
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER), when=later)


def _revoked_by_a_later_config_update(ledger):
    # the channel's first config block lists no CRL; a config update (block 2) revokes the confirming peer, and the
    # newest block names block 2 as the config in force: the one the audit must read the MSPs from
    first = config_block(list(ledger.orgs.values()))
    _revoked_certificate(ledger)
    updated = config_block(list(ledger.orgs.values()), number=2)
    ledger.qscc = lambda: ScriptedQscc([first, plain_block(1, 0), updated, plain_block(3, 2)], ledger.transactions)


def _a_certificate_with_the_peer_and_the_client_ou_signs(ledger):
    # Fabric refuses an identity carrying the OUs of two roles (validateIdentityOUsV142): it is no peer either
    core, key = ledger.orgs[CORE], crypto.new_key()
    now = moment()
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, CORE),
                         x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "peer"),
                         x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "client"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "both1.core")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(core.ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=1)).not_valid_after(now + dt.timedelta(days=30))
            .sign(core.ca_key, hashes.SHA256()))
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [Signer(CORE, cert, key), *ledger.peers(SUPPLIER)])


def _missing_on_the_own_peer(ledger):
    del ledger.transactions["t-confirm"]


def _never_confirmed(ledger):
    ledger.receivable = {**ledger.receivable, "status": "REGISTERED"}
    ledger.history = ledger.history[:1]


def _party_registered_without_its_org(ledger):
    ledger.transactions["t-core"] = endorsed("t-core", {party_key(fakes.CORE): fakes.party(uscc=fakes.CORE,
                                                                                           msp_id=CORE)},
                                             ledger.peers(SUPPLIER, BANK))


def _party_record_squatted_under_another_org(ledger):
    ledger.parties[fakes.CORE] = [party_entry("t-squat", SUPPLIER)]
    ledger.transactions["t-squat"] = endorsed("t-squat", {party_key(fakes.CORE): fakes.party(uscc=fakes.CORE)},
                                              ledger.peers(SUPPLIER, BANK))


def _party_record_created_by_two_other_orgs_then_written_by_its_own(ledger):
    # the record's creation is what binds the USCC to the MSP: a later write by the party's org (BindPartyIdentity
    # writes party records) does not make a creation two other orgs endorsed the party's
    record = {party_key(fakes.CORE): fakes.party(uscc=fakes.CORE, msp_id=CORE)}
    ledger.parties[fakes.CORE] = [party_entry("t-core-forged", CORE), party_entry("t-core", CORE)]
    ledger.transactions["t-core-forged"] = endorsed("t-core-forged", record, ledger.peers(SUPPLIER, BANK))


def _confirmed_as_changed(ledger, **changed) -> None:
    """The confirmation, endorsed by the debtor's org, writes the claim with ``changed`` fields other than its
    registration wrote: as the contract would after a change two other orgs made before it, as the state shows."""
    ledger.receivable = {**ledger.receivable, **changed}
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER),
                                                reads=reading(ledger.history, "t-confirm", receivable_key(R)))


def _holder_changed_before_confirmation_by_two_other_orgs(ledger):
    # the debtor's org and a bank give the claim to another supplier before the debtor confirms it
    taken = {**ledger.receivable, "status": "REGISTERED", "holder": fakes.TIER2}
    ledger.history = [ledger.history[0], history_entry("t-taken", "REGISTERED"), ledger.history[1]]
    ledger.transactions["t-taken"] = endorsed("t-taken", {receivable_key(R): taken}, ledger.peers(CORE, BANK),
                                              reads={receivable_key(R): at("t-register")})
    _confirmed_as_changed(ledger, holder=fakes.TIER2)
    ledger.parties[fakes.TIER2] = [party_entry("t-tier2", SUPPLIER)]   # a party record as its own org wrote it
    ledger.transactions["t-tier2"] = endorsed("t-tier2", {party_key(fakes.TIER2): fakes.party(uscc=fakes.TIER2)},
                                              ledger.peers(SUPPLIER, BANK))


def _amounts_changed_in_the_confirmation(ledger):
    _confirmed_as_changed(ledger, face_amount=21300000, outstanding=21300000)


def _invoice_changed_before_confirmation(ledger):
    invoice = {**ledger.receivable["invoices"][0], "amount": 20000000}
    _confirmed_as_changed(ledger, invoices=[invoice])


def _confirmation_reads_the_history(ledger) -> None:
    """The confirmation, endorsed by the debtor's and the holder's orgs, read the claim's key as the transaction its
    history lists before it wrote it, as Fabric commits it: at the version that transaction's write gave it."""
    key = receivable_key(R)
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {key: ledger.receivable}, ledger.peers(CORE, SUPPLIER),
                                                reads=reading(ledger.history, "t-confirm", key))


def _rejected_then_confirmed(ledger):
    # a rejection released the claim's invoices; two orgs put it back REGISTERED, and the debtor's org confirms it
    registered = {**ledger.receivable, "status": "REGISTERED"}
    ledger.history = [ledger.history[0], history_entry("t-reject", "REJECTED"), history_entry("t-back", "REGISTERED"),
                      ledger.history[1]]
    ledger.transactions.update({
        "t-reject": endorsed("t-reject", {receivable_key(R): {**registered, "status": "REJECTED",
                                                              "rejection_reason": "not ours"}},
                             ledger.peers(CORE, SUPPLIER)),
        "t-back": endorsed("t-back", {receivable_key(R): registered}, ledger.peers(REGULATOR, BANK))})
    _confirmation_reads_the_history(ledger)


def _withdrawn_then_confirmed(ledger):
    # its creditor withdrew the claim, releasing its invoices; two orgs put it back REGISTERED, and the debtor's org
    # confirms it
    registered = {**ledger.receivable, "status": "REGISTERED"}
    ledger.history = [ledger.history[0], history_entry("t-withdraw", "WITHDRAWN"),
                      history_entry("t-back", "REGISTERED"), ledger.history[1]]
    ledger.transactions.update({
        "t-withdraw": endorsed("t-withdraw", {receivable_key(R): {**registered, "status": "WITHDRAWN",
                                                                  "withdrawn_on": "2026-03-03",
                                                                  "withdrawal_reason": "typo in the amount"}},
                               ledger.peers(CORE, SUPPLIER)),
        "t-back": endorsed("t-back", {receivable_key(R): registered}, ledger.peers(REGULATOR, BANK))})
    _confirmation_reads_the_history(ledger)


def _deleted_and_written_for_another_holder_before_confirmation(ledger):
    # a claim an earlier version registered carries no key-level policy: the same change as above, made as a
    # delete of its key and a new write, which would pass for the claim's registration
    _holder_changed_before_confirmation_by_two_other_orgs(ledger)
    ledger.history.insert(1, deleted("t-delete"))
    ledger.transactions["t-delete"] = endorsed("t-delete", [(receivable_key(R), None)], ledger.peers(REGULATOR, BANK))


def _rejected_deleted_and_written_back(ledger):
    _rejected_then_confirmed(ledger)
    ledger.history.insert(2, deleted("t-delete"))
    ledger.transactions["t-delete"] = endorsed("t-delete", [(receivable_key(R), None)], ledger.peers(REGULATOR, BANK))


def _party_record_deleted_and_written_again(ledger):
    # whatever the new write says, no contract version deletes a party record: what it held before is hidden
    ledger.parties[fakes.TIER1] = [party_entry("t-tier1", SUPPLIER), {**party_entry("t-gone", SUPPLIER),
                                                                      "is_delete": True, "msp_id": None},
                                   party_entry("t-again", SUPPLIER)]
    ledger.transactions["t-gone"] = endorsed("t-gone", [(party_key(fakes.TIER1), None)], ledger.peers(BANK, REGULATOR))
    ledger.transactions["t-again"] = endorsed("t-again", {party_key(fakes.TIER1): fakes.party()},
                                              ledger.peers(SUPPLIER, BANK))


def _split_part_of_a_root_changed_before_its_confirmation(ledger):
    _holder_changed_before_confirmation_by_two_other_orgs(ledger)
    as_split_part(ledger)


def _registered_naming_no_holders_org(ledger):
    registered = {k: v for k, v in ledger.receivable.items() if k != "holder_msp"}
    ledger.transactions["t-register"] = endorsed("t-register", {receivable_key(R): {**registered,
                                                                                    "status": "REGISTERED"}},
                                                 ledger.peers(SUPPLIER, BANK))


def _endorser_names_the_debtor_with_its_own_certificate(ledger):
    supplier = ledger.orgs[SUPPLIER]
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [Signer(CORE, supplier.peer_cert, supplier.peer_key),
                                                 Signer.peer_of(supplier)])


FAILING = [
    (_no_debtor_endorsement, "confirmation", f"no verified endorsement by {CORE}: endorsed by {BANK}, {SUPPLIER}"),
    (_bad_signature, "confirmation", "does not verify under the endorser certificate's key"),
    (_payload_changed_after_signing, "confirmation", "does not verify under the endorser certificate's key"),
    (_certificate_of_another_ca, "confirmation", f"does not chain to a CA certificate of {CORE}"),
    (_endorser_names_the_debtor_with_its_own_certificate, "confirmation", f"does not chain to a CA certificate of {CORE}"),
    (_revoked_certificate, "confirmation", f"is on {CORE}'s revocation list"),
    (_not_valid, "confirmation", "committed as ENDORSEMENT_POLICY_FAILURE, not VALID"),
    (_another_key_written, "confirmation", f"does not write {R}'s key in chaincode receivables"),
    (_another_chaincode, "confirmation", f"does not write {R}'s key in chaincode receivables"),
    (_created_confirmed_by_two_other_orgs, "confirmation",
     f"the transaction that created {R} wrote it in status CONFIRMED: a claim is created REGISTERED"),
    (_split_made_by_two_other_orgs, "confirmation", f"no verified endorsement by {CORE}"),
    (_split_whose_parent_is_written_nested_past_the_json_parser, "confirmation", "a claim is created REGISTERED"),
    (_confirmation_timestamped_outside_the_calendar, "confirmation", "carries a timestamp outside the calendar"),
    (_history_points_at_the_registration, "confirmation",
     "lists this transaction as status CONFIRMED, but it committed status REGISTERED"),
    (_forged_creation_hidden_by_a_second_write, "confirmation", f"writes {R}'s key 2 times"),
    (_forged_write_behind_a_delete_in_the_same_transaction, "confirmation", f"writes {R}'s key 2 times"),
    (_namespace_listed_twice, "confirmation", "lists namespace receivables 2 times"),
    (_delete_in_the_history_that_committed_a_write, "confirmation",
     "lists this transaction as a delete, but it committed status CONFIRMED"),
    (_write_in_the_history_that_committed_a_delete, "confirmation",
     "lists this transaction as status CONFIRMED, but it committed a delete"),
    (_a_client_of_the_debtors_org_signs, "confirmation", f"carries {CORE}'s client OU: it is no peer"),
    (_an_admin_of_the_debtors_org_signs, "confirmation", f"carries {CORE}'s admin OU: it is no peer"),
    (_unreadable_certificate_claims_the_debtor, "confirmation", "cannot be read as an identity"),
    (_party_record_written_twice, "debtor party record", f"writes {fakes.CORE}'s key 2 times"),
    (_timestamped_before_the_certificate_was_valid, "confirmation", "was not valid at"),
    (_timestamped_after_the_certificate_expired, "confirmation", "was not valid at"),
    (_revoked_by_a_later_config_update, "confirmation", f"is on {CORE}'s revocation list"),
    (_a_certificate_with_the_peer_and_the_client_ou_signs, "confirmation",
     f"carries the OUs of several roles (client, peer), which {CORE}'s MSP refuses"),
    (_missing_on_the_own_peer, "confirmation", f"{BANK}'s peer holds no such transaction, though the key's history "
                                               "lists it"),
    (_never_confirmed, "confirmation", "was never confirmed (status REGISTERED)"),
    (_party_registered_without_its_org, "debtor party record", f"no verified endorsement by {CORE}"),
    (_party_record_created_by_two_other_orgs_then_written_by_its_own, "debtor party record",
     f"no verified endorsement by {CORE}: endorsed by {BANK}, {SUPPLIER}"),
    (_party_record_squatted_under_another_org, "debtor party record",
     f"naming {SUPPLIER}, while the claim names {CORE} for {fakes.CORE}"),
    (_holder_changed_before_confirmation_by_two_other_orgs, "changes before confirmation",
     f"its confirmation (t-confirm) wrote {R} with holder other than its registration (t-register) did: between "
     "the two the contract changes only status, confirmed_on, frozen, queued_freezes, last_unfreeze, last, so the "
     "claim the debtor's org confirmed is not the one registered"),
    (_amounts_changed_in_the_confirmation, "changes before confirmation", "with face_amount, outstanding other than"),
    (_invoice_changed_before_confirmation, "changes before confirmation", "with invoices other than"),
    (_rejected_then_confirmed, "changes before confirmation",
     f"transaction t-reject left {R} REJECTED before its confirmation (t-confirm)"),
    (_withdrawn_then_confirmed, "changes before confirmation",
     f"transaction t-withdraw left {R} WITHDRAWN before its confirmation (t-confirm): the contract confirms only a "
     "REGISTERED claim and takes none back from WITHDRAWN, whose withdrawal released its invoices"),
    (_deleted_and_written_for_another_holder_before_confirmation, "confirmation",
     f"transaction t-delete deleted {R}'s key: no version of the contract deletes a claim"),
    (_rejected_deleted_and_written_back, "confirmation",
     f"transaction t-delete deleted {R}'s key: no version of the contract deletes a claim"),
    (_party_record_deleted_and_written_again, "holder party record",
     f"transaction t-gone deleted {fakes.TIER1}'s key: no version of the contract deletes a party record"),
    (_split_part_of_a_root_changed_before_its_confirmation, "changes before confirmation",
     f"{PART} was split from {R}: its confirmation (t-confirm) wrote {R} with holder other than its registration "
     "(t-register) did"),
    (_registered_naming_no_holders_org, "changes before confirmation",
     f"the value its registration (t-register) wrote for {R} cannot be read as a claim: holder_msp: Field required"),
]


@pytest.mark.parametrize("change, failing, reason", FAILING, ids=[f[0].__name__.strip("_") for f in FAILING])
def test_the_audit_fails_the_one_check_the_change_breaks(ledger, change, failing, reason):
    change(ledger)
    report, _ = ledger.audit()
    assert not report.passed
    results = checks_of(report)
    assert results[failing][0] is False and reason in results[failing][1], results[failing]
    assert all(passed for what, (passed, _) in results.items() if what != failing), results


def test_a_split_part_passes_on_the_split_its_parent_debtor_and_holder_endorsed_and_its_roots_changes(ledger):
    as_split_part(ledger)
    report, _ = ledger.audit()
    assert report.passed and report.checks[0].tx_id == "t-split"
    # created confirmed by the split: the span before a confirmation is its root's, compared from R's history
    before = report.checks[1]
    assert (before.what, before.subject, before.tx_id, before.expected_msp, before.checked) == (
        "changes before confirmation", R, "t-confirm", SUPPLIER, True)
    assert before.reason == (f"{PART} was split from {R}: its confirmation (t-confirm) wrote {R} as its "
                             "registration (t-register) did, but for status, confirmed_on, frozen, queued_freezes, "
                             "last_unfreeze, last")
    assert [c.arguments[0] for c in ledger.contract.calls if c.name == "GetReceivableHistory"] == [PART, R]


@pytest.mark.parametrize("changed", [False, True])
def test_a_split_part_whose_root_the_auditor_may_not_read_is_checked_on_the_roots_writes_read_from_the_blocks(
        ledger, changed):
    if changed:
        _holder_changed_before_confirmation_by_two_other_orgs(ledger)
    as_split_part(ledger)
    ledger.histories[R] = refusal("not-permitted-to-read", R)
    report, _ = ledger.audit()
    before = report.checks[1]
    assert (before.what, before.subject, before.tx_id, before.expected_msp, before.passed, before.checked) == (
        "changes before confirmation", R, "t-confirm", SUPPLIER, not changed, True)
    assert before.reason.startswith(f"{PART} was split from {R} ({R} read back from the blocks, the contract refusing "
                                    f"the auditor its history): its confirmation (t-confirm) wrote {R} ")
    assert ("with holder other than its registration (t-register) did" in before.reason) is changed
    assert all(check.passed for check in report.checks if check is not before)


def test_a_split_parts_root_refused_for_another_reason_leaves_the_audit_unmade(ledger):
    as_split_part(ledger)
    ledger.histories[R] = refusal("not-found", R)
    with pytest.raises(RuleViolation) as refused_read:
        ledger.audit()
    assert refused_read.value.rule == "not-found"


def test_a_split_part_whose_root_was_deleted_and_written_again_fails(ledger):
    _deleted_and_written_for_another_holder_before_confirmation(ledger)
    as_split_part(ledger)
    before = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert before[0] is False and f"transaction t-delete deleted {R}'s key" in before[1]


def split_again(ledger, *signers: str, tx_id: str = "t-split-2") -> str:
    """The holder of the ledger's claim (a part of R: PART, at first) splits it in turn, in transaction ``tx_id``,
    into its part ``.1``, the ledger's claim now, the split endorsed by ``signers`` (default: the debtor's and the
    holder's orgs, as the part's policy asks)."""
    part = ledger.receivable
    child = f"{part['id']}.1"
    ledger.receivable = {**part, "id": child, "parent_id": part["id"], "face_amount": part["face_amount"] // 3,
                         "outstanding": part["face_amount"] // 3}
    ledger.histories[part["id"]] = [*ledger.history, history_entry(tx_id, "SPLIT")]
    ledger.history = [history_entry(tx_id, "CONFIRMED")]
    split = {**part, "status": "SPLIT", "outstanding": 0, "children": [child, f"{part['id']}.2"]}
    ledger.transactions[tx_id] = endorsed(tx_id, {receivable_key(part["id"]): split,
                                                  receivable_key(child): ledger.receivable},
                                          ledger.peers(*(signers or (CORE, SUPPLIER))),
                                          reads=reading(ledger.histories[part["id"]], tx_id,
                                                        receivable_key(part["id"])))
    return child


def test_a_part_of_a_part_of_a_genuine_root_passes_through_its_chain_of_parents(ledger):
    as_split_part(ledger)
    grandchild = split_again(ledger)
    report, _ = ledger.audit()
    assert report.passed, report.checks
    before = report.checks[1]
    assert (before.subject, before.tx_id, before.checked) == (R, "t-confirm", True)
    assert before.reason.startswith(f"{grandchild} was split from {R} (through {PART}): its confirmation (t-confirm)")
    assert [c.arguments[0] for c in ledger.contract.calls if c.name == "GetReceivableHistory"] == [grandchild, PART, R]


@pytest.mark.parametrize("split_by", [(CORE, SUPPLIER), (SUPPLIER, BANK)])
def test_a_part_whose_parent_the_auditor_may_not_read_is_checked_on_the_parents_writes_read_from_the_blocks(
        ledger, split_by):
    as_split_part(ledger, *split_by)
    grandchild = split_again(ledger)
    ledger.histories[PART] = refusal("not-permitted-to-read", PART)
    report, _ = ledger.audit()
    before = report.checks[1]
    assert all(check.passed for check in report.checks if check is not before)
    if split_by == (CORE, SUPPLIER):
        assert report.passed, report.checks
        assert (before.subject, before.tx_id, before.checked) == (R, "t-confirm", True)
        assert before.reason.startswith(f"{grandchild} was split from {R} (through {PART}; {PART} read back from the "
                                        "blocks, the contract refusing the auditor its history): its confirmation")
        return
    # the parent's split from R, read from the blocks, is not its debtor's
    assert (before.subject, before.tx_id, before.passed) == (PART, "t-split", False)
    assert before.reason.startswith(f"{grandchild} descends from {PART}, whose split from {R} (t-split) is not its "
                                    f"debtor's: no verified endorsement by {CORE}")


def test_a_part_of_a_part_its_debtor_did_not_split_from_the_root_fails_naming_that_split(ledger):
    # R, registered and confirmed by its debtor, split into PART by the supplier's and the bank's orgs only (a claim
    # an earlier version left without a key-level policy); PART's debtor and holder then split it into PART.1
    as_split_part(ledger, SUPPLIER, BANK)
    assert checks_of(ledger.audit()[0])["confirmation"][0] is False      # PART itself fails
    grandchild = split_again(ledger)
    report, _ = ledger.audit()
    assert not report.passed
    before = report.checks[1]
    assert (before.what, before.subject, before.tx_id, before.expected_msp, before.passed) == (
        "changes before confirmation", PART, "t-split", CORE, False)
    assert before.reason.startswith(f"{grandchild} descends from {PART}, whose split from {R} (t-split) is not its "
                                    f"debtor's: no verified endorsement by {CORE}: endorsed by {BANK}, {SUPPLIER}")
    assert all(check.passed for check in report.checks if check is not before)


@pytest.mark.parametrize("forged", [None, "t-split", "t-split-2"])
def test_every_split_between_a_part_of_a_part_of_a_part_and_its_root_is_its_debtors(ledger, forged):
    # R into PART (t-split), PART into PART.1 (t-split-2), PART.1 into PART.1.1 (t-split-3): the one ``forged`` by
    # the supplier's and the bank's orgs, the others by the debtor's and the holder's
    def signers(tx_id: str) -> tuple[str, ...]:
        return (SUPPLIER, BANK) if tx_id == forged else (CORE, SUPPLIER)
    as_split_part(ledger, *signers("t-split"))
    split_again(ledger, *signers("t-split-2"))
    part = split_again(ledger, CORE, SUPPLIER, tx_id="t-split-3")
    report, _ = ledger.audit()
    before = report.checks[1]
    if forged is None:
        assert report.passed, report.checks
        assert (before.subject, before.tx_id, before.checked) == (R, "t-confirm", True)
        assert before.reason.startswith(f"{part} was split from {R} (through {PART}, {PART}.1): its confirmation")
        assert [c.arguments[0] for c in ledger.contract.calls if c.name == "GetReceivableHistory"] == [
            part, f"{PART}.1", PART, R]
        return
    ancestor, parent = (PART, R) if forged == "t-split" else (f"{PART}.1", PART)
    below = f" (the parent of {PART}.1)" if ancestor == PART else ""
    assert (before.subject, before.tx_id, before.expected_msp, before.passed) == (ancestor, forged, CORE, False)
    assert before.reason.startswith(f"{part} descends from {ancestor}{below}, whose split from {parent} ({forged}) "
                                    f"is not its debtor's: no verified endorsement by {CORE}")
    assert all(check.passed for check in report.checks if check is not before)


def forged_parent_split(ledger) -> tuple[str, str]:
    """Two orgs write a new key F CONFIRMED, naming the clean claim R its root; F's holder then splits F as the
    contract splits a confirmed claim, with the debtor's org, into F.1, the ledger's claim now."""
    forged_id = "R-00000000000000f0"
    forged = fakes.receivable(id=forged_id, root_id=R, face_amount=9000000, outstanding=9000000)
    part = {**forged, "id": f"{forged_id}.1", "parent_id": forged_id, "face_amount": 3000000, "outstanding": 3000000}
    split = {**forged, "status": "SPLIT", "outstanding": 0, "children": [part["id"], f"{forged_id}.2"]}
    ledger.transactions["t-forge"] = endorsed("t-forge", {receivable_key(forged_id): forged},
                                              ledger.peers(SUPPLIER, BANK))
    ledger.transactions["t-split"] = endorsed("t-split", {receivable_key(forged_id): split,
                                                          receivable_key(part["id"]): part},
                                              ledger.peers(CORE, SUPPLIER))
    ledger.histories[R] = list(ledger.history)     # R itself: registered, then confirmed by its debtor
    ledger.histories[forged_id] = [history_entry("t-forge", "CONFIRMED"), history_entry("t-split", "SPLIT")]
    ledger.receivable, ledger.history = part, [history_entry("t-split", "CONFIRMED")]
    return forged_id, part["id"]


@pytest.mark.parametrize("root_readable", [True, False])
def test_a_part_of_a_key_written_confirmed_naming_a_clean_root_fails(ledger, root_readable):
    forged_id, part = forged_parent_split(ledger)
    if not root_readable:
        ledger.histories[R] = refusal("not-permitted-to-read", R)
    report, _ = ledger.audit()
    assert not report.passed
    before = report.checks[1]
    assert (before.what, before.subject, before.tx_id, before.passed) == (
        "changes before confirmation", forged_id, "t-forge", False)
    assert before.reason == (f"{part} descends from {forged_id}, which was not created by a split of its parent "
                             f"(its history: CONFIRMED, SPLIT), yet is not {R}, the root {part} names: {part} does "
                             f"not come from {R}")
    assert all(check.passed for check in report.checks if check is not before)


def test_a_part_of_a_root_its_debtor_never_confirmed_fails():
    # a root an earlier version left without a key-level policy, written CONFIRMED by two other orgs with the values
    # it was registered with; the debtor's peer endorses the split of a CONFIRMED claim
    ledger = Ledger({m: Org(m) for m in (CORE, SUPPLIER, BANK, REGULATOR)})
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                ledger.peers(SUPPLIER, BANK))
    assert not ledger.audit()[0].passed            # the root itself fails its confirmation
    as_split_part(ledger)
    report, _ = ledger.audit()
    assert not report.passed
    before = report.checks[1]
    assert (before.what, before.subject, before.tx_id, before.passed) == (
        "changes before confirmation", R, "t-confirm", False)
    assert before.reason.startswith(f"{R}.1 was split from {R}, whose confirmation (t-confirm) is not its debtor's: ")
    assert CORE in before.reason


def _confirmed_by(*msp_ids: str):
    def change(ledger):
        ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                    ledger.peers(*msp_ids))
    return change


def _frozen_and_unfrozen_by_the_regulator_with_gateway_planned_orgs(ledger):
    # a claim an earlier contract version registered, without a key-level policy: the Gateway planned the
    # regulator's freeze with a bank, its unfreeze with the debtor's org; then the debtor's and holder's confirm it
    registered = {**ledger.receivable, "status": "REGISTERED"}
    frozen = {**registered, "frozen": {"order_reference": "ORDER-1", "by": fakes.CORE, "date": "2026-03-02",
                                       "tx_id": "t-freeze"}, "last": fakes.action("FreezeReceivable")}
    ledger.history = [ledger.history[0], history_entry("t-freeze", "REGISTERED"),
                      history_entry("t-unfreeze", "REGISTERED"), ledger.history[1]]
    ledger.transactions.update({
        "t-freeze": endorsed("t-freeze", {receivable_key(R): frozen}, ledger.peers(REGULATOR, BANK)),
        "t-unfreeze": endorsed("t-unfreeze", {receivable_key(R): {**registered,
                                                                  "last": fakes.action("UnfreezeReceivable")}},
                               ledger.peers(REGULATOR, CORE))})
    _confirmation_reads_the_history(ledger)


def _registered_by_an_earlier_version(ledger):
    # its invoices carry no currency (the claim's, as the contract reads them), and it wrote no notice_id
    registered = {**ledger.receivable, "status": "REGISTERED", "confirmed_on": None,
                  "invoices": [{k: v for k, v in i.items() if k != "currency"} for i in ledger.receivable["invoices"]]}
    del registered["notice_id"]
    ledger.transactions["t-register"] = endorsed("t-register", {receivable_key(R): registered},
                                                 ledger.peers(SUPPLIER, BANK))


LEGACY = [  # claims confirmed before the key-level policy asked the creditor's org from registration on
    _confirmed_by(CORE, REGULATOR),   # the orgs an earlier example named with --endorsing-org
    _confirmed_by(CORE, BANK),        # the Gateway's plan from the debtor's peer
    _frozen_and_unfrozen_by_the_regulator_with_gateway_planned_orgs,
    _registered_by_an_earlier_version,
]


@pytest.mark.parametrize("history", LEGACY, ids=["confirmed-with-the-regulator", "confirmed-with-a-bank",
                                                 "frozen-and-unfrozen-by-the-regulator", "registered-by-an-earlier-version"])
def test_a_claim_confirmed_as_registered_passes_whoever_endorsed_the_changes_before_its_confirmation(ledger, history):
    history(ledger)
    report, _ = ledger.audit()
    assert report.passed, report.checks
    before = report.checks[1]
    assert (before.what, before.tx_id, before.expected_msp) == ("changes before confirmation", "t-confirm", SUPPLIER)
    assert before.reason.startswith(f"its confirmation (t-confirm) wrote {R} as its registration (t-register) did")


def test_the_changes_between_registration_and_confirmation_are_counted_and_later_ones_not_compared(ledger):
    _frozen_and_unfrozen_by_the_regulator_with_gateway_planned_orgs(ledger)
    ledger.history.append(history_entry("t-pay", "SETTLED"))
    ledger.transactions["t-pay"] = endorsed("t-pay", {receivable_key(R): {**ledger.receivable, "status": "SETTLED",
                                                                          "outstanding": 0}},
                                            ledger.peers(CORE, REGULATOR))
    before = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert before == (True, f"its confirmation (t-confirm) wrote {R} as its registration (t-register) did, but for "
                            "status, confirmed_on, frozen, queued_freezes, last_unfreeze, last; 2 transaction(s) "
                            "between them, none rejecting or withdrawing it")


PAPER_CODE, PAPER_NUMBER = "144031900111", "00012345"


def _paper_linked(invoice: dict, **over) -> dict:
    """``invoice`` with the paper identity LinkPaperIdentity gives it, and ``over`` on top."""
    paper_fp = invoice_fingerprint(invoice["seller_tax_id"], PAPER_CODE, PAPER_NUMBER)
    return {**invoice, "paper_code": PAPER_CODE, "paper_number": PAPER_NUMBER, "paper_fingerprint": paper_fp, **over}


def test_a_paper_identity_its_creditor_linked_before_confirmation_is_the_one_change_of_invoices_that_passes(ledger):
    linked = _paper_linked(ledger.receivable["invoices"][0])
    ledger.registry[linked["paper_fingerprint"]] = R
    _confirmed_as_changed(ledger, invoices=[linked])
    report, _ = ledger.audit()
    assert report.passed, report.checks
    passed, reason = checks_of(report)["changes before confirmation"]
    assert passed and f"the paper identity its creditor linked to invoice(s) {linked['number']}" in reason


def test_a_linked_paper_identity_the_registry_does_not_hold_fails_the_invoice_registry(ledger):
    _confirmed_as_changed(ledger, invoices=[_paper_linked(ledger.receivable["invoices"][0])])
    passed, reason = checks_of(ledger.audit()[0])["invoice registry"]
    assert not passed and f"names the paper identity code {PAPER_CODE}" in reason


@pytest.mark.parametrize("over", [
    {"paper_fingerprint": "e" * 64},                     # a fingerprint not of the paper code and number
    {"amount": 20000000},                                # the link and another change of the invoice
    {"paper_number": ""},                                # half a paper identity
], ids=["fingerprint-not-the-paper-identitys", "amount-changed-too", "half-an-identity"])
def test_any_other_change_of_invoices_beside_a_paper_identity_still_fails(ledger, over):
    linked = _paper_linked(ledger.receivable["invoices"][0], **over)
    ledger.registry[linked["paper_fingerprint"]] = R
    _confirmed_as_changed(ledger, invoices=[linked])
    passed, reason = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert not passed and f"wrote {R} with invoices other than its registration" in reason


def test_a_paper_identity_registered_and_replaced_before_confirmation_fails(ledger):
    registered = _paper_linked(ledger.receivable["invoices"][0])
    ledger.receivable = {**ledger.receivable, "invoices": [registered]}
    ledger.transactions["t-register"] = endorsed("t-register", {receivable_key(R): {**ledger.receivable,
                                                                                      "status": "REGISTERED"}},
                                                 ledger.peers(SUPPLIER, BANK))
    replaced = _paper_linked(registered, paper_number="00054321",
                             paper_fingerprint=invoice_fingerprint(registered["seller_tax_id"], PAPER_CODE,
                                                                   "00054321"))
    ledger.registry.update({registered["paper_fingerprint"]: R, replaced["paper_fingerprint"]: R})
    _confirmed_as_changed(ledger, invoices=[replaced])
    passed, reason = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert not passed and "with invoices other than" in reason


def test_a_claim_an_earlier_version_registered_differs_where_its_invoices_currency_is_not_the_claims(ledger):
    _registered_by_an_earlier_version(ledger)   # its invoices read in the claim's currency, CNY
    invoices = [{**i, "currency": "USD"} for i in ledger.receivable["invoices"]]
    _confirmed_as_changed(ledger, invoices=invoices)
    before = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert before[0] is False and f"wrote {R} with invoices other than its registration" in before[1]


def test_a_confirmation_that_cannot_be_read_as_a_claim_fails_saying_why(ledger):
    # an amount as a string (integer fen it is), which a later change wrote as the state now reads it
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): {**ledger.receivable,
                                                                                  "face_amount": "11300000"}},
                                                ledger.peers(CORE, SUPPLIER))
    ledger.history.append(history_entry("t-request", "CONFIRMED"))
    ledger.transactions["t-request"] = endorsed("t-request", {receivable_key(R): ledger.receivable},
                                                ledger.peers(CORE, SUPPLIER))
    before = checks_of(ledger.audit()[0])["changes before confirmation"]
    assert before == (False, f"the value its confirmation (t-confirm) wrote for {R} cannot be read as a claim: "
                             "face_amount: Input should be a valid integer")


def test_a_part_its_parents_split_does_not_list_is_not_taken_for_a_split_part(ledger):
    child = f"{R}.1"
    ledger.receivable = fakes.receivable(id=child, parent_id=R)
    ledger.history = [history_entry("t-split", "CONFIRMED")]
    ledger.transactions["t-split"] = endorsed("t-split", {receivable_key(R): fakes.receivable(id=R, status="SPLIT",
                                                                                             children=[f"{R}.2"]),
                                                          receivable_key(child): ledger.receivable},
                                              ledger.peers(CORE, SUPPLIER))
    confirmation = checks_of(ledger.audit(child)[0])["confirmation"]
    assert confirmation[0] is False and "splits no claim into it" in confirmation[1]


def test_a_delete_is_read_from_its_block_and_named_with_every_transaction_before_it_read(ledger):
    _party_record_deleted_and_written_again(ledger)
    report, qscc = ledger.audit()
    assert report.checks[3].tx_id == "t-gone"
    read = [arguments[1] for function, arguments, _ in qscc.asked if function == "GetTransactionByID"]
    assert read[-2:] == ["t-tier1", "t-gone"]   # the history from its first write, up to the delete


def test_every_transaction_of_the_claims_life_is_read_and_a_later_change_passes(ledger):
    ledger.history = [*ledger.history, history_entry("t-request", "CONFIRMED")]
    ledger.transactions["t-request"] = endorsed("t-request", {receivable_key(R): {**ledger.receivable,
                                                                                  "financing_id": "F-1"}},
                                                ledger.peers(CORE, SUPPLIER))
    report, qscc = ledger.audit()
    assert report.passed and report.checks[0].tx_id == "t-confirm", report.checks
    read = [arguments[1] for function, arguments, _ in qscc.asked if function == "GetTransactionByID"]
    assert read == ["t-register", "t-confirm", "t-request", "t-core", "t-tier1"]   # each once


def test_without_node_ous_a_member_of_the_debtors_org_counts_and_the_reason_says_the_role_cannot_be_told(ledger):
    ledger.orgs[CORE].node_ous = False
    _a_client_of_the_debtors_org_signs(ledger)
    report, _ = ledger.audit()
    confirmation = checks_of(report)["confirmation"]
    assert report.passed and confirmation[0] is True
    assert f"{CORE}'s MSP enables no NodeOUs, so whether a peer, a client or an admin" in confirmation[1]
    assert "NodeOUs" not in checks_of(report)["holder party record"][1]   # the supplier's MSP tells roles


def edit_debtors_msp(monkeypatch, edit) -> None:
    """The channel config carries the debtor's FabricMSPConfig as ``edit`` (called on it) leaves it."""
    config = Org.msp_config

    def msp_config(org):
        conf = config(org)
        if org.msp_id == CORE:
            fabric = msp_config_pb2.FabricMSPConfig.FromString(conf.config)
            edit(fabric)
            conf.config = fabric.SerializeToString()
        return conf

    monkeypatch.setattr(Org, "msp_config", msp_config)


def test_node_ous_written_but_not_enabled_tell_no_role_and_a_member_of_the_debtors_org_counts(ledger, monkeypatch):
    # a config.yaml with Enable: false keeps its OU identifiers in the channel config; Fabric's MSP ignores them
    def disable(fabric):
        fabric.fabric_node_ous.enable = False

    edit_debtors_msp(monkeypatch, disable)
    _a_client_of_the_debtors_org_signs(ledger)
    report, _ = ledger.audit()
    confirmation = checks_of(report)["confirmation"]
    assert report.passed and confirmation[0] is True
    assert f"{CORE}'s MSP enables no NodeOUs, so whether a peer, a client or an admin" in confirmation[1]


def test_node_ous_without_a_peer_ou_tell_no_peer_and_the_reason_says_so_not_that_node_ous_are_off(ledger,
                                                                                                   monkeypatch):
    # Fabric's MSP satisfies no peer principal of such an MSP ("node ou for type [PEER], not defined"), so a peer
    # cannot be told from the org's clients: the check counts the member, naming the missing OU
    edit_debtors_msp(monkeypatch, lambda fabric: fabric.fabric_node_ous.ClearField("peer_ou_identifier"))
    _a_client_of_the_debtors_org_signs(ledger)
    report, _ = ledger.audit()
    checks = checks_of(report)
    assert checks["confirmation"][0] is True
    assert f"{CORE}'s MSP enables NodeOUs but sets no peer OU, so whether a peer, a client or an admin" \
        in checks["confirmation"][1]
    # while the party record its peer (OU=peer, no NodeOU role now) endorsed is refused, as Fabric's MSP refuses it
    assert checks["debtor party record"][0] is False and f"carries none of {CORE}'s NodeOU roles" \
        in checks["debtor party record"][1]


def test_a_peer_certificate_under_another_chain_than_the_peer_node_ou_names_is_no_peer(ledger, monkeypatch):
    other_ca = Org(REGULATOR).ca_cert   # the NodeOU names a CA certificate the debtor's peers are not issued under

    def name_other_ca(fabric):
        # one of the MSP's own CAs, as Fabric's MSP setup asks of the certificate a NodeOU identifier names
        fabric.root_certs.append(pem(other_ca))
        fabric.fabric_node_ous.peer_ou_identifier.certificate = pem(other_ca)

    edit_debtors_msp(monkeypatch, name_other_ca)
    confirmation = checks_of(ledger.audit()[0])["confirmation"]
    assert confirmation[0] is False and f"carries none of {CORE}'s NodeOU roles" in confirmation[1]


def test_an_unreadable_certificate_besides_the_debtors_peer_leaves_the_verdict_to_the_valid_ones(ledger):
    key, cert = unreadable_certificate()
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [*ledger.peers(CORE, SUPPLIER), Signer(BANK, cert, key)])
    report, _ = ledger.audit()
    assert report.passed and report.checks[0].verified_endorsers == [CORE, SUPPLIER]


def test_the_key_spelling_is_the_contracts():
    assert receivable_key("R-1.2") == create_composite_key(keys.RECEIVABLE, ["R-1.2"])
    assert party_key(fakes.CORE) == create_composite_key(keys.PARTY, [fakes.CORE])


# ---------------------------------------------------------------- the command

recfin = click.Group("recfin", commands={c.name: c for c in COMMANDS})


class AuditorsNetwork:
    """The auditor's gateway Network: its channel's name and qscc on it."""

    def __init__(self, qscc: ScriptedQscc) -> None:
        self.name, self.qscc = CHANNEL, qscc

    def get_contract(self, chaincode, contract_name=None):
        assert chaincode == "qscc"
        return self.qscc


@pytest.fixture
def as_bank(monkeypatch, ledger):
    user = UserIdentity(name="bank1", role="client", msp_dir="/x/msp", cert="/x/cert.pem", key="/x/key",
                        tls_cert="/x/t", tls_key="/x/k")
    end = Endpoint(address="127.0.0.1:1", host_name_override="peer0.bank", tls_root_cert="/x/ca.pem")
    profile = ConnectionProfile(org="bank", msp_id=BANK, channel=CHANNEL, chaincode=CHAINCODE, gateway=end,
                                peers=[end], orderers=[end], users={"bank1": user})
    opened = []

    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        opened.append((org, user))
        client = ReceivablesClient(ledger.contract, AuditorsNetwork(ledger.qscc()))
        yield connection.Session(client, profile, profile.users["bank1"])

    monkeypatch.setattr(connection, "open_session", open_session)
    ledger.opened = opened
    return ledger


def test_the_command_prints_each_check_and_exits_0_when_all_pass(as_bank):
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 0, res.output
    assert as_bank.opened == [("bank", None)]
    assert res.output.count("PASS ") == 5 and "PASSED: every check passed" in res.output


def test_the_command_exits_1_on_a_failed_check_and_its_json_says_which(as_bank):
    _no_debtor_endorsement(as_bank)
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--as", "bank/bank1", "--json"])
    assert res.exit_code == 1, res.output
    report = json.loads(res.output)
    assert report["passed"] is False
    assert [(c["what"], c["passed"]) for c in report["checks"]] == [
        ("confirmation", False), ("changes before confirmation", True), ("debtor party record", True),
        ("holder party record", True), ("invoice registry", True)]


def test_a_confirmation_of_another_channel_fails_its_check_and_the_json_says_so(as_bank):
    # the debtor's endorsement of the same write, committed on another channel (whose blocks the same
    # orderers may sign): it confirms nothing on this one
    processed = as_bank.transactions["t-confirm"]
    payload = common_pb2.Payload.FromString(processed.transactionEnvelope.payload)
    header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    header.channel_id = "otherchannel"
    payload.header.channel_header = header.SerializeToString()
    processed.transactionEnvelope.payload = payload.SerializeToString()
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"])
    assert res.exit_code == 1, res.output
    confirmation = json.loads(res.output)["checks"][0]
    assert (confirmation["what"], confirmation["passed"]) == ("confirmation", False)
    assert confirmation["reason"].endswith(
        f"{BANK}'s peer answered transaction t-confirm of channel 'otherchannel' when asked on channel "
        f"{CHANNEL}: that answer is not of this channel's ledger"), confirmation["reason"]


def test_the_command_exits_1_not_3_when_an_endorsements_certificate_cannot_be_read(as_bank):
    _unreadable_certificate_claims_the_debtor(as_bank)
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"])
    assert res.exit_code == 1, res.output
    confirmation = json.loads(res.output)["checks"][0]
    assert confirmation["passed"] is False and "cannot be read as an identity" in confirmation["reason"]


def test_the_command_exits_3_when_the_ledger_refuses_the_read(as_bank):
    as_bank.contract.errors["GetReceivable"] = refusal("not-found", R)
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 3, res.output
    assert f"cannot audit {R}: GetReceivable refused: RULE not-found" in res.output


def test_the_command_checks_a_part_whose_root_it_may_not_read_from_the_blocks_and_exits_0(as_bank):
    as_split_part(as_bank)
    as_bank.histories[R] = refusal("not-permitted-to-read", R)
    res = CliRunner().invoke(recfin, ["receivable", "audit", PART])
    assert res.exit_code == 0, res.output
    assert res.output.count("PASS ") == 5 and "NOT CHECKED" not in res.output
    assert "PASSED: every check passed" in res.output
    res = CliRunner().invoke(recfin, ["receivable", "audit", PART, "--json"])
    report = json.loads(res.output)
    assert res.exit_code == 0 and report["passed"] is True
    assert f"{R} read back from the blocks" in report["checks"][1]["reason"]



def unreachable(code: grpc.StatusCode, *, sent: bool = True) -> EvaluateError:
    """A qscc read that failed on its way to the auditor's peer: no answer of its ledger."""
    return EvaluateError("failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:7051",
                         transaction_id="q", code=code, sent=sent)


def access_denied() -> EvaluateError:
    """The auditor's peer refusing the caller qscc's GetTransactionByID: an answer, yet none about the claim."""
    peer = ErrorDetail("peer0", BANK, "chaincode response 500, access denied for [GetTransactionByID][recfin]: "
                                      "Failed verifying that proposal's creator satisfies local MSP principal")
    return EvaluateError("evaluate call to endorser returned error: " + peer.message, transaction_id="q",
                         code=grpc.StatusCode.ABORTED, details=[peer])


def failing_transaction_reads(monkeypatch, error: EvaluateError, times: int | None = None) -> None:
    """Every GetTransactionByID (the first ``times`` only, if given) fails with ``error``."""
    real, failed = ScriptedQscc.evaluate, []

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        if function == "GetTransactionByID" and (times is None or len(failed) < times):
            failed.append(arguments[1])
            raise error
        return real(self, function, arguments=arguments, endorsing_organizations=endorsing_organizations)

    monkeypatch.setattr(ScriptedQscc, "evaluate", evaluate)


NO_ANSWER = [unreachable(grpc.StatusCode.UNAVAILABLE), unreachable(grpc.StatusCode.DEADLINE_EXCEEDED),
             unreachable(grpc.StatusCode.RESOURCE_EXHAUSTED), unreachable(grpc.StatusCode.CANCELLED, sent=False),
             access_denied()]


@pytest.mark.parametrize("error", NO_ANSWER, ids=["unavailable", "deadline", "exhausted", "not-sent", "denied"])
def test_the_command_exits_3_not_1_when_a_transactions_read_fails_without_the_peer_saying_it_has_none(
        as_bank, monkeypatch, error):
    failing_transaction_reads(monkeypatch, error)
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 3, res.output
    assert f"cannot audit {R} as bank: " in res.output and "FAIL" not in res.output


def test_the_command_exits_1_when_the_auditors_peer_holds_no_transaction_the_history_lists(as_bank):
    _missing_on_the_own_peer(as_bank)
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"])
    assert res.exit_code == 1, res.output
    confirmation = json.loads(res.output)["checks"][0]
    assert confirmation["passed"] is False
    assert "holds no such transaction, though the key's history lists it" in confirmation["reason"]
    assert "no such transaction ID [t-confirm]" in confirmation["reason"]


def test_a_transactions_read_that_failed_on_its_way_is_read_again_by_the_next_audit(ledger, monkeypatch):
    failing_transaction_reads(monkeypatch, unreachable(grpc.StatusCode.UNAVAILABLE), times=1)
    audit = ReceivableAudit(ReceivablesClient(ledger.contract), ledger.qscc(), channel=CHANNEL, msp_id=BANK,
                            chaincode=CHAINCODE)
    with pytest.raises(EvaluateError) as caught:
        audit.audit(R)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE
    assert audit.audit(R).passed     # the blip was not kept as the transaction's answer


def test_a_transaction_the_peer_had_not_yet_is_read_again_by_the_next_audit_of_the_same_object(ledger):
    committed = ledger.transactions.pop("t-confirm")
    audit = ReceivableAudit(ReceivablesClient(ledger.contract), ledger.qscc(), channel=CHANNEL, msp_id=BANK,
                            chaincode=CHAINCODE)
    assert checks_of(audit.audit(R))["confirmation"][0] is False
    ledger.transactions["t-confirm"] = committed      # the auditor's peer has caught up with the channel
    assert audit.audit(R).passed


def test_a_revocation_made_between_two_audits_of_the_same_object_fails_the_second(ledger):
    core = ledger.orgs[CORE]
    key, cert = core.issue("peer1.core")
    ledger.transactions["t-confirm"] = endorsed("t-confirm", {receivable_key(R): ledger.receivable},
                                                [Signer(CORE, cert, key), *ledger.peers(SUPPLIER)])
    qscc = ledger.qscc()
    audit = ReceivableAudit(ReceivablesClient(ledger.contract), qscc, channel=CHANNEL, msp_id=BANK,
                            chaincode=CHAINCODE)
    assert audit.audit(R).passed
    core.revoked = [cert.serial_number]               # a config update revokes the confirming peer's certificate
    update = len(qscc.blocks)
    qscc.blocks += [config_block(list(ledger.orgs.values()), number=update), plain_block(update + 1, update)]
    passed, reason = checks_of(audit.audit(R))["confirmation"]
    assert passed is False and "revoked" in reason


FREEZE = {"order_reference": "(2026) Hu 0101 Bao 123", "by": "91310000MA1K00009R", "date": "2026-04-01",
          "tx_id": "t-freeze"}


def test_the_report_carries_the_claims_status_and_freeze(ledger):
    ledger.receivable = {**ledger.receivable, "status": "FINANCED", "frozen": FREEZE}
    report, _ = ledger.audit()
    assert report.passed and report.status == "FINANCED" and report.frozen.order_reference == FREEZE["order_reference"]
    assert report.to_json()["status"] == "FINANCED" and report.to_json()["frozen"] == FREEZE
    assert report.financing_refusal == (
        f"{R} is FINANCED, frozen under order '(2026) Hu 0101 Bao 123' since 2026-04-01: the contract takes a "
        "financing request only for a CONFIRMED claim no order freezes")


def test_the_report_names_the_orders_queued_behind_the_one_in_effect(ledger):
    """One lifting does not free a claim orders are queued on: the report, and its state in words, name them."""
    queued = [{**FREEZE, "order_reference": f"(2026) Jing 02 Bao {n}", "tx_id": f"t-{n}"} for n in (7, 8)]
    ledger.receivable = {**ledger.receivable, "frozen": FREEZE, "queued_freezes": queued}
    report, _ = ledger.audit()
    assert report.to_json()["queued_freezes"] == queued
    assert report.state == ("CONFIRMED, frozen under order '(2026) Hu 0101 Bao 123' since 2026-04-01, and by 2 more "
                            "orders queued behind it: '(2026) Jing 02 Bao 7', '(2026) Jing 02 Bao 8'")
    assert AuditReport.model_validate_json(report.model_dump_json()) == report


def test_the_command_names_the_state_of_a_confirmed_claim_no_order_freezes_and_nothing_more(as_bank):
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 0, res.output
    assert f"{R} (CONFIRMED, not frozen): debtor" in res.output
    assert res.output.rstrip().endswith("PASSED: every check passed")


@pytest.mark.parametrize("state, frozen, shown", [
    ("SETTLED", None, "SETTLED, not frozen"),
    ("FINANCED", None, "FINANCED, not frozen"),
    ("CONFIRMED", FREEZE, "CONFIRMED, frozen under order '(2026) Hu 0101 Bao 123' since 2026-04-01"),
])
def test_a_claim_that_passes_but_cannot_be_financed_now_says_why_and_still_exits_0(as_bank, state, frozen, shown):
    as_bank.receivable = {**as_bank.receivable, "status": state, "frozen": frozen}
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 0, res.output     # the exit code is the checks' verdict, as documented
    assert f"{R} ({shown}): debtor" in res.output
    assert (f"PASSED: every check passed; yet {R} is {shown}: the contract takes a financing request only for a "
            "CONFIRMED claim no order freezes") in res.output
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"])
    report = json.loads(res.output)
    assert (report["status"], report["frozen"], report["passed"]) == (state, frozen, True)


def test_a_confirmed_claim_due_before_the_audit_passes_but_says_the_contract_takes_no_financing(as_bank):
    due = (business_today() - dt.timedelta(days=1)).isoformat()
    as_bank.receivable = {**as_bank.receivable, "due_date": due}
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 0, res.output
    assert f"{R} (CONFIRMED, not frozen): debtor" in res.output
    assert (f"PASSED: every check passed; yet {R} is past maturity: the contract takes no financing on or after "
            f"{due} (audited on ") in res.output
    report = json.loads(CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"]).output)
    assert report["due_date"] == due and report["audited_on"] >= due


def test_a_claim_due_on_the_day_of_its_audit_is_past_maturity(ledger):
    ledger.receivable = {**ledger.receivable, "due_date": business_today().isoformat()}
    report, _ = ledger.audit()
    # audited on its due date (or, past midnight, the day after): the contract refuses financing either way
    assert report.past_maturity and "is past maturity" in report.financing_refusal


ON = dt.date(2026, 5, 31)


@pytest.mark.parametrize("due, refused", [(ON - dt.timedelta(days=1), True), (ON, True),
                                          (ON + dt.timedelta(days=1), False)])
def test_maturity_is_judged_on_the_audits_date_the_due_date_itself_refused(ledger, due, refused):
    report = ledger.audit()[0].model_copy(update={"due_date": due, "audited_on": ON})
    assert report.past_maturity is refused
    assert report.financing_refusal == (f"{R} is past maturity: the contract takes no financing on or after {due} "
                                        f"(audited on {ON})" if refused else None)


def test_a_frozen_confirmed_claim_past_maturity_names_both(ledger):
    ledger.receivable = {**ledger.receivable, "frozen": FREEZE}
    report = ledger.audit()[0].model_copy(update={"due_date": ON, "audited_on": ON})
    assert report.financing_refusal == (
        f"{R} is CONFIRMED, frozen under order '(2026) Hu 0101 Bao 123' since 2026-04-01: the contract takes a "
        f"financing request only for a CONFIRMED claim no order freezes; and {R} is past maturity: the contract "
        f"takes no financing on or after {ON} (audited on {ON})")


def test_a_claim_in_another_status_is_refused_for_its_status_alone(ledger):
    report = ledger.audit()[0].model_copy(update={"status": "SETTLED", "due_date": ON, "audited_on": ON})
    assert report.financing_refusal == (f"{R} is SETTLED, not frozen: the contract takes a financing request only "
                                        "for a CONFIRMED claim no order freezes")


def test_a_live_financing_request_on_a_financeable_claim_leaves_only_offers_on_it(as_bank):
    as_bank.receivable = {**as_bank.receivable, "financing_id": "F-00000000000000b1"}
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 0, res.output
    assert (f"PASSED: every check passed; yet {R} has live financing F-00000000000000b1: the contract takes no new "
            "financing request, only a bank's offer on that request") in res.output


def test_a_live_financing_request_naming_another_holder_is_advised_withdrawn_not_offered_on(as_bank):
    # the request's key has no key-level policy: two orgs rewrote its holder, and the contract refuses an offer
    # on it (invalid-state), so the bank is told what the claim's holder does instead
    as_bank.receivable = {**as_bank.receivable, "financing_id": "F-00000000000000b1"}
    as_bank.contract.responses["GetFinancing"] = {
        **fakes.financing(status="REQUESTED", accepted_offer_id=None, financier=None, financier_msp=None,
                          collection=None, terms_hash=None, holder=fakes.CORE, holder_msp=CORE), "offers": []}
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert (f"yet {R} has live financing request F-00000000000000b1, which names {fakes.CORE} of {CORE} as the "
            f"holder, but the claim is held by {fakes.TIER1} of SupplierMSP: the request record was changed outside "
            "the contract, and the contract takes no bank's offer on it (invalid-state); the claim's holder "
            "withdraws it (WithdrawFinancing) and requests financing again") in said, res.output
    assert "only a bank's offer on that request" not in said
    report = json.loads(CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"]).output)
    assert (report["request_holder"], report["request_holder_msp"]) == (fakes.CORE, CORE)
    assert AuditReport.model_validate(report).financing_refusal == report["financing_refusal"]


def test_a_live_financing_request_goes_unmentioned_when_the_claim_is_refused_for_more(ledger):
    report = ledger.audit()[0].model_copy(update={"financing_id": "F-00000000000000b1", "due_date": ON,
                                                  "audited_on": ON})
    assert report.financing_refusal.startswith(f"{R} is past maturity")
    assert "live financing" not in report.financing_refusal


def test_a_report_saved_before_it_carried_the_claims_state_loads(ledger):
    saved = ledger.audit()[0].model_dump(mode="json")
    older = {key: value for key, value in saved.items()
             if key not in ("status", "frozen", "due_date", "financing_id", "audited_on")}
    report = AuditReport.model_validate(older)
    assert report.passed and (report.status, report.frozen, report.due_date, report.audited_on) == (None,) * 4
    assert report.state == "state not recorded"
    assert report.financing_refusal == (f"the report of {R} does not record the claim's status: audit it again to "
                                        "learn whether the contract would finance it")
    # saved with its status and freeze, before it carried the due date: no maturity to judge
    report = AuditReport.model_validate({**older, "status": "CONFIRMED", "frozen": None})
    assert report.financing_refusal is None and not report.past_maturity


# ---------------------------------------------------------------- who the SDK asks to endorse what the audit checks

class ChannelNetwork:
    """A gateway Network whose qscc gives the channel's config block, listing its orgs."""

    def __init__(self, *orgs: str) -> None:
        self.name = CHANNEL
        self.qscc = ScriptedQscc([names_config_block(list(orgs))], {})

    def get_contract(self, chaincode, contract_name=None):
        assert chaincode == "qscc"
        return self.qscc


def refused(transaction: str, rule: str) -> EndorseError:
    peer = ErrorDetail("peer0", CORE, f"chaincode response 500, RULE {rule}: {transaction} refused")
    return EndorseError("failed to endorse transaction", transaction_id="t", details=[peer])


def test_a_confirmation_is_endorsed_by_the_debtors_org_and_the_holders_read_from_the_claim():
    contract = FakeContract(responses={"GetReceivable": fakes.receivable(), "ConfirmReceivable": fakes.receivable()})
    ReceivablesClient(contract).confirm(R)
    assert [(c.name, c.endorsing_organizations) for c in contract.calls] == [
        ("GetReceivable", None), ("ConfirmReceivable", [CORE, SUPPLIER])]


def test_a_claim_whose_debtor_and_holder_share_an_org_and_whose_key_has_no_policy_is_confirmed_with_every_org():
    # an earlier contract version's claim: no key-level policy tells its orgs, and the channel's config block does
    # not tell which orgs' parties may be the regulator (test_one_org_claim_endorsers.py: the key's orgs, where it has)
    one_org = fakes.receivable(holder_msp=CORE)
    contract = FakeContract(responses={"GetReceivable": one_org, "GetReceivableEndorsers": [],
                                       "ConfirmReceivable": one_org})
    network = ChannelNetwork(REGULATOR, CORE, BANK, SUPPLIER)
    ReceivablesClient(contract, network).confirm(R)
    assert contract.calls[-1].endorsing_organizations == [CORE, BANK, REGULATOR, SUPPLIER]
    assert {tuple(orgs) for *_, orgs in network.qscc.asked} == {(CORE,)}   # the config read from the debtor's peer


def test_a_caller_refused_the_read_is_sent_to_the_gateways_plan_and_refused_by_the_confirmations_rule():
    contract = FakeContract(errors={"GetReceivable": refused("GetReceivable", "not-permitted-to-read"),
                                    "ConfirmReceivable": refused("ConfirmReceivable", "not-the-debtor")})
    with pytest.raises(RuleViolation) as caught:
        ReceivablesClient(contract).confirm(R)
    assert caught.value.rule == "not-the-debtor" and contract.calls[-1].endorsing_organizations is None


def test_a_party_is_registered_with_its_own_org_and_another_of_the_channel_when_the_client_can_read_the_channel():
    contract = FakeContract(responses={"RegisterParty": fakes.party()})
    network = ChannelNetwork(SUPPLIER, BANK, CORE)
    ReceivablesClient(contract, network).register_party(fakes.TIER1, "Tier-1", "supplier", SUPPLIER, ["x509::CN=a::CN=ca"])
    assert contract.only().endorsing_organizations == [SUPPLIER, BANK]
    assert {tuple(orgs) for *_, orgs in network.qscc.asked} == {(SUPPLIER,)}
    without_network = FakeContract(responses={"RegisterParty": fakes.party()})
    ReceivablesClient(without_network).register_party(fakes.TIER1, "Tier-1", "supplier", SUPPLIER, ["x509::CN=a::CN=ca"])
    assert without_network.only().endorsing_organizations is None   # nothing to read the channel with


class AsyncQscc(ScriptedQscc):
    async def evaluate(self, function, **options):   # type: ignore[override]
        return ScriptedQscc.evaluate(self, function, **options)


def async_channel(*orgs: str) -> ChannelNetwork:
    """A channel of ``orgs`` whose qscc the async client awaits."""
    network = ChannelNetwork(*orgs)
    network.qscc = AsyncQscc(network.qscc.blocks, {})
    return network


def confirm_then_register_async(contract, *channel_orgs: str) -> None:
    """A same-org claim's confirmation and the core enterprise's registration, through the async client on a
    channel of ``channel_orgs``."""
    network = async_channel(*channel_orgs)
    contract.responses.update({"GetReceivable": fakes.receivable(holder_msp=CORE), "GetReceivableEndorsers": [],
                               "ConfirmReceivable": fakes.receivable(), "RegisterParty": fakes.party()})
    client = AsyncReceivablesClient(contract, network)
    asyncio.run(client.confirm(R))
    asyncio.run(client.register_party(fakes.CORE, "Core", "core_enterprise", CORE, ["x509::CN=b::CN=ca"]))


def test_the_async_client_names_the_same_orgs():
    contract = FakeAsyncContract()
    confirm_then_register_async(contract, BANK, CORE)
    assert [c.endorsing_organizations for c in contract.calls if c.kind == "submit"] == [[CORE, BANK], [CORE, BANK]]


ONE_ORG_FINANCED = {
    "GetFinancing": {**fakes.financing(status="DISBURSED", holder_msp=CORE, financier_msp=CORE),
                     "offers": [fakes.offer(status="ACCEPTED", financier_msp=CORE)]},
    "GetOfferTerms": fakes.terms(recourse=True),
    "GetReceivable": fakes.receivable(status="OVERDUE", holder_msp=CORE, financing_id="F-00000000000000b1",
                                      financier=fakes.BANK, financier_msp=CORE),
    "GetReceivableEndorsers": [],   # no policy tells its orgs (test_one_org_claim_endorsers.py: where one does)
    "RecordDisbursement": fakes.financing(status="DISBURSED"), "CancelFinancing": fakes.financing(status="CANCELLED"),
    "ExerciseRecourse": fakes.financing(status="RECOURSED")}


def test_a_financed_claim_whose_debtor_holder_and_bank_share_an_org_is_changed_with_every_org_of_the_channel():
    # the claim's key carries no policy naming its orgs, and the financing's key (no policy) needs any two orgs
    def change(client):
        return client.cancel_financing("F-1", "not disbursed")
    contract = FakeContract(responses=ONE_ORG_FINANCED)
    change(ReceivablesClient(contract, ChannelNetwork(REGULATOR, CORE, BANK, SUPPLIER)))
    assert contract.calls[-1].endorsing_organizations == [CORE, BANK, REGULATOR, SUPPLIER]
    async_contract = FakeAsyncContract(responses=ONE_ORG_FINANCED)
    asyncio.run(change(AsyncReceivablesClient(async_contract, async_channel(REGULATOR, CORE, BANK, SUPPLIER))))
    assert async_contract.calls == contract.calls


@pytest.mark.parametrize("change", [lambda client: client.record_disbursement("F-1"),
                                    lambda client: client.exercise_recourse("F-1", "unpaid")],
                         ids=["record_disbursement", "exercise_recourse"])
def test_such_a_change_carrying_the_terms_is_refused_as_every_org_would_be_sent_them(change):
    # the terms' collection of CORE's holder and bank has CORE and the regulator's org, as the definition tells
    from .test_one_org_claim_endorsers import OrgsNetwork
    orgs = (REGULATOR, CORE, BANK, SUPPLIER)
    for contract, call in ((FakeContract(responses=ONE_ORG_FINANCED),
                            lambda c: change(ReceivablesClient(c, OrgsNetwork(*orgs)))),
                           (FakeAsyncContract(responses=ONE_ORG_FINANCED),
                            lambda c: asyncio.run(change(AsyncReceivablesClient(c, OrgsNetwork(*orgs, awaited=True)))))):
        with pytest.raises(ValueError, match=f"which may reach no org outside their collection terms-{CORE}-{CORE}, "
                                             f"whose members are {CORE}, {REGULATOR}, not {BANK}, {SUPPLIER}; "
                                             "nothing was sent"):
            call(contract)
        assert [c.kind for c in contract.calls if c.kind == "submit"] == []


class OrgsDown(FakeContract):
    """A contract whose Gateway has no peer of the ``down`` orgs to endorse with, as Fabric's answers a named one."""

    def __init__(self, *down: str, **fields) -> None:
        super().__init__(**fields)
        self.down = down

    def submit(self, name, *, arguments=(), transient=None, endorsing_organizations=None, retry=None):
        missing = [org for org in endorsing_organizations or () if org in self.down]
        if missing:
            self.calls.append(fakes.Call("submit", name, list(arguments), transient, endorsing_organizations))
            raise EndorseError(f"failed to find any endorsing peers for org(s): {', '.join(missing)}",
                               transaction_id="t", code=grpc.StatusCode.UNAVAILABLE)
        return super().submit(name, arguments=arguments, transient=transient,
                              endorsing_organizations=endorsing_organizations, retry=retry)


def submitted_orgs(contract) -> list[list[str] | None]:
    return [call.endorsing_organizations for call in contract.calls if call.kind == "submit"]


def test_a_party_registration_goes_to_the_next_other_org_when_the_first_has_no_peer_to_endorse():
    contract = OrgsDown(BANK, responses={"RegisterParty": fakes.party()})
    network = ChannelNetwork(SUPPLIER, BANK, CORE, REGULATOR)
    ReceivablesClient(contract, network).register_party(fakes.TIER1, "Tier-1", "supplier", SUPPLIER, ["x509::CN=a::CN=ca"])
    assert submitted_orgs(contract) == [[SUPPLIER, BANK], [SUPPLIER, CORE]]


def test_a_same_org_confirmation_is_not_sent_without_an_org_that_cannot_endorse_and_says_what_to_do():
    # where the key's orgs are no plan, the org whose peers are down may be the regulator's, which its policy names
    one_org = fakes.receivable(holder_msp=CORE)
    bank_down = OrgsDown(BANK, responses={"GetReceivable": one_org, "GetReceivableEndorsers": [],
                                          "ConfirmReceivable": one_org})
    with pytest.raises(EndorseError) as caught:
        ReceivablesClient(bank_down, ChannelNetwork(SUPPLIER, BANK, CORE, REGULATOR)).confirm(R)
    assert submitted_orgs(bank_down) == [[CORE, BANK, REGULATOR, SUPPLIER]]
    assert (f"confirming {R} needs {CORE} and the orgs the claim's key-level policy names, which could not be used "
            "(its key carries none, so the chaincode-level policy guards it)") in caught.value.message
    assert f"{BANK} could not" in caught.value.message and "--endorsing-org MSP" in caught.value.message

    own_org_down = OrgsDown(CORE, BANK, responses={"GetReceivable": one_org, "GetReceivableEndorsers": []})
    with pytest.raises(EndorseError) as caught:
        ReceivablesClient(own_org_down, ChannelNetwork(SUPPLIER, BANK, CORE, REGULATOR)).confirm(R)
    assert caught.value.message == f"failed to find any endorsing peers for org(s): {CORE}, {BANK}"


def test_no_other_org_is_tried_when_the_partys_own_org_cannot_endorse_or_the_contract_refuses():
    contract = OrgsDown(SUPPLIER, responses={"RegisterParty": fakes.party()})
    with pytest.raises(EndorseError):
        ReceivablesClient(contract, ChannelNetwork(SUPPLIER, BANK, CORE)).register_party(
            fakes.TIER1, "Tier-1", "supplier", SUPPLIER, ["x509::CN=a::CN=ca"])
    assert submitted_orgs(contract) == [[SUPPLIER, BANK]]
    refusing = FakeContract(errors={"RegisterParty": refused("RegisterParty", "party-exists")})
    with pytest.raises(RuleViolation):
        ReceivablesClient(refusing, ChannelNetwork(SUPPLIER, BANK, CORE)).register_party(
            fakes.TIER1, "Tier-1", "supplier", SUPPLIER, ["x509::CN=a::CN=ca"])
    assert submitted_orgs(refusing) == [[SUPPLIER, BANK]]


def test_the_async_client_plans_as_the_blocking_one_when_an_org_cannot_endorse():
    class AsyncOrgsDown(FakeAsyncContract):
        async def submit(self, name, **options):   # type: ignore[override]
            if BANK in (options.get("endorsing_organizations") or ()):
                self.calls.append(fakes.Call("submit", name, list(options.get("arguments", ())), None,
                                             options.get("endorsing_organizations")))
                raise EndorseError(f"failed to find any endorsing peers for org(s): {BANK}", transaction_id="t")
            return await super().submit(name, **options)

    contract = AsyncOrgsDown()
    with pytest.raises(EndorseError, match=f"{BANK} could not"):   # a same-org confirmation names every org
        confirm_then_register_async(contract, BANK, CORE, SUPPLIER)
    asyncio.run(AsyncReceivablesClient(contract, async_channel(BANK, CORE, SUPPLIER)).register_party(
        fakes.CORE, "Core", "core_enterprise", CORE, ["x509::CN=b::CN=ca"]))
    assert submitted_orgs(contract) == [[CORE, BANK, SUPPLIER], [CORE, BANK], [CORE, SUPPLIER]]


@pytest.fixture
def recording_session(monkeypatch):
    contract = FakeContract(responses={"RegisterParty": fakes.party(), "ConfirmReceivable": fakes.receivable(),
                                       "GetReceivable": fakes.receivable(holder_msp=CORE),
                                       "GetReceivableEndorsers": []})
    profile = ConnectionProfile(org="coreenterprise", msp_id=CORE, channel=CHANNEL, chaincode=CHAINCODE,
                                gateway=Endpoint(address="127.0.0.1:1", host_name_override="peer0",
                                                 tls_root_cert="/x/ca.pem"), peers=[], orderers=[],
                                users={"u1": UserIdentity(name="u1", role="client", msp_dir="/x/msp", cert="/x/c.pem",
                                                          key="/x/k", tls_cert="/x/t", tls_key="/x/tk")})

    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        yield connection.Session(ReceivablesClient(contract, ChannelNetwork(CORE, BANK, SUPPLIER)), profile,
                                 profile.users["u1"])

    monkeypatch.setattr(connection, "open_session", open_session)
    return contract


@pytest.mark.parametrize("command", [
    ["receivable", "confirm", R],
    ["party", "register", "--uscc", fakes.CORE, "--name", "Core", "--role", "core_enterprise", "--client-id",
     "x509::CN=core1::CN=ca"]])
def test_the_commands_send_to_the_endorsing_orgs_given_and_else_to_the_ones_the_sdk_names(recording_session, command):
    res = CliRunner().invoke(recfin, [*command, "--endorsing-org", CORE, "--endorsing-org", REGULATOR])
    assert res.exit_code == 0, res.output
    assert submitted_orgs(recording_session)[-1] == [CORE, REGULATOR]
    res = CliRunner().invoke(recfin, command)
    assert res.exit_code == 0, res.output
    # the claim the fake returns is between two parties of one org, and its key has no policy: every org is named
    assert submitted_orgs(recording_session)[-1] == ([CORE, BANK, SUPPLIER] if "confirm" in command else [CORE, BANK])


def echoing_transaction_reads(monkeypatch, code: grpc.StatusCode, *, sent: bool = True, in_detail: bool = False):
    """Every GetTransactionByID fails with a message (or, ``in_detail``, only an endorser's detail) echoing qscc's
    "no such transaction ID [<the id asked>]"."""
    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        if function != "GetTransactionByID":
            return real(self, function, arguments=arguments, endorsing_organizations=endorsing_organizations)
        said = f"chaincode response 500, no such transaction ID [{arguments[1]}] in index"
        if in_detail:
            raise EvaluateError("evaluate call to endorser returned error", transaction_id="q", code=code,
                                sent=sent, details=[ErrorDetail("peer0", BANK, said)])
        raise EvaluateError(said, transaction_id="q", code=code, sent=sent)

    real = ScriptedQscc.evaluate
    monkeypatch.setattr(ScriptedQscc, "evaluate", evaluate)


@pytest.mark.parametrize("code, sent", [(grpc.StatusCode.UNAVAILABLE, True), (grpc.StatusCode.DEADLINE_EXCEEDED, True),
                                        (grpc.StatusCode.UNKNOWN, False)], ids=["unavailable", "deadline", "not-sent"])
def test_a_read_failed_on_its_way_is_no_answer_even_when_its_message_echoes_no_such_transaction(
        as_bank, monkeypatch, code, sent):
    echoing_transaction_reads(monkeypatch, code, sent=sent)
    res = CliRunner().invoke(recfin, ["receivable", "audit", R])
    assert res.exit_code == 3, res.output
    assert "FAIL" not in res.output


def test_the_peers_answer_of_no_such_transaction_in_an_endorsers_detail_fails_the_check(as_bank, monkeypatch):
    echoing_transaction_reads(monkeypatch, grpc.StatusCode.UNKNOWN, in_detail=True)
    res = CliRunner().invoke(recfin, ["receivable", "audit", R, "--json"])
    assert res.exit_code == 1, res.output
    assert "holds no such transaction" in res.output
