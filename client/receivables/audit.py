"""Prove from the blocks that a claim's confirmation came from its debtor's org (``recfin receivable audit``).

A new key falls under the chaincode-level policy, any two of the channel's orgs, so two orgs running altered
chaincode can write a receivable already CONFIRMED (or a split child no split made), or a party record under
an MSP of their choosing, without the debtor's org. No check inside the chaincode stops that; a bank about to
finance a claim can check, from its own org's peer, who endorsed the transactions the claim rests on:

1. ``confirmation``: the claim's key was created REGISTERED (or, for a split part, CONFIRMED by the split of its
   parent), and the first transaction that left it past registration (the debtor's confirmation, or the split)
   is a VALID transaction of this chaincode carrying an endorsement of the claim's debtor org's peer;
2. ``changes before confirmation``, for a claim created REGISTERED and confirmed: the claim its confirmation
   wrote is the claim its registration wrote, but for the fields the contract's transactions of a REGISTERED
   claim on the way to its confirmation change (``CHANGED_BEFORE_CONFIRMATION``: a confirmation's status,
   confirmed_on and last, a freeze's frozen (or queued_freezes) and last, an unfreeze's frozen, queued_freezes,
   last_unfreeze and last; UpgradeLedger writes no record value; and a paper identity its creditor linked to an
   invoice registered without one, ``LinkPaperIdentity``: ``_paper_identities_linked``),
   and no transaction between them left it REJECTED or WITHDRAWN (the contract confirms only a REGISTERED claim,
   and a rejection or a withdrawal released its invoices). Both values are read as the SDK's Receivable, so a field
   an earlier contract version did not write reads as its default and invoices read as the contract reads them. So
   no pair of orgs changed its holder, amounts, dates or invoices before its debtor confirmed it, whoever endorsed the
   transactions between: the key-level policy asks the creditor's org of each of them only of a claim
   registered with that policy, and one an earlier contract version registered may have been confirmed, frozen
   or unfrozen with other orgs (docs/receivables.md, "What an audit proves"). A split part has no such span
   (the split that created it confirmed it), so its root's (``root_id``) is checked, after its chain of parents
   (each created by a split of its own parent that carries an endorsement of the debtor's org the split wrote
   for it, up to the root, created REGISTERED and confirmed with its debtor's org's endorsement): the claim the
   root's confirmation wrote is the one its registration wrote. Where the contract refuses the auditor an ancestor's or
   the root's history (``not-permitted-to-read``: a bank asked to finance a part is no party to its root), its
   writes are read back from the blocks instead, through the version of its key each transaction read (the
   auditor's peer holds every block, whatever the contract lets it read), and checked the same way, the root's
   creation so reached being the registration its id was made from (``new_id("R", <transaction id>)``) and
   submitted by a client of the org it writes as the holder's, the creditor's (a write that read nothing of the
   key, which Fabric commits, would hide the writes before it; the id alone keeps 64 bits of a hash of a nonce
   the submitter picks, some 2^64 / N tries with N claims to hit, and the creator's MSP is what binds the
   registration to the creditor's org, which two others cannot sign as); where they cannot be (a block the peer
   cannot give, a write read at a version that holds none), or start at another transaction or one another org
   submitted, the check fails, as nothing then shows the root was registered and confirmed by its debtor;
3. ``debtor party record`` and ``holder party record``: the transaction that created each party's record is
   VALID, writes that record naming the org the claim names for that party, and carries an endorsement of that
   org's peer.
4. ``invoice registry``: each invoice the claim's root was registered with is held in the contract's invoice
   registry (``FindInvoice``) for that root, and no entry of it, under any spelling the contract keys it by,
   names another claim: a claim two orgs wrote holding another claim's invoice, which the debtor's peer
   confirms all the same, fails (financing it would finance the invoice twice). Left out for a split part
   whose root's registration was not read (its ``changes before confirmation`` fails, saying why).

The key's history (``GetReceivableHistory``, ``GetPartyHistory``) only says which transactions to read: Fabric's
history reports the first write of a key in a transaction, its state keeps the last, so every transaction of
the key is read from its block, and one that writes the key twice, lists the namespace twice, or committed
other than its history entry says fails the check. So does a delete of the key: no version of the contract
deletes a claim's or a party record's key, and a write after a delete would pass for the key's first, hiding
what it held before (a claim given to another holder, a rejected claim revived, a party record under another
org). So does a history whose first transaction read the key at a version, or one listing no write of a claim
the peer holds: it does not reach the key's creation, which each check takes its first change for (a peer that
joined the channel from a snapshot holds no history from before it). So does a history that leaves out a write
between two it lists: the later read the key at another version than the earlier wrote. So does an entry naming no
transaction (an empty ``tx_id``, which no history Fabric keeps gives): nothing is asked of qscc for it.

An endorsement counts when its signature over the proposal response payload and the endorser's identity
verifies under the endorser's certificate, and that certificate chains to the expected MSP's CA certificates in
the channel configuration the transaction was validated under (the config block its block names, as Fabric
validated it: not today's, whose CAs and CRLs may have changed since), was valid at the transaction's
timestamp, is on none of that MSP's revocation lists, then or today, and, where the MSP enables NodeOUs,
carries its peer OU (a client or admin certificate of the org is no endorsement of its peer; without NodeOUs,
or without a peer OU, the role cannot be told, and the check's reason says so). The transaction's endorsements
must also meet the policies Fabric's validation held it to (``client.ledger.endorsement_policy``, under the config
its block was validated under alone): the chaincode's, from its definition as the blocks hold it, and each written
key's key-level policy, read back through the versions the transaction read (:class:`_ReadBack`); one that does
not fails the check, the peer's VALID flag not being Fabric's. What those reads cannot tell (a key written without
reading it) leaves the check as it stands, its reason saying so.
The MSP ID an endorser wrote is never taken on its word. Every read (the claim, its history, the party
histories, the transactions, the channel configuration) is answered by a peer of the auditor's own org, the
one ledger it trusts; every block read from it is checked as a peer checks one the orderer delivers
(:meth:`ReceivableAudit._integrity_problem`: its data hash, its link with a block next to it the audit read
too, its orderer signatures under /Channel/Orderer/BlockValidation of the config it was verified under, which
must be the newest config block before it, as the ordering service names it), and
a transaction read by its id must be the one its block holds. A block that fails fails the check of the key
whose transaction it holds. What that peer is still trusted for: the genesis block (no orderer signs it), unless
the audit is given its hash (``genesis_hash``: a peer's block 0 of another header hash then fails every check
resting on a block's signatures), which
transactions a key's history lists, each transaction's validation code (the block's transaction filter, which
no orderer signs), which blocks are the channel's config blocks (as its newest block, and the block before each
config block, name them), and today's configuration, read for its revocation lists alone (which can only add
refusals).

What it does not prove: that a credit code belongs to the org a party record names (an org can register its own
record for another company's credit code: compare the report's MSPs with what you know of your customer); that
the creditor's org endorsed the registration itself (a new key is validated against the chaincode-level policy,
any two orgs, and the Gateway chooses them), so that the claim's invoices and amounts are the creditor's (the
checks show only that the confirmation left them as registered); for a split part whose root (or a parent
between) the auditor may not read, a write of a parent's key before the last one that read no earlier version of
it (which must be the split of the parent's own parent), nor that the write taken for the root's registration
(one whose transaction id names the root, submitted by its creditor's org) is the first that org submitted,
should a client of that org and another org's peer write the root again under another transaction id naming it
(some 2^64 / N tries, N the claims they may still rewrite); that
the transaction's timestamp, which its submitter chose, is when it was endorsed; or anything about changes after
the confirmation, which the claim's key-level policy (debtor's and holder's orgs) covers.
"""
from __future__ import annotations

import inspect
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.peer import transaction_pb2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from chaincode.receivables import fingerprint as invoice_keys
from chaincode.receivables.keys import new_id
from client.business_dates import business_today
from client.gateway.errors import GatewayError
from client.ledger import block_integrity, endorsement_policy
from client.ledger import msp as channel_msp
from client.ledger.endorsements import CommittedTransaction, EndorsedAction, committed_transaction
from client.ledger.qscc import (QSCC, LedgerReadError, NoSuchBlockError, NoSuchTransactionError, ask_own_org,
                                block_by_number, block_by_tx_id, config_of, current_config, decoded,
                                last_config_index, newest_block_number, not_as_block_holds, other_channel,
                                position_in_block, transaction_by_id, transaction_header, validation_flags)

from ._validation_problems import _problem_in
from ._models import FinancingView, FreezeOrder, HistoryEntry, Invoice, InvoiceLookup, Receivable
from .errors import RuleViolation
from .ledger_keys import party_key, receivable_key

REGISTERED, REJECTED, WITHDRAWN = "REGISTERED", "REJECTED", "WITHDRAWN"
RELEASED = (REJECTED, WITHDRAWN)
"""Statuses that end a claim before confirmation and release its invoices (rejected by its debtor, withdrawn by its
creditor): the contract takes no claim out of either, so a confirmation after one was written by no contract."""
FINANCEABLE = "CONFIRMED"
"""The one status the contract takes a financing request in (RequestFinancing), when no order freezes the claim and
its due date is still ahead."""
NOT_YET_CONFIRMED = (REGISTERED, *RELEASED)
"""Statuses before the debtor's confirmation: the first history entry in any other status is the change that
confirmed the claim (or, for a split part, created it confirmed)."""

CLAIM_ID_PREFIX = "R"
"""How the contract's RegisterReceivable names a claim: ``new_id(CLAIM_ID_PREFIX, <its transaction id>)``, the id
every version of the contract has given a claim it registers (a split part's is its parent's with a suffix)."""

CHANGED_BEFORE_CONFIRMATION = ("status", "confirmed_on", "frozen", "queued_freezes", "last_unfreeze", "last")
"""The fields of a claim the contract's transactions of a REGISTERED claim that a confirmation may follow change:
ConfirmReceivable (status, confirmed_on, last), FreezeReceivable (frozen, or queued_freezes on a claim another
order froze, and last) and UnfreezeReceivable (frozen, queued_freezes, last_unfreeze, last).
UpgradeLedger writes the key's policy, no value; RejectReceivable (status, rejection_reason, last) and
WithdrawReceivable (status, withdrawn_on, withdrawal_reason, last) leave a claim no confirmation follows. Every other
field a confirmation writes is the registration's, but for the one change of ``invoices`` LinkPaperIdentity makes
(``_paper_identities_linked``)."""

NOT_CHECKED = "not checked: "
"""How the reason of a check that passes without having been made starts. No check of this audit passes so (a
split part's root the contract refuses the auditor is read back from the blocks); a report saved when such a
root's ``changes before confirmation`` passed unmade holds one. ``AuditCheck.checked`` tells it."""

BLOCKS_KEPT = 8
"""How many blocks one audit keeps, the most recently read: a walk back through a key's writes reads the versions
of one block one after another (each before the last), so a few serve every read of the same block, and an audit
of a long history holds no more than these at once."""

SAVED_VERDICTS = frozenset({"passed", "financing_refusal"})
"""What ``AuditReport.to_json`` adds to the report's fields: each is decided by them, so a saved one is
checked against them on loading, not taken over."""

