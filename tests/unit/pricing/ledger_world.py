"""The receivables contract on a MemoryLedger behind the SDK, for the risk and finance commands.

Reuses the contract's test network (``tests/unit/receivables/support.py``: parties,
clock) and the SDK's in-process Contract (``tests/unit/ledger_contract.py``), adding
only what the commands need: ``cli.connection.open_session`` opens a session as one
of the network's actors, named by ``--as``; and for the quote's offer, a proposal
whose transaction id is known before it is endorsed, and commit statuses asked by
that id (:class:`Commits`), with the outcomes a test scripts for a submit whose
answer is lost.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

import grpc
from fabric_protos.peer import transaction_pb2

from client.gateway import Status
from client.gateway.errors import CommitStatusError
from client.pricing import bank_config_path
from client.receivables import ReceivablesClient

from ..ledger_contract import LedgerContract, ScriptedLifecycle, committed_definition
from ..receivables.support import DEFAULT_CONFIG, standard_net, transient_terms

CONFIG = str(bank_config_path("bank"))
CHANNEL = "receivables-channel"
LIMIT = 150_000_000   # 1,500,000.00 yuan on a grade-A debtor: room for one 95% advance on 1,000,000.00, not two


@dataclass
class Commits:
    """Stands in for the Network's commit statuses, shared by every session of a World: ``new_commit(tx).status()``
    answers VALID for a transaction committed through a :class:`StepwiseContract` (by its proposal's id),
    ``answers`` what a test scripted for a transaction id (a Status, an exception to raise, or a callable giving
    one), and for any other as a peer that cannot tell: CommitStatusError (a transaction still on its way, or never
    sent). ``asked`` lists each ask.

    ``lost[function]`` scripts the next submit of that function: called with the proposal's transaction id and
    ``commit`` (which runs it on the ledger), it raises what the submit raises (CommitStatusError, SubmitError,
    KeyboardInterrupt ...), having called ``commit`` or kept it for later as the test wants."""

    committed: set[str] = field(default_factory=set)
    answers: dict[str, object] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    lost: dict[str, Callable[[str, Callable[[], object]], object]] = field(default_factory=dict)
    # ``_lifecycle`` as the channel's peers answer it: the chaincode's committed definition, which make_offer reads
    # for the endorsement policy its new keys answer to (set by World for its network's configuration)
    lifecycle: ScriptedLifecycle | None = None

    def get_contract(self, chaincode: str, contract_name: str | None = None) -> ScriptedLifecycle:
        assert chaincode == "_lifecycle" and self.lifecycle is not None, chaincode
        return self.lifecycle

    def new_commit(self, transaction_id: str) -> SimpleNamespace:
        def status(*, timeout: float | None = None) -> Status:
            self.asked.append(transaction_id)
            answer = self.answers.get(transaction_id)
            if callable(answer):
                answer = answer()
            if isinstance(answer, BaseException):
                raise answer
            if answer is not None:
                return answer
            if transaction_id in self.committed:
                return Status(transaction_id, 9, transaction_pb2.VALID)
            raise unknown_outcome(transaction_id)
        return SimpleNamespace(transaction_id=transaction_id, status=status)


def unknown_outcome(transaction_id: str) -> CommitStatusError:
    """What the Gateway answers when the commit status did not come in time."""
    return CommitStatusError("commit status: context deadline exceeded", transaction_id=transaction_id,
                             code=grpc.StatusCode.DEADLINE_EXCEEDED)


@dataclass
class StepwiseContract(LedgerContract):
    """LedgerContract whose submit takes the steps ``client.gateway.Contract`` takes for each attempt, on the
    objects ``new_proposal`` gives (so that a copy of the contract that wraps it sees them): the proposal is built
    (its transaction id known before anything is endorsed), endorsed, sent to the orderer, and its commit status
    asked. MemoryLedger runs the transaction under an id of its own, once it was sent; ``commits`` answers for it
    by the proposal's."""

    commits: Commits | None = None

    def new_proposal(self, name, *, arguments=(), transient=None, endorsing_organizations=None) -> SimpleNamespace:
        transaction_id = secrets.token_hex(32)
        # the submit below asks only once it committed: not one of the asks ``commits`` lists
        sent = SimpleNamespace(status=lambda **_: Status(transaction_id, 9, transaction_pb2.VALID))
        endorsed = SimpleNamespace(transaction_id=transaction_id, submit=lambda **_: sent)
        return SimpleNamespace(transaction_id=transaction_id, endorse=lambda **_: endorsed)

    def submit(self, name, *, arguments=(), transient=None, endorsing_organizations=None, retry=None):
        proposal = self.new_proposal(name, arguments=arguments, transient=transient,
                                     endorsing_organizations=endorsing_organizations)

        def commit():
            result = LedgerContract.submit(self, name, arguments=arguments, transient=transient,
                                           endorsing_organizations=endorsing_organizations)
            self.commits.committed.add(proposal.transaction_id)
            return result

        sent = proposal.endorse().submit()
        lost = self.commits.lost.pop(name, None)
        if lost is not None:   # raises what the submit raises, the transaction run or kept as the test wants
            return lost(proposal.transaction_id, commit)
        result = commit()
        sent.status()
        return result


class World:
    """``standard_net`` (core, tier1, tier2, bank, bank2, regulator) with an SDK client per actor."""

    def __init__(self) -> None:
        self.net = asyncio.run(standard_net())
        self.opened: list[str] = []
        self.commits = Commits(lifecycle=ScriptedLifecycle(committed_definition(DEFAULT_CONFIG)))

    def client(self, actor: str) -> ReceivablesClient:
        contract = StepwiseContract(self.net.ledger, self.net.actors[actor].identity, lambda: self.net.now,
                                    commits=self.commits)
        return ReceivablesClient(contract, self.commits)

    def uscc(self, actor: str) -> str:
        return self.net.actors[actor].uscc

    def serve(self, monkeypatch) -> "World":
        """``cli.connection.open_session(ORG, ...)`` acts as the actor named ORG on this ledger (its profile: the
        org's name and MSP ID)."""
        from cli import connection

        @contextmanager
        def open_session(org, user=None, data_root=None, *, admin=False):
            self.opened.append(org)
            yield SimpleNamespace(client=self.client(org),
                                  profile=SimpleNamespace(org=org, msp_id=self.net.actors[org].msp, channel=CHANNEL))

        monkeypatch.setattr(connection, "open_session", open_session)
        return self


def a_claim_with_two_offers(net) -> tuple[str, dict, dict]:
    """A claim of tier1's on core (10,000.00 yuan, due in 60 days) with a request, offered on by bank, then by bank2:
    the claim's id, bank's offer and bank2's."""
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = asyncio.run(net.confirmed(tier1, core, 1_000_000, due_in=60))["id"]
    f, first = asyncio.run(net.offered(tier1, claim))
    second = asyncio.run(net.ok(net.actors["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms()))
    return claim, first, second