CheckName = Literal["confirmation", "changes before confirmation", "invoice registry", "debtor party record",
                    "holder party record"]


class AuditCheck(BaseModel):
    """One check: what was checked (``what``, of ``subject``), in which transaction, the org whose endorsement it
    needs (for ``changes before confirmation``, which reads values, not endorsements: the creditor's org, whose
    claim its registration wrote; empty where that registration was not read), whether it passed, and why (the
    endorsing orgs that verified, or what was wrong; a reason starting ``NOT_CHECKED`` passed unmade)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    what: CheckName
    subject: str
    tx_id: str | None
    expected_msp: str
    passed: bool
    reason: str
    verified_endorsers: list[str] = []

    @property
    def checked(self) -> bool:
        """False for a check that passes only because it could not be made (its reason says why)."""
        return not self.reason.startswith(NOT_CHECKED)


class AuditReport(BaseModel):
    """The audit of one receivable: the claim as it stands (its ``status``, the order that freezes it, if any, its
    ``due_date`` and live ``financing_id``), the business date it was audited on (``audited_on``), each check, and
    ``passed`` when every one did. The checks prove where the claim came from, not that it may be financed now:
    ``financing_refusal`` says when its state stops that. A report saved before it carried the claim's state
    loads with None for what it does not record."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    receivable_id: str
    status: str | None = None
    frozen: FreezeOrder | None = None
    queued_freezes: list[FreezeOrder] = Field(default_factory=list, description=(
        "the freeze orders queued behind ``frozen`` (轮候冻结), oldest first: each binds the claim in turn, so "
        "lifting the one in effect does not free it; none in a report saved before it recorded them"))
    due_date: date | None = None
    financing_id: str | None = None
    request_holder: str | None = Field(default=None, description=(
        "the holder, and its org, the claim's live financing request names (GetFinancing), read where the claim "
        "is otherwise financeable; None where not read, and in a report saved before it recorded them"))
    request_holder_msp: str | None = None
    audited_on: date | None = None
    channel: str
    auditor_msp: str
    debtor: str
    debtor_msp: str
    holder: str
    holder_msp: str
    checks: list[AuditCheck]

    @model_validator(mode="wrap")
    @classmethod
    def _saved_with_its_verdict(cls, data: Any, handler: Any) -> AuditReport:
        """A report as ``to_json`` saved it (``recfin receivable audit --json``) carries ``passed``, which its
        checks decide, and ``financing_refusal``, which the claim's state and the audit's date decide: read
        back where each says what they do (of the refusal: whether there is one), refused where one does not
        (the verdict, a check or the state was edited after the audit), rather than taken over either. A
        report saved before it carried the refusal loads without it."""
        if not isinstance(data, dict) or not SAVED_VERDICTS.intersection(data):
            return handler(data)
        report = handler({key: value for key, value in data.items() if key not in SAVED_VERDICTS})
        if "passed" in data and data["passed"] is not report.passed:
            raise ValueError(f"the report says passed is {data['passed']!r}, but its checks say "
                             f"{report.passed}: it was changed after the audit; audit the claim again")
        # whether there is a refusal, not its words, which a later version may put otherwise
        saved_refusal = data.get("financing_refusal")
        if "financing_refusal" in data and (saved_refusal is None) != (report.financing_refusal is None):
            raise ValueError(f"the report says financing_refusal is {saved_refusal!r}, but the "
                             f"claim's state it records says {report.financing_refusal!r}: it was changed "
                             "after the audit; audit the claim again")
        return report

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def state(self) -> str:
        """The claim's status and freeze, as words: "CONFIRMED, not frozen", "FINANCED, frozen under order
        '(2026) Hu 0101 Bao 123' since 2026-04-01", and after it the orders queued behind that one (", and by 1
        more order queued behind it: '(2026) Jing 02 Bao 7'"), which bind it in turn; "state not recorded" in a
        report saved without it."""
        if self.status is None:
            return "state not recorded"
        if self.frozen is None:
            return f"{self.status}, not frozen"
        queued = ""
        if self.queued_freezes:
            count = len(self.queued_freezes)
            queued = (f", and by {count} more {'order' if count == 1 else 'orders'} queued behind it: "
                      + ", ".join(repr(o.order_reference) for o in self.queued_freezes))
        return f"{self.status}, frozen under order {self.frozen.order_reference!r} since {self.frozen.date}{queued}"

    @property
    def past_maturity(self) -> bool:
        """Whether the claim was due on or before the day it was audited: the contract takes no financing
        (RequestFinancing, MakeFinancingOffer, AcceptFinancingOffer) of a claim on or after its due date. False
        where the report records no due date or audit date."""
        return self.due_date is not None and self.audited_on is not None and self.due_date <= self.audited_on

    @property
    def financing_refusal(self) -> str | None:
        """Why the contract refuses to finance the claim as it stood on ``audited_on``, whatever the checks say: a
        status other than CONFIRMED (settled, already financed, split...), a freeze order, or its due date
        reached; for a claim free of all three with a live financing request, that it takes no new request, only
        a bank's offer on that one. None when a financing request would be taken."""
        if self.status is None:
            return (f"the report of {self.receivable_id} does not record the claim's status: audit it again to learn "
                    "whether the contract would finance it")
        refusals = []
        if self.status != FINANCEABLE or self.frozen is not None:
            refusals.append(f"{self.receivable_id} is {self.state}: the contract takes a financing request only for "
                            f"a {FINANCEABLE} claim no order freezes")
        if self.status == FINANCEABLE and self.past_maturity:
            # another status already refuses it: its due date would add nothing a bank could act on
            refusals.append(f"{self.receivable_id} is past maturity: the contract takes no financing on or after "
                            f"{self.due_date} (audited on {self.audited_on})")
        if refusals:
            return "; and ".join(refusals)
        if self.financing_id is not None and self.request_holder is not None and (
                (self.request_holder, self.request_holder_msp) != (self.holder, self.holder_msp)):
            # the contract refuses an offer on such a request, and its acceptance: advising an offer would send
            # the bank to an invalid-state refusal
            return (f"{self.receivable_id} has live financing request {self.financing_id}, which names "
                    f"{self.request_holder} of {self.request_holder_msp} as the holder, but the claim is held by "
                    f"{self.holder} of {self.holder_msp}: the request record was changed outside the contract, "
                    "and the contract takes no bank's offer on it (invalid-state); the claim's holder withdraws it "
                    "(WithdrawFinancing) and requests financing again, on which banks may offer")
        if self.financing_id is not None:
            return (f"{self.receivable_id} has live financing {self.financing_id}: the contract takes no new "
                    "financing request, only a bank's offer on that request")
        return None

    def to_json(self) -> dict[str, Any]:
        """The report as ``recfin receivable audit --json`` prints it: its fields, the checks' verdict
        (``passed``) and why the contract would not finance the claim now (``financing_refusal``, null when it
        would), so that a workflow reading the JSON learns what the table's last line says."""
        return {**self.model_dump(mode="json"), "passed": self.passed,
                "financing_refusal": self.financing_refusal}


class _Expectation:
    """What the audited key's transactions must show: which key, the field a history entry reports of its value
    (``status`` of a claim, ``msp_id`` of a party record), and which org must have endorsed the transaction the
    check is about."""

    def __init__(self, what: CheckName, subject: str, key: str, msp_id: str, field: str) -> None:
        self.what, self.subject, self.key, self.msp_id, self.field = what, subject, key, msp_id, field

    @property
    def record(self) -> str:
        return "claim" if self.field == "status" else "party record"

    def check(self, tx_id: str | None, passed: bool, reason: str, verified: Sequence[str] = ()) -> AuditCheck:
        return AuditCheck(what=self.what, subject=self.subject, tx_id=tx_id, expected_msp=self.msp_id, passed=passed,
                          reason=reason, verified_endorsers=sorted(set(verified)))

    def described(self, deleted: bool, field_value: Any) -> str:
        return "a delete" if deleted else f"{self.field} {field_value}"


Version = tuple[int, int]
"""A key's version as Fabric records it: the block number and the position in that block of the transaction that
last wrote the key."""


@dataclass(frozen=True)
class _ReadSet:
    """What a transaction's read-write sets record besides its writes: each key it read, by (namespace, key), with
    the version it read (None: the key did not exist when the transaction ran), and the keys whose metadata (a
    key-level policy) it wrote; with the MSP ID its creator, the client that submitted and signed it, names in its
    signature header (``CommittedTransaction.creator_msp``)."""

    versions: dict[tuple[str, str], list[Version | None]]
    metadata_written: frozenset[tuple[str, str]]
    creator_msp: str | None = None


@dataclass(frozen=True)
class _Change:
    """One transaction of a key, read from its block: the action that wrote the key, the value it left in the
    state (None: it deleted the key), and what the transaction read."""

    transaction: CommittedTransaction
    action: EndorsedAction
    value: dict | None
    reads: _ReadSet

    @property
    def status(self) -> Any:
        return None if self.value is None else self.value.get("status")


class ReceivableAudit:
    """Reads from the auditor's own org's peer and checks endorsements against the channel's MSPs.

    ``receivables``: a ReceivablesClient (or any object with ``get_receivable``, ``history`` and
    ``party_history`` taking ``endorsing_organizations``) whose contract names the chaincode (``chaincode_name``);
    ``qscc``: a Gateway Contract of chaincode ``qscc`` on the same channel; ``msp_id``: the auditor's own org;
    ``genesis_hash``: the header hash (``block_integrity.header_hash``) of the channel's genesis block as the
    auditor knows it from elsewhere than the peer (the block its org joined with, an org bundle's
    ``channel/<channel>.block``: ``block_integrity.genesis_block`` reads one), which the peer's block 0 must have;
    None takes block 0 as the peer holds it. ValueError for a client that awaits its calls (an
    AsyncReceivablesClient), before anything is read: the audit runs each call to its end.
    """

    def __init__(self, receivables: Any, qscc: Any, *, channel: str, msp_id: str, chaincode: str,
                 genesis_hash: bytes | None = None) -> None:
        _refuse_an_awaiting_client(receivables)
        self.receivables, self.qscc = receivables, qscc
        self.channel, self.msp_id, self.chaincode = channel, msp_id, chaincode
        self.genesis_hash = genesis_hash
        self._msps: dict[str, channel_msp.ChannelMsp] | None = None
        self._msps_under: dict[int, dict[str, channel_msp.ChannelMsp]] = {}    # by config block number
        # each block checked (:meth:`_integrity_problem`), by number: its header and why it is not the
        # ordering service's (None: it is); each config block's config, or why it cannot be had
        self._checked: dict[int, tuple[common_pb2.BlockHeader, str | None]] = {}
        self._configs: dict[int, configtx_pb2.Config | str] = {}
        # the channel's config blocks, newest first, as far down as read (:meth:`_config_in_force`)
        self._config_blocks: list[int] = []
        self._transactions: dict[str, tuple[CommittedTransaction, _ReadSet] | str] = {}
        # the MSPs each transaction read was validated under, by its id; and where it is (block number, position)
        self._validated_under: dict[str, dict[str, channel_msp.ChannelMsp]] = {}
        self._placed: dict[str, Version] = {}
        # each config block's config as its blocks' endorsements are judged under it, or why it cannot be taken
        self._judges: dict[int, endorsement_policy.ChannelJudge | str] = {}
        self._blocks: dict[int, common_pb2.Block | str] = {}     # the BLOCKS_KEPT read last, the latest last
        self._walked: set[str] = set()
        # each claim as its registration wrote it, where `changes before confirmation` read it, by id; and the
        # invoice registry's answer for each fingerprint asked
        self._registered: dict[str, Receivable] = {}
        self._invoice_answers: dict[str, InvoiceLookup] = {}

    @classmethod
    def of(cls, receivables: Any, msp_id: str, *, genesis_hash: bytes | None = None) -> ReceivableAudit:
        """The audit over a ReceivablesClient built with its Network: qscc and the channel come from it."""
        _refuse_an_awaiting_client(receivables)
        network = receivables.network
        if network is None:
            raise ValueError("an audit reads blocks through the gateway Network: ReceivablesClient(contract, network)")
        return cls(receivables, network.get_contract(QSCC), channel=network.name, msp_id=msp_id,
                   chaincode=receivables.contract.chaincode_name, genesis_hash=genesis_hash)

    @property
    def own_org(self) -> list[str]:
        return [self.msp_id]

    def channel_msps(self) -> dict[str, channel_msp.ChannelMsp]:
        """The org MSPs of the channel configuration in force today, read once per audit."""
        if self._msps is None:
            self._msps = channel_msp.channel_msps(current_config(self.qscc, self.msp_id, self.channel))
        return self._msps

    def msps_at(self, block: common_pb2.Block) -> dict[str, channel_msp.ChannelMsp]:
        """The org MSPs the transactions of ``block`` (one :meth:`_integrity_problem` passed) were validated
        under, as Fabric validates a block: those of the config block its orderer metadata names (an update
        takes effect after its own block), not today's, which a CA dropped since, or a CRL entry pruned once
        its certificate expired, would make judge otherwise. Each keeps today's revocation lists besides its
        own: a revocation since counts too, as the timestamp its submitter chose proves nothing of when it
        signed. Read once per config block and audit; LedgerReadError where the config block cannot be read
        or is not the ordering service's (today's config, whose CRLs can only add refusals, is read as the
        peer answers it)."""
        index = last_config_index(block)
        if index not in self._msps_under:
            config = config_of(block) if index == block.header.number else self._config_at(index)
            if isinstance(config, str):
                raise LedgerReadError(config)
            today = self.channel_msps()
            self._msps_under[index] = {
                msp_id: msp if msp_id not in today else
                replace(msp, crls=msp.crls + tuple(c for c in today[msp_id].crls if c not in msp.crls))
                for msp_id, msp in channel_msp.channel_msps(config).items()}
        return self._msps_under[index]

    # ---------------------------------------------------------------- the blocks' integrity

    def _integrity_problem(self, block: common_pb2.Block) -> str | None:
        """Why ``block``, as the own org's peer answered it, cannot be taken for one the ordering service cut,
        or None when it can (``client.ledger.block_integrity``): its header's data hash is Fabric's hash of
        its data; it follows the block before it and precedes the one after it, where the audit read those
        too; and its orderer signatures meet /Channel/Orderer/BlockValidation of the config it was verified
        under: the config block it names, which must be the newest config block before it
        (:meth:`_stale_config_problem`), or, for a config block, the one in force at the block before it (its
        own takes effect after it), each such block checked the same way. Block 0, the genesis block the
        channel was created from, is signed by no orderer: it is the root every later config descends from,
        taken as the peer holds it unless the audit was given its hash (``genesis_hash``), which its header must
        then hash to (:meth:`_genesis_problem`). Checked once per block and audit; a second, other block of the
        same number fails."""
        number = block.header.number
        problem = block_integrity.data_problem(block)
        if problem is not None:
            return problem
        if number in self._checked:
            header, problem = self._checked[number]
            if header != block.header:
                return (f"{self.msp_id}'s peer answered two different blocks numbered {number} (headers "
                        f"hashing to {block_integrity.header_hash(header).hex()} and "
                        f"{block_integrity.header_hash(block.header).hex()}): one at most is the ordering "
                        "service's")
            return problem
        problem = self._signatures_problem(block) or self._chain_problem(block.header)
        header = common_pb2.BlockHeader()
        header.CopyFrom(block.header)
        self._checked[number] = (header, problem)
        return problem

    def _signatures_problem(self, block: common_pb2.Block) -> str | None:
        """Why ``block``'s orderer signatures do not meet BlockValidation of the config it was verified under
        (:meth:`_integrity_problem`), or None."""
        number = block.header.number
        if number == 0:
            return self._genesis_problem(block)
        try:
            index = last_config_index(block)
            if index == number:
                # a config block is verified under the config before it: the one the block before it names (that
                # block checked, so the newest config block before it)
                before = self._block(number - 1)
                if isinstance(before, str):
                    return (f"block {number}, a config block, is verified under the config in force at block "
                            f"{number - 1}, which cannot be taken: {before}")
                index = last_config_index(before)
            elif index < number:
                problem = self._stale_config_problem(number, index)
                if problem is not None:
                    return problem
        except LedgerReadError as error:
            return f"block {number}'s config block cannot be told: {error}"
        if index >= number:
            return (f"block {number} names block {index} as the config it was verified under, which is not a "
                    "block before it")
        config = self._config_at(index)
        if isinstance(config, str):
            return (f"block {number} was verified under the config of block {index}, which cannot be taken: "
                    f"{config}")
        return block_integrity.signature_problem(block, config)

    def _genesis_problem(self, block: common_pb2.Block) -> str | None:
        """Why block 0 is not the genesis block whose header hash the audit was given, or None (None too when it
        was given none). Its header hash covers its data hash, which :meth:`_integrity_problem` holds to its data
        first, so the whole block is compared."""
        held = block_integrity.header_hash(block.header)
        if self.genesis_hash is None or held == self.genesis_hash:
            return None
        return (f"block 0, the genesis block {self.msp_id}'s peer holds, has a header hashing to {held.hex()}, where "
                f"the channel's genesis block the audit was given hashes to {self.genesis_hash.hex()}: no orderer "
                "signs a genesis block, and every later block is checked under the config it carries, so none can "
                "be taken. Check that the genesis block given is the channel's; if it is, the peer's ledger is of "
                "another channel: have it leave the channel (`peer node unjoin`) and join it again with that block")

    def _stale_config_problem(self, number: int, named: int) -> str | None:
        """Why block ``number``, no config block, naming config block ``named`` does not name the newest config
        block before it, as the ordering service does in every block it cuts (``block_integrity``'s rule, the
        fault suite's ledger check's too); or None. The channel's config blocks are read from the newest down,
        once per audit and only as far as asked: the one the newest block names, then the one the block before
        each names, unchecked, as :meth:`_config_at` orders its work (each config block is checked in its turn
        under the config the block before it names, that block checked too). A block read that failed on its
        way, or that the peer refused, is raised."""
        try:
            if not self._config_blocks:
                info = ask_own_org(self.qscc, self.msp_id, "GetChainInfo", self.channel)
                newest = newest_block_number(info, self.channel, self.msp_id)
                self._config_blocks.append(self._config_named(newest))
            while self._config_blocks[-1] >= number and self._config_blocks[-1] > 0:
                self._config_blocks.append(self._config_named(self._config_blocks[-1] - 1))
        except LedgerReadError as error:
            return f"which config block is in force at block {number} cannot be told: {error}"
        except NoSuchBlockError as error:   # the gateway's reading of the peer's answer; any other is raised
            return f"which config block is in force at block {number} cannot be told: {error.message}"
        in_force = next(config for config in self._config_blocks if config < number)
        return block_integrity.stale_config_problem(number, named, in_force)

    def _config_named(self, number: int) -> int:
        """The config block block ``number`` names (read unchecked: :meth:`_config_in_force`), which must be one
        before the last config block read, if any; LedgerReadError where it is none."""
        named = last_config_index(block_by_number(self.qscc, self.msp_id, self.channel, number))
        if named > number or (self._config_blocks and named >= self._config_blocks[-1]):
            raise LedgerReadError(f"block {number} names block {named} as its config block, which is not a "
                                  "config block before it")
        return named

    def _chain_problem(self, header: common_pb2.BlockHeader) -> str | None:
        """Why the block of ``header`` does not link with a block numbered next to it that the audit checked
        already, or None."""
        before, after = self._checked.get(header.number - 1), self._checked.get(header.number + 1)
        return ((block_integrity.link_problem(header, before[0]) if before is not None else None)
                or (block_integrity.link_problem(after[0], header) if after is not None else None))

    def _config_at(self, index: int) -> configtx_pb2.Config | str:
        """The channel config config block ``index`` carries, the block read from the own org's peer and
        checked (:meth:`_integrity_problem`); or why it cannot be taken. Read once per audit.

        Each config block is checked under the config before it, so checking one rests on every config
        update before it: those not checked yet are checked first, oldest first, each then resting on one
        checked already, where checking the newest first would nest a call per update, past Python's limit
        on a channel of a few hundred. Which they are is read from the block before each, unchecked: it
        orders the work, and each check reads again, and checks, what it rests on."""
        if index not in self._configs:
            under, number = [], index
            while number > 0:
                try:
                    read = block_by_number(self.qscc, self.msp_id, self.channel, number - 1)
                    before = last_config_index(read)
                except (GatewayError, LedgerReadError):
                    break           # the checks say why, in their turn
                if before >= number or before in self._configs:
                    break
                under.append(before)
                number = before
            for number in reversed(under):
                self._checked_config(number)
        return self._checked_config(index)

    def _checked_config(self, index: int) -> configtx_pb2.Config | str:
        """:meth:`_config_at`'s read of config block ``index``, once per audit."""
        if index not in self._configs:
            block = self._block(index)
            try:
                self._configs[index] = block if isinstance(block, str) else config_of(block)
            except LedgerReadError as error:
                self._configs[index] = str(error)
        return self._configs[index]

    # ---------------------------------------------------------------- the audit

    def audit(self, receivable_id: str) -> AuditReport:
        """Every check of one receivable. Refusals of the reads (RuleViolation) and an unreachable peer
        (GatewayError, qscc's reads of the transactions included) are raised: the audit could not be made, which
        is not a failed check. One refusal is not: a split part's root's history refused as
        ``not-permitted-to-read``, whose writes are then read back from the blocks; nor is the peer's answer that
        it holds no transaction a key's history lists, which fails that key's check. The report judges financing
        on today's business date, as the contract dates a transaction submitted now (``client.business_dates``)."""
        # what an earlier audit read answers nothing of this one: a transaction the peer lacked then may have
        # reached it since, and a channel config update may have revoked a certificate
        self._msps, self._transactions, self._blocks, self._walked = None, {}, {}, set()
        self._registered, self._invoice_answers = {}, {}
        self._msps_under, self._validated_under, self._checked, self._configs = {}, {}, {}, {}
        self._placed, self._judges = {}, {}
        audited_on = business_today()
        receivable: Receivable = self.receivables.get_receivable(receivable_id, endorsing_organizations=self.own_org)
        history = self.receivables.history(receivable.id, endorsing_organizations=self.own_org)
        checks = [*self.confirmation_checks(receivable, history),
                  self.party_record("debtor party record", receivable.debtor, receivable.debtor_msp)]
        if receivable.holder != receivable.debtor:
            checks.append(self.party_record("holder party record", receivable.holder, receivable.holder_msp))
        if (invoices := self.invoice_registry(receivable)) is not None:
            checks.append(invoices)
        request_holder, request_holder_msp = self._request_holder(receivable, audited_on)
        return AuditReport(receivable_id=receivable.id, status=receivable.status, frozen=receivable.frozen,
                           queued_freezes=receivable.queued_freezes,
                           due_date=receivable.due_date, financing_id=receivable.financing_id,
                           request_holder=request_holder, request_holder_msp=request_holder_msp,
                           audited_on=audited_on, channel=self.channel, auditor_msp=self.msp_id,
                           debtor=receivable.debtor, debtor_msp=receivable.debtor_msp, holder=receivable.holder,
                           holder_msp=receivable.holder_msp, checks=checks)

    def _request_holder(self, receivable: Receivable, audited_on: date) -> tuple[str | None, str | None]:
        """The holder and its org the claim's live financing request names, where the claim is otherwise one the
        contract would finance (CONFIRMED, not frozen, not yet due): a bank's offer on the request is then what
        the report advises, and the contract takes none on a request naming another holder than the claim's
        (a request's key is under the debtor's and the holder's orgs at most, under none where an earlier contract
        version wrote it, so two orgs can rewrite it). (None, None) where not read."""
        if (receivable.financing_id is None or receivable.status != FINANCEABLE or receivable.frozen is not None
                or receivable.due_date <= audited_on):
            return None, None
        request = self.receivables._evaluate("GetFinancing", receivable.financing_id, model=FinancingView,
                                             endorsing_organizations=self.own_org)
        return request.holder, request.holder_msp

    def confirmation_checks(self, receivable: Receivable, history: Sequence[HistoryEntry]) -> list[AuditCheck]:
        """``confirmation``: the claim's key was created REGISTERED (or confirmed by a split of its parent), and the
        first transaction that left it past registration carries the debtor org's endorsement; then ``changes
        before confirmation`` of the claim, if created REGISTERED (both :meth:`_registered_then_confirmed`, which
        checks a split part's root the same way), or of its root, if a split part
        (:meth:`root_changes_before_confirmation`). Where the claim's transactions cannot be taken at their word,
        or it was never confirmed, the confirmation check fails and there is no span before a confirmation to
        check."""
        # the debtor's org its current record names: the report's debtor_msp, whose party record is checked too (a
        # split part's root, whose record is not read, is checked for the org its registration names)
        expected = _Expectation("confirmation", receivable.id, receivable_key(receivable.id), receivable.debtor_msp,
                                "status")
        life = self.key_changes(expected, history)
        if isinstance(life, AuditCheck):
            return [life]
        if not life:
            # the peer holds the claim (it answered GetReceivable): its key was written, the history lacks it
            return [expected.check(None, False, f"the history of {receivable.id} on {self.msp_id}'s peer "
                                                "lists no write of it, though the peer holds it "
                                                f"({receivable.status}): {self._cut_short(expected)}")]
        never = expected.check(None, False, f"{receivable.id} was never confirmed (status {receivable.status}): "
                                            "there is no confirmation to audit, and nothing to finance")
        creation = life[0]
        if creation.status == REGISTERED:
            confirmed = self._registered_then_confirmed(expected, life)
            return [never] if confirmed is None else list(confirmed)
        if _confirmed(creation.status) and self._splits_into(creation, receivable.id):
            # a split part, created confirmed: the span before a confirmation is its root's
            return [self._endorsement_check(expected, creation.transaction, creation.action),
                    self.root_changes_before_confirmation(receivable, creation)]
        return [expected.check(creation.transaction.tx_id, False,
                               f"the transaction that created {receivable.id} wrote it in status "
                               f"{creation.status}: a claim is created REGISTERED, or CONFIRMED by the split of "
                               "its parent, and this transaction splits no claim into it")]

    def _registered_then_confirmed(self, expected: _Expectation,
                                   life: Sequence[_Change]) -> tuple[AuditCheck, AuditCheck] | None:
        """What a claim created REGISTERED is checked on, the audited claim and a split part's root alike: the
        first change of ``life`` (the claim's transactions, ``key_changes``) that left it past registration
        carries a verified endorsement of ``expected.msp_id``'s peer (the debtor's org), and the claim that
        confirmation wrote is the one its registration wrote (:meth:`changes_before_confirmation`); both checks,
        in that order. None where ``life`` does not start REGISTERED or no change of it confirmed the claim: each
        caller says so in its own words. ``expected`` names the check the endorsement's result is (``confirmation``
        of the audited claim, ``changes before confirmation`` of a root) and the debtor's org."""
        confirmed_at = next((n for n, change in enumerate(life) if _confirmed(change.status)), None)
        if not life or life[0].status != REGISTERED or not confirmed_at:
            return None
        confirmation = life[confirmed_at]
        return (self._endorsement_check(expected, confirmation.transaction, confirmation.action),
                self.changes_before_confirmation(expected.subject, life[0], life[1:confirmed_at + 1]))

    def root_changes_before_confirmation(self, part: Receivable, creation: _Change) -> AuditCheck:
        """``changes before confirmation`` of the claim split part ``part`` comes from (its ``root_id``), reached
        through its chain of parents: from the parent ``creation`` (the split that created the part) names, each
        ancestor's key was created by a split of its own parent (``_splits_into``) carrying a verified endorsement
        of the debtor's org that split wrote for the ancestor (the part's own split is its ``confirmation``
        check's; a failure names the ancestor and the split), up to the root, created
        REGISTERED, confirmed by a transaction its debtor's org endorsed, as its registration wrote it. So a key two
        orgs wrote CONFIRMED, naming a clean claim as its root, fails. Where the contract refuses the auditor an
        ancestor's or the root's history (``not-permitted-to-read``: a bank asked to finance a part is no party to
        its root), its writes are read back from the blocks (:meth:`_walked_changes`) and checked the same way,
        the reason naming the claims so read. Any other refusal is raised, as the audit's own reads are."""
        root, child, ancestor = part.root_id, part.id, (creation.value or {}).get("parent_id")
        split = creation        # the transaction that split ``ancestor`` into ``child``
        descent = [part.id]
        while ancestor != root:
            expected = _Expectation("changes before confirmation", str(ancestor), receivable_key(str(ancestor)), "",
                                    "status")
            if not isinstance(ancestor, str) or ancestor in descent:
                return expected.check(None, False, f"{child} names {ancestor!r} as its parent, which is no claim "
                                                   f"above it on the way to {root}, the root {part.id} names")
            descent.append(ancestor)
            changes = self._claim_changes(expected, part, ancestor, split)
            if not isinstance(changes, list):
                return changes
            descends = f"{part.id} descends from {ancestor}" + ("" if child == part.id else
                                                                   f" (the parent of {child})")
            if not changes or not _confirmed(changes[0].status) or not self._splits_into(changes[0], ancestor):
                return expected.check(changes[0].transaction.tx_id if changes else None, False,
                                      f"{descends}, which was not created by a split of its parent "
                                      f"({self._writes_seen(ancestor)}: {_statuses(changes)}), yet is not {root}, "
                                      f"the root {part.id} names: "
                                      f"{part.id} does not come from {root}")
            # the split that created the ancestor carries its debtor's org's endorsement, as the split that created
            # the part does (its `confirmation` check) and as the root's confirmation does (below): a claim an
            # earlier version left without a key-level policy could be split by two other orgs
            split, parent = changes[0], changes[0].value.get("parent_id")
            endorsed = self._endorsement_check(_debtors(ancestor, split), split.transaction, split.action)
            if not endorsed.passed:
                return endorsed.model_copy(update={"reason": f"{descends}, whose split from {parent} "
                                                             f"({endorsed.tx_id}) is not its debtor's: "
                                                             f"{endorsed.reason}"})
            child, ancestor = ancestor, parent
        expected = _Expectation("changes before confirmation", root, receivable_key(root), "", "status")
        changes = self._claim_changes(expected, part, root, split)
        if not isinstance(changes, list):
            return changes
        # the root's own confirmation carries its debtor's org's endorsement, as a claim's `confirmation` check asks
        # (a root an earlier version left without a key-level policy could be written CONFIRMED by two other orgs,
        # and the debtor's peer would then endorse a split of it). The debtor's org is the one the root's
        # registration names, where the audited claim's is the one its current record names (the report's
        # debtor_msp): the root's record is not read, only its history, and the registration's is the one
        # `changes before confirmation` shows the confirmation kept
        confirmed = self._registered_then_confirmed(_debtors(root, changes[0] if changes else None), changes)
        if confirmed is None:
            return expected.check(changes[0].transaction.tx_id if changes else None, False,
                                  f"{part.id} was split from {root}, which was not created REGISTERED and then "
                                  f"confirmed ({self._writes_seen(root)}: {_statuses(changes)}): there is no "
                                  "registration its confirmation can be compared with")
        creation = changes[0].transaction.tx_id
        if root in self._walked and (problem := _not_its_registration(changes[0], root)) is not None:
            # a write that reads nothing of a key (Fabric takes blind writes) hides every write before it from the
            # walk: a key two orgs rewrote REGISTERED, for another holder, before its debtor confirmed it would
            # pass for the registration
            return expected.check(creation, False,
                                  f"{part.id} was split from {root}, whose history the contract refuses the "
                                  f"auditor (not-permitted-to-read), and the write its blocks show as {root}'s "
                                  f"creation, transaction {creation}, which read no earlier version of it, "
                                  f"{problem}: a write that reads nothing of a key hides every write before it, so "
                                  "nothing shows the claim registered was the one confirmed")
        endorsed, check = confirmed
        if not endorsed.passed:     # the one check this path gives: the endorsement's failure, before the values'
            return endorsed.model_copy(update={"reason": f"{part.id} was split from {root}, whose confirmation "
                                                         f"({endorsed.tx_id}) is not its debtor's: "
                                                         f"{endorsed.reason}"})
        notes = [f"through {', '.join(reversed(descent[1:]))}"] if len(descent) > 1 else []
        walked = [claim for claim in (*reversed(descent[1:]), root) if claim in self._walked]
        if walked:
            notes.append(f"{', '.join(walked)} read back from the blocks, the contract refusing the auditor "
                         f"{'its history' if len(walked) == 1 else 'their histories'}")
        via = f" ({'; '.join(notes)})" if notes else ""
        return check.model_copy(update={"reason": f"{part.id} was split from {root}{via}: {check.reason}"})

    def _writes_seen(self, claim_id: str) -> str:
        """Where a check's reason took ``claim_id``'s transactions from."""
        return "its writes, read back from the blocks" if claim_id in self._walked else "its history"

    def _claim_changes(self, expected: _Expectation, part: Receivable, claim_id: str,
                       split: _Change) -> list[_Change] | AuditCheck:
        """Every transaction of ``claim_id``, a claim ``part`` descends from (``key_changes``), ``split`` the one
        that split it into the claim below it; where the contract refuses the auditor its history as
        ``not-permitted-to-read`` (a bank asked to finance a part is no party to its root), its transactions up
        to ``split`` read back from the blocks (:meth:`_walked_changes`)."""
        try:
            history = self.receivables.history(claim_id, endorsing_organizations=self.own_org)
        except RuleViolation as refusal:
            if refusal.rule != "not-permitted-to-read":
                raise
            return self._walked_changes(expected, part, claim_id, split, refusal.rule)
        return self.key_changes(expected, history)

    def _walked_changes(self, expected: _Expectation, part: Receivable, claim_id: str, split: _Change,
                        refused: str) -> list[_Change] | AuditCheck:
        """Every write of ``claim_id`` up to and including ``split``, read back from the blocks of the own org's
        peer, which holds them whatever the contract lets the auditor read. A transaction's read set names the
        version of each key it read (the block and position of the key's last write), and Fabric commits it
        VALID only if the key still had that version: so from ``split`` each write of the key is reached from
        the next, through the transaction at the version it read, back to the one that read no earlier version,
        the key's creation (a registration reads none). Each is taken as ``key_changes`` takes one (VALID,
        writing the key once, in this chaincode); one that wrote only the key's metadata (its key-level policy)
        kept its value and is passed through. Where the walk cannot go on, the check fails: nothing then shows
        ``claim_id`` was registered and confirmed by its debtor.

        What it cannot see: a write before the creation it reaches, which a later write that read no version
        hides (a delete, then a write, as the history would show; or a blind write, one that read nothing, which
        Fabric commits too). So the caller requires that creation to be the one that named the claim: a root's
        registration, whose transaction id the root's id derives from and which a client of the org it writes as
        the holder's submitted (``_not_its_registration``), an ancestor's split of its parent."""
        def unproven(tx_id: str | None, problem: str) -> AuditCheck:
            return expected.check(tx_id, False,
                                  f"{part.id} was split from {claim_id}, whose history the contract refuses the "
                                  f"auditor ({refused}), and its writes cannot be read back from the blocks: "
                                  f"{problem}; so nothing shows {claim_id} was registered and confirmed by its "
                                  "debtor")
        namespace_key = (self.chaincode, expected.key)
        if not split.reads.versions.get(namespace_key):
            return unproven(split.transaction.tx_id,
                            f"the split ({split.transaction.tx_id}) records no read of {claim_id}, as a split "
                            "reads the claim it splits")
        latest = self._committed_change(expected, split.transaction, split.reads)
        if isinstance(latest, str):
            return unproven(split.transaction.tx_id, latest)
        changes, reads, position = [latest], split.reads, None
        what = f"the split ({split.transaction.tx_id})"
        while True:
            versions = reads.versions.get(namespace_key) or [None]
            if len(set(versions)) > 1:
                return unproven(None, f"{what} reads {claim_id} at {len(versions)} versions")
            version = versions[0]
            if version is None:
                break   # it read no earlier version of the key: its creation
            if position is not None and version >= position:
                return unproven(None, f"{what} read {claim_id} at {_at(version)}, which is not before it")
            found = self._transaction_at(version)
            if isinstance(found, str):
                return unproven(None, f"{what} read {claim_id} as written at {_at(version)}: {found}")
            committed, reads = found
            position, what = version, f"transaction {committed.tx_id} ({_at(version)})"
            if (committed.validation == "VALID" and namespace_key in reads.metadata_written
                    and not committed.writes_of(self.chaincode, expected.key)):
                # its key-level policy written, its value kept: the write before it is at the version it read
                if not reads.versions.get(namespace_key, [None])[0]:
                    return unproven(committed.tx_id, f"{what} wrote only {claim_id}'s key-level policy and read no "
                                                     f"version of it, so the write before it cannot be reached")
                continue
            change = self._committed_change(expected, committed, reads)
            if isinstance(change, str):
                return unproven(committed.tx_id, f"{what}: {change}")
            changes.insert(0, change)
        self._walked.add(claim_id)
        return changes

    def _transaction_at(self, version: Version) -> tuple[CommittedTransaction, _ReadSet] | str:
        """The transaction at ``version`` (block number, position) on the own org's peer, with the validation
        code that peer gave it; or why it cannot be taken for one. A read of a block that failed on its way is
        raised, as :meth:`_transaction`'s."""
        number, position = version
        block = self._kept_block(number)
        if isinstance(block, str):
            return block
        flags = validation_flags(block)
        if position >= min(len(block.data.data), len(flags)):
            return (f"block {number} holds {len(block.data.data)} transactions ({len(flags)} with a validation "
                    f"code), none at position {position}")
        try:
            msps = self.msps_at(block)
            found = _read_transaction(transaction_pb2.ProcessedTransaction(
                transactionEnvelope=decoded(common_pb2.Envelope, block.data.data[position], "the transaction"),
                validationCode=flags[position]), msps)
        except LedgerReadError as error:
            return f"the transaction cannot be read: {error}"
        if found[0].validation == "VALID":
            # what GetTransactionByID would answer for its id (:meth:`_transaction`), so a key's history listing it
            # later in the audit does not read it again: the peer finds the first transaction of an id, and one
            # committed VALID is the first (Fabric marks any later one of its id DUPLICATE_TXID)
            self._transactions.setdefault(found[0].tx_id, found)
            self._validated_under.setdefault(found[0].tx_id, msps)   # its endorsements are judged by them
            self._placed.setdefault(found[0].tx_id, version)
        return found

    def _kept_block(self, number: int) -> common_pb2.Block | str:
        """Block ``number`` (:meth:`_block`), kept among the ``BLOCKS_KEPT`` read last."""
        block = self._blocks.pop(number, None)
        if block is None:
            block = self._block(number)
        self._blocks[number] = block        # the most recently read last: the first is the one to let go of
        while len(self._blocks) > BLOCKS_KEPT:
            del self._blocks[next(iter(self._blocks))]
        return block

    def _block(self, number: int) -> common_pb2.Block | str:
        """Block ``number`` from the own org's peer, or why it cannot be taken for that block: the peer answers that
        it cannot give it, or answers another block or bytes that are no block. A read that failed on its way is
        raised."""
        try:
            block = block_by_number(self.qscc, self.msp_id, self.channel, number)
        except NoSuchBlockError as error:   # past its newest, or before the snapshot it joined from
            return f"{self.msp_id}'s peer cannot give block {number}: {error.message}"
        except LedgerReadError as error:
            return f"block {number} cannot be read: {error}"
        if block.header.number != number:
            return f"{self.msp_id}'s peer answered block {block.header.number} when asked for block {number}"
        return self._integrity_problem(block) or block

    def changes_before_confirmation(self, claim_id: str, creation: _Change, changes: Sequence[_Change]) -> AuditCheck:
        """The claim ``changes[-1]`` (its confirmation) wrote is the claim ``creation`` (its registration) wrote, but
        for ``CHANGED_BEFORE_CONFIRMATION``, both read as the SDK's Receivable, and none of ``changes`` left it
        REJECTED or WITHDRAWN (``RELEASED``). ``expected_msp`` is the org the registration named as the holder's: the
        creditor's, whose claim the debtor's org confirmed."""
        creditor_msp = (creation.value or {}).get("holder_msp")
        expected = _Expectation("changes before confirmation", claim_id, receivable_key(claim_id),
                                creditor_msp if isinstance(creditor_msp, str) else "", "status")
        registration, confirmation = creation.transaction.tx_id, changes[-1].transaction.tx_id
        released = next((change for change in changes[:-1] if change.status in RELEASED), None)
        if released is not None:
            ended = "rejection" if released.status == REJECTED else "withdrawal"
            return expected.check(released.transaction.tx_id, False,
                                  f"transaction {released.transaction.tx_id} left {claim_id} {released.status} before "
                                  f"its confirmation ({confirmation}): the contract confirms only a REGISTERED claim "
                                  f"and takes none back from {released.status}, whose {ended} released its invoices")
        claims = []
        for what, change in (("registration", creation), ("confirmation", changes[-1])):
            try:
                claims.append(Receivable.model_validate(change.value))
            except (ValidationError, TypeError, ValueError) as problem:
                # the model's validators expect the shapes the contract writes: on another (invoices that are no
                # list) one may raise TypeError or ValueError where it would report a ValidationError
                return expected.check(change.transaction.tx_id, False,
                                      f"the value its {what} ({change.transaction.tx_id}) wrote for {claim_id} "
                                      f"cannot be read as a claim: {_problem_in(problem)}")
        registered, confirmed = claims
        self._registered[claim_id] = registered
        differ = [name for name in Receivable.model_fields
                  if name not in CHANGED_BEFORE_CONFIRMATION and getattr(registered, name) != getattr(confirmed, name)]
        linked = _paper_identities_linked(registered.invoices, confirmed.invoices) if differ == ["invoices"] else None
        if linked:
            differ = []
            self._registered[claim_id] = confirmed   # the registry check then covers the paper identity linked
        kept = ", ".join(CHANGED_BEFORE_CONFIRMATION)
        if differ:
            return expected.check(confirmation, False,
                                  f"its confirmation ({confirmation}) wrote {claim_id} with {', '.join(differ)} "
                                  f"other than its registration ({registration}) did: between the two the contract "
                                  f"changes only {kept}, so the claim the debtor's org confirmed is not the one "
                                  "registered")
        between = len(changes) - 1
        return expected.check(confirmation, True,
                              f"its confirmation ({confirmation}) wrote {claim_id} as its registration "
                              f"({registration}) did, but for {kept}"
                              + (f", and the paper identity its creditor linked to invoice(s) {', '.join(linked)} "
                                 "(LinkPaperIdentity)" if linked else "")
                              + (f"; {between} transaction(s) between them, none rejecting or withdrawing it"
                                 if between else ""))

    def invoice_registry(self, receivable: Receivable) -> AuditCheck | None:
        """``invoice registry``: each invoice the claim's root was registered with (the claim's own, for a
        claim split from none; a split part carries none) is held in the contract's invoice registry for that
        root, and no entry of it, under any spelling the contract keys it by, names another claim
        (``FindInvoice``, asked of the own org's peer). A registration reserves its invoices' fingerprints and
        is refused one another claim holds, but two orgs running altered chaincode can write a claim already
        holding another claim's invoice, and the debtor's peer confirms it (ConfirmReceivable reads no
        registry): financing it finances that invoice twice. None (no such check) for a split part whose
        root's registration was not read: its `changes before confirmation` check fails, saying why. A claim
        whose key was created REGISTERED is checked on its own invoices, whatever parent or root its value names:
        the contract's registration names none."""
        # a claim whose key was created REGISTERED (its registration read by `changes before confirmation`) is its
        # own root, whatever parent its value names: two orgs may register one naming another claim as its root,
        # whose registration was never read, and so hide the invoices it holds from this check
        own_root = receivable.parent_id is None or receivable.id in self._registered
        root = receivable.id if own_root else receivable.root_id
        expected = _Expectation("invoice registry", root, receivable_key(root), "", "status")
        invoices = (receivable.invoices if root == receivable.id
                    else getattr(self._registered.get(root), "invoices", None))
        if invoices is None:
            # only where `changes before confirmation` failed before reading the root's registration: the
            # audit fails on that check, the one the ledger breaks, and which claim was registered is unknown
            return None
        if not invoices:
            return expected.check(None, False, f"{root} lists no invoice: a registration lists one at least, "
                                               "and reserves each in the invoice registry")
        for position, invoice in enumerate(invoices):
            own, spellings = _registry_fingerprints(invoice)
            answers = {fp: self._invoice_answer(fp) for fp in spellings}
            code = f", code {invoice.code}" if invoice.code else ""
            label = f"invoice {position + 1} ({invoice.number}{code}) of {root}"
            taken = next((answer for answer in answers.values()
                          if answer.used and answer.receivable_id != root), None)
            if taken is not None:
                live = "still live" if taken.live else "no longer live"
                return expected.check(None, False,
                                      f"{label} is registered as backing receivable {taken.receivable_id} "
                                      f"({live}; fingerprint {taken.fingerprint}): an invoice backs one "
                                      f"receivable, so {root} holds an invoice another claim holds, and "
                                      "financing it finances that invoice twice")
            if not any(answers[fp].used for fp in own):
                return expected.check(None, False,
                                      f"{label} is held by no entry of the invoice registry (fingerprint "
                                      f"{invoice.fingerprint}): the registration that reserves it never ran, "
                                      "so nothing keeps the invoice from backing another claim")
            if invoice.paper_fingerprint in answers and not answers[invoice.paper_fingerprint].used:
                return expected.check(None, False,
                                      f"{label} names the paper identity code {invoice.paper_code} and number "
                                      f"{invoice.paper_number}, which no entry of the invoice registry holds "
                                      f"(fingerprint {invoice.paper_fingerprint}): the registration that "
                                      "reserves it never ran, so nothing keeps the invoice from backing "
                                      "another claim under it")
        return expected.check(None, True, f"the invoice registry holds each of the {len(invoices)} "
                                          f"invoice(s) of {root} for it, and no other claim")

    def _invoice_answer(self, fp: str) -> InvoiceLookup:
        """The invoice registry's answer for fingerprint ``fp`` (``FindInvoice``, on the own org's peer),
        asked once per audit. A refusal or an unreachable peer is raised, as the audit's other reads are."""
        if fp not in self._invoice_answers:
            self._invoice_answers[fp] = self.receivables.find_invoice(fp,
                                                                      endorsing_organizations=self.own_org)
        return self._invoice_answers[fp]

    def party_record(self, what: CheckName, uscc: str, msp_id: str) -> AuditCheck:
        """The transaction that created the party's record wrote it naming ``msp_id`` and carries that org's
        endorsement."""
        expected = _Expectation(what, uscc, party_key(uscc), msp_id, "msp_id")
        life = self.key_changes(expected, self.receivables.party_history(uscc, endorsing_organizations=self.own_org))
        if isinstance(life, AuditCheck):
            return life
        if not life:
            return expected.check(None, False, f"no record of party {uscc} is on {self.msp_id}'s ledger")
        creation = life[0]
        named = creation.value.get("msp_id") if creation.value else None
        if named != msp_id:
            return expected.check(creation.transaction.tx_id, False,
                                  f"it writes the record naming {named}, while the claim names {msp_id} for {uscc}")
        return self._endorsement_check(expected, creation.transaction, creation.action)

    # ---------------------------------------------------------------- a key's transactions

    def key_changes(self, expected: _Expectation, entries: Sequence[Any]) -> list[_Change] | AuditCheck:
        """Every transaction of the key, each read from its block down to the value it left in the state; or the
        failed check when one cannot be taken at its history's word, or deleted the key.

        The key's history reports the first write of a key in each transaction, the state keeps the last, so a
        transaction that writes the key twice could show REGISTERED here and leave CONFIRMED there: every
        transaction is read, one that writes the key more than once (or lists the namespace twice) fails, and so
        does one whose history entry says other than what it committed (a delete followed by a write in one
        transaction shows as a delete). A delete fails too: no version of the contract deletes a claim's or a
        party record's key, and a write after it would pass for the key's first. So does a history whose
        first transaction read an earlier version of the key (:meth:`_history_cut_short`): it does not reach
        the key's creation, which every check takes its first change for."""
        changes: list[_Change] = []
        for place, entry in enumerate(entries, start=1):
            if not entry.tx_id:
                # qscc refuses to ask for no id (nothing would be sent): there is no transaction to read for it
                return expected.check(None, False,
                                      f"entry {place} of the history of {expected.subject} on {self.msp_id}'s peer "
                                      f"(at {entry.timestamp}) names no transaction (its tx_id is empty): Fabric's "
                                      "history of a key gives the transaction of every write, so what this entry "
                                      "changed cannot be read from the blocks, nor the history taken at its word")
            change = self._change(expected, entry.tx_id)
            if isinstance(change, str):
                return expected.check(entry.tx_id, False, change)
            listed = expected.described(entry.is_delete, getattr(entry, expected.field, None))
            committed = expected.described(change.value is None, (change.value or {}).get(expected.field))
            if listed != committed:
                return expected.check(entry.tx_id, False,
                                      f"the history of {expected.subject} lists this transaction as {listed}, but "
                                      f"it committed {committed}: the history does not show what it left")
            if change.value is None:
                return expected.check(entry.tx_id, False,
                                      f"transaction {entry.tx_id} deleted {expected.subject}'s key: no version of "
                                      f"the contract deletes a {expected.record}, and a write after the delete would "
                                      f"pass for its first, hiding what the key held before")
            changes.append(change)
        if changes and (cut := self._history_cut_short(expected, changes[0])) is not None:
            return cut
        if (gap := self._history_gap(expected, changes)) is not None:
            return gap
        return changes

    def _history_gap(self, expected: _Expectation, changes: Sequence[_Change]) -> AuditCheck | None:
        """The failed check where a transaction of the key's history read the key at another version than the one
        the transaction listed before it wrote, so that the history leaves out a write between them (a rejection
        and a revival, a change and its undoing, which comparing the values either side cannot see); None where
        each read version is the write listed before it. A write of the key's policy alone (UpgradeLedger) is
        in no history but gives the key a version: the read is followed back through it, as far as
        ``POLICY_HOPS`` such writes. A transaction that read nothing of the key (a blind write) tells nothing."""
        namespace_key = (self.chaincode, expected.key)
        for earlier, later in zip(changes, changes[1:]):
            wrote_at = self._placed.get(earlier.transaction.tx_id)
            versions = later.reads.versions.get(namespace_key)
            if wrote_at is None or not versions:
                continue
            version = versions[0]
            for _ in range(POLICY_HOPS):
                if version is None or version == wrote_at:
                    break
                found = self._transaction_at(version)
                if (isinstance(found, str) or found[0].validation != "VALID"
                        or namespace_key not in found[1].metadata_written
                        or found[0].writes_of(self.chaincode, expected.key)):
                    break
                version = (found[1].versions.get(namespace_key) or [None])[0]
            if version == wrote_at:
                continue
            read = "as not existing" if version is None else f"as written at {_at(version)}"
            tx_id = later.transaction.tx_id
            return expected.check(tx_id, False,
                                  f"the history of {expected.subject} on {self.msp_id}'s peer lists transaction "
                                  f"{tx_id} after {earlier.transaction.tx_id}, which wrote its key at "
                                  f"{_at(wrote_at)}, but {tx_id} read the key {read}: the history leaves out a "
                                  f"write between them, so it does not show every change of the {expected.record}; "
                                  f"audit from another peer of {self.msp_id}")
        return None

    def _history_cut_short(self, expected: _Expectation, first: _Change) -> AuditCheck | None:
        """The failed check where ``first``, the first transaction the key's history lists, read the key at a
        version, so that a write before it exists that the history leaves out; None where it read none, as
        the key's creation does. A peer that joined the channel from a snapshot holds no history from before
        it: its first entry of a claim is then, say, its confirmation, which would be taken for a claim
        created CONFIRMED, or the last binding of a party record for the record's creation."""
        read = next((version for version in first.reads.versions.get((self.chaincode, expected.key), ())
                     if version is not None), None)
        if read is None:
            return None
        tx_id = first.transaction.tx_id
        return expected.check(tx_id, False, f"the history of {expected.subject} on {self.msp_id}'s peer "
                                            f"starts at transaction {tx_id}, which read its key as written "
                                            f"at {_at(read)}: {self._cut_short(expected)}")

    def _cut_short(self, expected: _Expectation) -> str:
        """What a check's reason says of a key's history that does not reach the key's creation, and what to
        do."""
        return (f"the history does not reach the {expected.record}'s creation (a peer that joined the "
                "channel from a snapshot holds none from before it), so nothing shows who created it; audit "
                f"from a peer of {self.msp_id} that holds the channel's blocks from the first")

    def _change(self, expected: _Expectation, tx_id: str) -> _Change | str:
        """What transaction ``tx_id`` committed for the key, or why it cannot be taken for one change of it."""
        read = self._transaction(tx_id)
        if isinstance(read, str):
            return read
        return self._committed_change(expected, *read)

    def _committed_change(self, expected: _Expectation, committed: CommittedTransaction,
                          reads: _ReadSet) -> _Change | str:
        """What ``committed`` left for the key, or why it cannot be taken for one change of it."""
        if committed.validation != "VALID":
            return f"the transaction committed as {committed.validation}, not VALID: it wrote nothing"
        listings = committed.listings_of(self.chaincode)
        if listings > 1:
            return (f"the transaction lists namespace {self.chaincode} {listings} times in its read-write set: "
                    "the state applies every entry, the key's history reads the first, so the history cannot be "
                    "taken for what it left")
        writes = committed.writes_of(self.chaincode, expected.key)
        if len(writes) > 1:
            return (f"the transaction writes {expected.subject}'s key {len(writes)} times: the state keeps the last "
                    "write, the key's history shows the first, so the history hides what it left")
        if not writes or writes[0][0].chaincode != self.chaincode:
            return (f"the transaction does not write {expected.subject}'s key in chaincode {self.chaincode}: its "
                    "endorsements vouch for something else")
        action, write = writes[0]
        if write.value is None:
            return _Change(committed, action, None, reads)
        value = _json_object(write.value)
        if value is None:
            return f"the value it writes for {expected.subject} is not a JSON object"
        return _Change(committed, action, value, reads)

    def _transaction(self, tx_id: str) -> tuple[CommittedTransaction, _ReadSet] | str:
        """The committed transaction from the own org's peer (read once per audit), or why it cannot be taken for
        one: the peer answers that it holds no such transaction, or its bytes cannot be read. Any other failure of
        the read (the peer unreachable, a timeout, access denied) is raised, not cached: it says nothing of the
        claim, and the audit was not made."""
        if tx_id not in self._transactions:
            self._transactions[tx_id] = self._read_by_id(tx_id)
        return self._transactions[tx_id]

    def _read_by_id(self, tx_id: str) -> tuple[CommittedTransaction, _ReadSet] | str:
        """:meth:`_transaction`'s read: the transaction by its id, and the block holding it, whose config
        judges its endorsements (:meth:`msps_at`). An answer that is not of ``tx_id`` (a transaction whose
        header names another id or another channel, a block holding none of it) is no answer for it: what
        it holds says nothing of this one."""
        try:
            processed = transaction_by_id(self.qscc, self.msp_id, self.channel, tx_id)
            block = block_by_tx_id(self.qscc, self.msp_id, self.channel, tx_id)
        except NoSuchTransactionError as error:   # the gateway's reading of the peer's answer; any other is raised
            return (f"{self.msp_id}'s peer holds no such transaction, though the key's history lists it: "
                    f"{error.message}")
        except LedgerReadError as error:
            return f"the transaction cannot be read: {error}"
        position = position_in_block(block, tx_id)
        if position is None:
            return (f"{self.msp_id}'s peer answered block {block.header.number} as the block of transaction "
                    f"{tx_id}, but no transaction in it has that id")
        problem = self._integrity_problem(block)
        if problem is not None:
            return problem
        try:
            msps = self.msps_at(block)
            found = _read_transaction(processed, msps)
        except LedgerReadError as error:
            return f"the transaction cannot be read: {error}"
        if found[0].tx_id != tx_id:
            return (f"{self.msp_id}'s peer answered transaction {found[0].tx_id!r} when asked for "
                    f"transaction {tx_id}")
        # another channel's transaction, in a block its orderers signed, says nothing of this channel's claim
        on_another_channel = other_channel(transaction_header(processed.transactionEnvelope)[1], self.channel,
                                           self.msp_id)
        if on_another_channel is not None:
            return on_another_channel
        differs = not_as_block_holds(processed, block, position)
        if differs is not None:
            # the block's integrity vouches for its own bytes only: the transaction read by id must be them
            return (f"{self.msp_id}'s peer answered transaction {tx_id}, asked by its id, other than block "
                    f"{block.header.number} holds it at position {position}: {differs}")
        self._validated_under[tx_id] = msps
        self._placed[tx_id] = (block.header.number, position)
        return found

    def _splits_into(self, creation: _Change, child_id: str) -> bool:
        """Whether the transaction that created ``child_id`` is a split of its parent: it writes, once, the
        parent the child names, SPLIT and listing the child among its children (a list, as the contract writes
        it: ``children`` of another type, a string holding the id or a number, splits nothing, as a malformed
        ``parent_id`` does not)."""
        parent_id = (creation.value or {}).get("parent_id")
        if not isinstance(parent_id, str):
            return False
        writes = creation.transaction.writes_of(self.chaincode, receivable_key(parent_id))
        if len(writes) != 1 or writes[0][1].value is None:
            return False
        parent = _json_object(writes[0][1].value)
        return (parent is not None and parent.get("status") == "SPLIT" and isinstance(parent.get("children"), list)
                and child_id in parent["children"])

    # ---------------------------------------------------------------- one transaction's endorsements

    def _endorsement_check(self, expected: _Expectation, committed: CommittedTransaction,
                           action: EndorsedAction) -> AuditCheck:
        """Whether the action carries a verified endorsement of the expected org's peer (of a member of the org
        where its MSP cannot tell roles, which the reason then says), judged by the MSPs of the config the
        transaction was validated under (:meth:`msps_at`)."""
        msps = self._validated_under[committed.tx_id]
        if expected.msp_id not in msps:
            return expected.check(committed.tx_id, False,
                                  f"{expected.msp_id} is not an org of channel {self.channel}'s "
                                  "configuration the transaction was validated under")
        verified, problems = [], []
        for endorsement in action.endorsements:
            who = endorsement.msp_id or "an endorser without an MSP ID"
            if endorsement.certificate is None or not endorsement.signature_verifies:
                problems.append(f"{who}: {endorsement.problem}")
                continue
            # the org it claims, as Fabric's MSP deserialises it; then the certificate must be that org's peer's
            claimed = msps.get(endorsement.msp_id)
            problem = (f"not an org of channel {self.channel}" if claimed is None else
                       channel_msp.certificate_problem(endorsement.certificate, claimed, committed.timestamp,
                                                       channel_msp.PEER))
            if problem is None:
                verified.append(endorsement.msp_id)
            else:
                problems.append(f"{who}: {problem}")
        role_note = self._role_note(msps.get(expected.msp_id))
        judgement = self._policy_judgement(committed)
        if judgement.failures:
            return expected.check(committed.tx_id, False,
                                  f"{committed.tx_id} is marked VALID on {self.msp_id}'s peer, but its endorsements "
                                  f"do not meet the policies Fabric's validation held it to: "
                                  f"{'; '.join(judgement.failures)}: that peer's validation flags are not Fabric's, "
                                  "so what it holds of the claim cannot be taken as what the policies allowed",
                                  verified)
        if expected.msp_id in verified:
            return expected.check(committed.tx_id, True,
                                  f"endorsed by {expected.msp_id} (verified: {', '.join(sorted(set(verified)))})"
                                  f"{role_note}{_policy_note(judgement)}", verified)
        endorsed_by = ", ".join(sorted(set(verified))) or "no org whose endorsement verifies"
        detail = f"; {'; '.join(problems)}" if problems else ""
        return expected.check(committed.tx_id, False,
                              f"no verified endorsement by {expected.msp_id}: endorsed by {endorsed_by}{detail}"
                              f"{role_note}", verified)


    def _policy_judgement(self, committed: CommittedTransaction) -> endorsement_policy.Judgement:
        """Whether the transaction's endorsements meet the policies Fabric's validation held it to
        (``client.ledger.endorsement_policy``): under the channel config its block was validated under alone (today's
        CRLs, which :meth:`msps_at` adds, judge whom to trust now, not what the peer validated then), against what
        its reads show it was held to (:class:`_ReadBack`)."""
        place = self._placed.get(committed.tx_id)
        if place is None:
            return endorsement_policy.Judgement(untold=("where it is in the blocks was not read",))
        number, position = place
        block = self._kept_block(number)
        if isinstance(block, str):
            return endorsement_policy.Judgement(untold=(f"its block cannot be read: {block}",))
        try:
            judge = self._judge_under(last_config_index(block))
            if isinstance(judge, str):
                return endorsement_policy.Judgement(untold=(f"the config its block was validated under cannot be "
                                                            f"taken: {judge}",))
            judged = endorsement_policy.block_judgements(block, judge, _ReadBack(self, committed), [position])
        except LedgerReadError as error:
            return endorsement_policy.Judgement(untold=(f"it cannot be read down to its endorsements: {error}",))
        return judged.get(position, endorsement_policy.Judgement(untold=("it is no endorser transaction",)))

    def _judge_under(self, index: int) -> endorsement_policy.ChannelJudge | str:
        """The judge of the endorsements of the blocks validated under config block ``index``, or why none can be
        had; once per config block and audit."""
        if index not in self._judges:
            config = self._config_at(index)
            try:
                self._judges[index] = config if isinstance(config, str) else endorsement_policy.ChannelJudge(config)
            except LedgerReadError as error:
                self._judges[index] = str(error)
        return self._judges[index]

    @staticmethod
    def _role_note(msp: channel_msp.ChannelMsp | None) -> str:
        """What a check's reason adds for an org whose MSP cannot tell its peers (NodeOUs off, or on without a peer
        OU, where Fabric's MSP satisfies no peer principal): the role of a signer cannot be told."""
        if msp is None or msp.tells_role(channel_msp.PEER):
            return ""
        cause = "enables no NodeOUs" if msp.node_ous is None else "enables NodeOUs but sets no peer OU"
        return (f" ({msp.msp_id}'s MSP {cause}, so whether a peer, a client or an admin of the org signed "
                "cannot be told)")


POLICY_HOPS = 64
"""How many writes of a key :class:`_ReadBack` walks back through for the last that set its key-level policy."""


class _ReadBack:
    """What a transaction's endorsements were held to, read back from the blocks through the versions it read: Fabric
    commits a transaction VALID only where each key it read still had the version read, so the transaction at that
    version is the key's last write before it was validated. The chaincode's definition comes through its read of
    the definition's sequence, which a peer makes for every invocation (``namespaces/fields/<chaincode>/Sequence``
    in ``_lifecycle``): the commit at that version wrote each field of the definition, or read the version it
    kept. A key's key-level policy comes through its read of the key, back through the writes that kept the policy
    to the one that set it. What it cannot tell (:class:`~client.ledger.endorsement_policy.Untold`): a key the
    transaction wrote without reading it, whose policy only a replay of every block before it would give; a
    private key's."""

    def __init__(self, audit: ReceivableAudit, committed: CommittedTransaction) -> None:
        self.audit, self.tx_id, self.reads = audit, committed.tx_id, _read_set(committed)

    def lifecycle_value(self, key: str) -> bytes | None:
        read = self.reads.versions.get((endorsement_policy.LIFECYCLE, key))
        if read:
            return self._value_at(key, read[0])
        chaincode = key.split("/")[2] if key.count("/") >= 2 else key
        sequence = self.reads.versions.get((endorsement_policy.LIFECYCLE, f"namespaces/fields/{chaincode}/Sequence"))
        if not sequence:
            raise endorsement_policy.Untold(
                f"it records no read of chaincode {chaincode}'s definition (its sequence, which a peer reads for "
                "every invocation), so the definition it was validated against cannot be told from the blocks")
        if sequence[0] is None:
            return None     # no definition of the chaincode was committed
        commit, commit_reads = self._at(sequence[0])
        if not commit.writes_of(endorsement_policy.LIFECYCLE, f"namespaces/fields/{chaincode}/Sequence"):
            # no commit of the definition: its reads would give the fields of another moment, or of none
            raise endorsement_policy.Untold(
                f"transaction {commit.tx_id} ({_at(sequence[0])}), the version of chaincode {chaincode}'s definition "
                "sequence a read names, does not write it, so the definition it was validated against cannot be "
                "told from the blocks")
        written = commit.writes_of(endorsement_policy.LIFECYCLE, key)
        if written:
            return written[-1][1].value
        kept = commit_reads.versions.get((endorsement_policy.LIFECYCLE, key))
        if not kept:
            raise endorsement_policy.Untold(f"the commit of chaincode {chaincode}'s definition ({commit.tx_id}) "
                                            f"neither writes nor reads {key}")
        return self._value_at(key, kept[0])

    def _value_at(self, key: str, version: Version | None) -> bytes | None:
        if version is None:
            return None
        committed, _ = self._at(version)
        written = committed.writes_of(endorsement_policy.LIFECYCLE, key)
        if not written:
            raise endorsement_policy.Untold(f"transaction {committed.tx_id} ({_at(version)}), the version of {key} "
                                            "a read names, does not write it")
        return written[-1][1].value

    def key_policy(self, namespace: str, collection: str, key: str | bytes) -> bytes | None:
        if collection:
            shown = key.hex()[:16] if isinstance(key, bytes) else key
            raise endorsement_policy.Untold(f"the key-level policy of private key {shown} of collection "
                                            f"{collection} cannot be told from the blocks the audit reads")
        versions = self.reads.versions.get((namespace, key))
        if not versions:
            raise endorsement_policy.Untold(f"it writes key {key!r} without reading it, so the key-level policy the "
                                            "key held cannot be told from the versions it read")
        version = versions[0]
        for _ in range(POLICY_HOPS):
            if version is None:
                return None     # the key did not exist: it held no policy
            committed, reads = self._at(version)
            policies = [policy for action in committed.actions for ns, written, policy in action.policies_written
                        if (ns, written) == (namespace, key)]
            if policies:
                return policies[-1] or None
            if not committed.writes_of(namespace, key):
                # a key's version is the last transaction that wrote it: read back through another's reads, the
                # walk would give a policy of some other moment of the key, perhaps one laxer than it held
                raise endorsement_policy.Untold(
                    f"transaction {committed.tx_id} ({_at(version)}), the version of key {key!r} a read names, does "
                    "not write it, so the key-level policy the key held cannot be told from the versions read")
            earlier = reads.versions.get((namespace, key))
            if not earlier:
                raise endorsement_policy.Untold(
                    f"transaction {committed.tx_id} ({_at(version)}) wrote key {key!r} without reading it, so the "
                    "key-level policy the key held cannot be told from the versions read")
            version = earlier[0]
        raise endorsement_policy.Untold(f"the key-level policy of key {key!r} was set more than {POLICY_HOPS} writes "
                                        "before it")

    def _at(self, version: Version) -> tuple[CommittedTransaction, _ReadSet]:
        found = self.audit._transaction_at(version)
        if isinstance(found, str):
            raise endorsement_policy.Untold(f"the transaction at {_at(version)}, whose version a read names, cannot "
                                            f"be taken: {found}")
        if found[0].validation != "VALID":
            raise endorsement_policy.Untold(f"transaction {found[0].tx_id} ({_at(version)}), whose version a read "
                                            f"names, is marked {found[0].validation}")
        return found


UNTOLD_NAMED = 3
"""How many of the checks of a transaction's policies that could not be made an audit check's reason names."""


def _policy_note(judgement: endorsement_policy.Judgement) -> str:
    """What a passing check's reason adds of the transaction's endorsements against its policies."""
    if not judgement.untold:
        return "; its endorsements meet every policy Fabric's validation held it to"
    named = "; ".join(judgement.untold[:UNTOLD_NAMED])
    more = len(judgement.untold) - UNTOLD_NAMED
    return (f"; whether its endorsements meet every policy Fabric's validation held it to cannot be told from the "
            f"blocks read: {named}" + (f"; and {more} more" if more > 0 else ""))


def _refuse_an_awaiting_client(receivables: Any) -> None:
    """ValueError for a receivables client whose reads are awaited: the audit reads each answer as its call
    returns, and would take the coroutine of an AsyncReceivablesClient for the claim, left never awaited."""
    if inspect.iscoroutinefunction(getattr(receivables, "get_receivable", None)):
        raise ValueError(f"ReceivableAudit runs each call to its end, and was given a client that awaits its calls "
                         f"({type(receivables).__name__}); nothing was read. Give it a ReceivablesClient over the "
                         "Contract and Network of a gateway from connect()")


def no_such_transaction(error: BaseException, tx_id: str) -> bool:
    """Whether a failed read of transaction ``tx_id`` (``transaction_by_id``, ``block_by_tx_id``) is the own org's
    peer answering that its ledger holds no such transaction: the gateway's :class:`NoSuchTransactionError` of
    it, the one failure of the read that says something of the claim. What the peer's words mean is the qscc
    client's to read (``client.ledger.qscc``), once for every caller; a call never sent, or failed on its way, is
    no answer."""
    return isinstance(error, NoSuchTransactionError) and error.tx_id == tx_id


def _read_transaction(processed: transaction_pb2.ProcessedTransaction,
                      msps: dict[str, channel_msp.ChannelMsp]) -> tuple[CommittedTransaction, _ReadSet]:
    """A committed transaction read down to its endorsements (each verified in the hash family of the MSP it
    names, among ``msps``) and writes, and what it read."""
    committed = committed_transaction(processed, msps)
    return committed, _read_set(committed)


def _read_set(committed: CommittedTransaction) -> _ReadSet:
    """The keys a transaction read, with their versions, the keys whose metadata it wrote and its creator's MSP,
    from what ``committed_transaction`` decoded."""
    versions: dict[tuple[str, str], list[Version | None]] = {}
    for action in committed.actions:
        for read in action.reads:
            versions.setdefault((read.namespace, read.key), []).append(read.version)
    metadata = frozenset(key for action in committed.actions for key in action.metadata_writes)
    return _ReadSet(versions, metadata, committed.creator_msp)


def _at(version: Version) -> str:
    return f"block {version[0]}, transaction {version[1]}"


def _not_its_registration(creation: _Change, claim_id: str) -> str | None:
    """Why ``creation``, the write a root's walk back through the blocks starts at, is not the registration of
    ``claim_id``, or None when it may be. The contract names a claim after the transaction registering it
    (RegisterReceivable): ``new_id(CLAIM_ID_PREFIX, <its id>)``. That id keeps 64 bits of a hash of a nonce its
    submitter picks, and a hit on any claim two orgs may still rewrite will do, so it alone costs some 2^64 / N
    tries for N such claims. The creditor submits its own registration (the contract acts only for a party of the
    caller's org, and writes that org as the holder's): its creator's MSP is the holder's org it writes, which two
    other orgs cannot sign as."""
    tx_id = creation.transaction.tx_id
    if new_id(CLAIM_ID_PREFIX, tx_id) != claim_id:
        return (f"is not the registration that made that id (registering in {tx_id} makes the claim "
                f"{new_id(CLAIM_ID_PREFIX, tx_id)})")
    creator_msp, holder_msp = creation.reads.creator_msp, (creation.value or {}).get("holder_msp")
    if not isinstance(holder_msp, str) or creator_msp != holder_msp:
        submitter = f"a client of {creator_msp}" if creator_msp else "a creator naming no MSP"
        holder = holder_msp if isinstance(holder_msp, str) else "no org"
        return (f"was submitted by {submitter} but writes {holder} as the holder's org, so it is not the "
                "registration, which its creditor submits from the org it writes as the holder's")
    return None


def _paper_identities_linked(registered: Sequence[Invoice], confirmed: Sequence[Invoice]) -> list[str] | None:
    """The numbers of the invoices whose paper identity (数电纸质发票) was linked between a claim's registration
    and its confirmation (``LinkPaperIdentity``, its creditor's before confirmation), where that is all that
    tells ``confirmed`` from ``registered``: the same invoices in the same order, each as registered but for
    ``paper_code``, ``paper_number`` and ``paper_fingerprint``, which one registered without any gained, its
    fingerprint that of its seller's paper code and number. None where anything else differs, a paper
    identity registered was changed or dropped, or none was linked."""
    if len(registered) != len(confirmed):
        return None
    linked = []
    for before, after in zip(registered, confirmed):
        if after == before:
            continue
        unlinked = after.model_copy(update={"paper_code": "", "paper_number": "", "paper_fingerprint": ""})
        if before.paper_fingerprint or before.paper_code or before.paper_number or unlinked != before:
            return None
        try:
            paper_fp = invoice_keys.invoice_fingerprint(after.seller_tax_id, after.paper_code, after.paper_number)
        except ValueError:
            return None
        if not (after.paper_code and after.paper_number) or after.paper_fingerprint != paper_fp:
            return None
        linked.append(after.number)
    return linked or None


def _registry_fingerprints(invoice: Invoice) -> tuple[list[str], list[str]]:
    """The fingerprints the invoice registry may hold ``invoice`` under: those of its own (the one stored
    with it, the one its seller, code and number give, and that of its current spelling, which UpgradeLedger
    registers for an invoice an earlier contract version took in an older one); and every one a registration
    of it is refused under, its other spellings' too (``fingerprint.other_spelling``), and those of the paper
    identity it names (数电纸质发票: its ``paper_fingerprint`` and that identity's other spelling). Only
    well-formed ones: a value two orgs wrote may hold any text."""
    identities = [(invoice.code, invoice.number)]
    if (current := invoice_keys.current_spelling(invoice.code, invoice.number)) is not None:
        identities.append(current)
    own = [invoice.fingerprint]
    for code, number in identities:
        try:
            own.append(invoice_keys.invoice_fingerprint(invoice.seller_tax_id, code, number))
        except ValueError:
            continue
    spellings = list(own)
    for code, number in identities:
        spellings += _other_spelling_fingerprint(invoice.seller_tax_id, code, number)
    if invoice.paper_fingerprint:
        spellings.append(invoice.paper_fingerprint)
        spellings += _other_spelling_fingerprint(invoice.seller_tax_id, invoice.paper_code, invoice.paper_number)
    well_formed = [fp for fp in dict.fromkeys(spellings) if invoice_keys.is_fingerprint(fp)]
    return [fp for fp in dict.fromkeys(own) if fp in well_formed], well_formed


def _other_spelling_fingerprint(seller_tax_id: str, code: str, number: str) -> list[str]:
    """The fingerprint of the other spelling of ``code`` and ``number`` (``fingerprint.other_spelling``), as a list
    of one; none where they have no other spelling or it gives no fingerprint."""
    if (other := invoice_keys.other_spelling(code, number)) is None:
        return []
    try:
        return [invoice_keys.invoice_fingerprint(seller_tax_id, *other)]
    except ValueError:
        return []


def _confirmed(status: Any) -> bool:
    """Whether a claim's status is past the debtor's confirmation."""
    return status is not None and status not in NOT_YET_CONFIRMED


def _debtors(claim_id: str, change: _Change | None) -> _Expectation:
    """``changes before confirmation`` of ``claim_id``, an ancestor or the root of the audited part, expecting the
    endorsement of the debtor's org ``change`` (its registration, or the split that created it) wrote for it:
    its record is not read, only its history."""
    debtor_msp = (change.value or {}).get("debtor_msp") if change is not None else None
    return _Expectation("changes before confirmation", claim_id, receivable_key(claim_id),
                        debtor_msp if isinstance(debtor_msp, str) else "", "status")


def _statuses(changes: Sequence[_Change]) -> str:
    """A claim's history as the statuses its transactions left, for a check's reason."""
    return ", ".join(str(change.status) for change in changes) or "empty"


def _json_object(data: bytes) -> dict | None:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):  # forgers may write any bytes, nested past the parser's depth too
        return None
    return value if isinstance(value, dict) else None


def audit_receivable(receivables: Any, receivable_id: str, msp_id: str, *,
                     genesis_hash: bytes | None = None) -> AuditReport:
    """Audit one receivable as org ``msp_id`` (the caller's own), through the client's Network; ``genesis_hash``
    as :class:`ReceivableAudit` takes it."""
    return ReceivableAudit.of(receivables, msp_id, genesis_hash=genesis_hash).audit(receivable_id)
