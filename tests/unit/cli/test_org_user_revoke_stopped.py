"""`recfin org user revoke` stopped (Ctrl-C, SIGTERM) while it unbinds the revoked user on the ledger, or with the
unbind's answer lost, says what is known, as any change stopped says it: the certificate is revoked; the unbinding
was not sent, or cannot commit, and the run again (or the `recfin party unbind` it names) finishes it; or it may
have committed, and the `recfin transaction status` that tells. It said only "interrupted", exit 130, with
nothing to tell whether the user could still act for its party. Stopped before that, in its channel step, it says
whether the channel revokes the certificate (nothing sent; not known, with the `recfin org user list --sync` that
tells; taken by the ordering service; in force, its CRL not yet written here) and that the run again finishes it.

The channel and the ledger as in test_org_user_revoke_ledger.py: the `peer` CLI scripted, and the real contract
on MemoryLedger behind the real SDK.
"""
from __future__ import annotations

import json
import re
import shlex

import grpc
import pytest

from client.gateway import CommitStatusError
from tests.unit.ledger_contract import LedgerContract
from tests.unit.receivables_client.test_lost_answer_without_a_request_id import answer_lost, interrupted

from . import test_org_user_revoke_ledger
from .test_org_user_revoke_ledger import CODE, printed_commands, registered, revoke, user_id

world = test_org_user_revoke_ledger.world   # the fixture of the tests these extend

UNBIND = "UnbindPartyIdentity"


def stopped_before_any_transaction(monkeypatch, query: str) -> None:
    """Ctrl-C while ``query`` is evaluated: before any transaction of the ledger step was built."""
    evaluate = LedgerContract.evaluate

    def stopped(self, name, **options):
        if name == query:
            raise KeyboardInterrupt()
        return evaluate(self, name, **options)

    monkeypatch.setattr(LedgerContract, "evaluate", stopped)


def error_line(result) -> str:
    assert result.exit_code == 130, result.output
    return result.stderr.strip().splitlines()[-1]


def way_on(line: str) -> list[str]:
    """The `recfin party unbind` the line ends with, as an argument list."""
    unbind, = [c for c in printed_commands(line) if c[:2] == ["party", "unbind"]]
    return unbind


def test_stopped_while_the_unbind_was_endorsed_says_it_cannot_commit_and_how_to_finish(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    with pytest.MonkeyPatch.context() as stopping:   # the ledger step's one submit is the unbind
        interrupted(stopping, reached_the_orderer=False)
        result = revoke(runner, "supplier2", "--json")
    line = error_line(result)
    assert result.stdout == ""   # no summary: a stop is said in its one line
    assert line.startswith(
        f"Error: interrupted (supplier2's certificate is revoked on channel receivables, but its unbinding from "
        f"{CODE} on the ledger was stopped: transaction tx-endorsed was stopped before it reached the orderer, so "
        f"it cannot commit, and supplier2 still acts for {CODE}; run this revoke again, or `recfin party unbind")
    assert way_on(line)[:4] == ["party", "unbind", CODE, "--client-id"]
    assert way_on(line)[4] == user_id(root, "supplier2")
    assert len(scripted.updates) == 1                                   # the revocation went out, once
    assert ledger.party() == [user_id(root, "supplier1"), user_id(root, "supplier2")]   # still bound

    again = revoke(runner, "supplier2", "--json")                       # the way on the line gives finishes it
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["ledger"]["outcome"] == "unbound"
    assert ledger.party() == [user_id(root, "supplier1")]


def test_stopped_once_the_orderer_took_the_unbind_names_its_transaction_and_the_status_that_tells(
        runner, world, monkeypatch):
    root, _scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    interrupted(monkeypatch, reached_the_orderer=True)
    line = error_line(revoke(runner, "supplier2"))
    transaction = ledger.channel.submits[-1].tx_id
    assert ledger.channel.submits[-1].transaction == UNBIND
    said = re.fullmatch(
        rf"Error: interrupted \(supplier2's certificate is revoked on channel receivables, but its unbinding from "
        rf"{CODE} on the ledger was stopped: transaction {transaction} may have committed all the same: `(.*?)` "
        rf"tells whether it did; if it did not, run this revoke again, or `recfin party unbind .*`\)", line)
    assert said, line
    status = shlex.split(said.group(1))
    assert status[:4] == ["recfin", "transaction", "status", transaction]
    assert status[4:] == ["--as", "supplier"]   # the org's first client user: the admin's folder may be elsewhere
    assert ledger.party() == [user_id(root, "supplier1")]   # here it had committed


def test_stopped_before_the_unbind_was_sent_says_nothing_changed_on_the_ledger(runner, world, monkeypatch):
    root, _scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    stopped_before_any_transaction(monkeypatch, "FindIdentityParty")
    line = error_line(revoke(runner, "supplier2"))
    assert line.startswith("Error: interrupted (supplier2's certificate is revoked on channel receivables, but it "
                           "was stopped before its unbinding on the ledger was sent: nothing changed there; run "
                           "this revoke again, or `recfin party unbind USCC --client-id")
    assert [t.transaction for t in ledger.channel.submits] == ["RegisterParty"]


def test_a_dry_run_stopped_on_the_ledger_stays_a_plain_stop(runner, world, monkeypatch):
    """A dry run submits nothing: its stop is any command's, one line and exit 130."""
    from cli.main import main

    registered(world, "supplier1", "supplier2")
    stopped_before_any_transaction(monkeypatch, "FindIdentityParty")
    result = runner.invoke(main, ["org", "user", "revoke", "supplier", "supplier2", "--dry-run"])
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (130, "Error: interrupted"), result.output


def test_an_unbind_whose_answer_was_lost_names_the_status_that_tells_whether_it_committed(runner, world,
                                                                                          monkeypatch):
    root, _scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    answer_lost(monkeypatch, UNBIND, CommitStatusError("commit status: context deadline exceeded",
                                                       transaction_id="ef" * 32,
                                                       code=grpc.StatusCode.DEADLINE_EXCEEDED))
    result = revoke(runner, "supplier2", "--json")
    assert result.exit_code == 1, result.output
    step = json.loads(result.stdout)["ledger"]
    assert step["outcome"] == "failed"
    assert (f"(transaction {'ef' * 32} may have committed all the same: `recfin transaction status {'ef' * 32} "
            "--as supplier` tells whether it did)") in step["reason"]
    assert step["next"].startswith("once the ledger answers, run this revoke again, or `recfin party unbind")


def test_sigterm_while_the_unbind_was_endorsed_is_named_and_exits_with_its_status(runner, world, monkeypatch):
    from tests.unit.cli_errors import terminated_here

    registered(world, "supplier1", "supplier2")
    submit = LedgerContract.submit

    def terminated(self, name, **options):
        if name != UNBIND:
            return submit(self, name, **options)
        try:
            terminated_here()   # the signal itself: the command's own handler must turn it into a stop
        except KeyboardInterrupt as stop:   # marked as the Gateway marks a stop while it endorses
            stop.transaction_id, stop.may_have_been_ordered = "cd" * 32, False
            raise

    monkeypatch.setattr(LedgerContract, "submit", terminated)
    result = revoke(runner, "supplier2")
    assert result.exit_code == 143, result.output
    assert result.stderr.strip().splitlines()[-1].startswith(
        "Error: terminated by SIGTERM (supplier2's certificate is revoked on channel receivables, but its unbinding "
        f"from {CODE} on the ledger was stopped: transaction {'cd' * 32} was stopped before it reached the orderer")


def test_the_help_says_what_a_stop_tells(runner):
    from cli.main import main

    text = " ".join(runner.invoke(main, ["org", "user", "revoke", "--help"]).output.split())
    assert ("Stopped while it unbinds (Ctrl-C: exit 130; SIGTERM, SIGHUP: 128 + the signal), or with the unbind's "
            "answer lost, it says whether the unbinding was sent, cannot commit, or may have committed, with the "
            "`recfin transaction status` that tells") in text


# ---- stopped on the channel, before the ledger step

def stopped_in_the_update(scripted, monkeypatch, stop=None) -> None:
    """`peer channel update` stopped (Ctrl-C, or ``stop``) before the ordering service took the update."""
    def update(msp, args, env):
        if stop is None:
            raise KeyboardInterrupt()
        stop()
    monkeypatch.setattr(scripted, "_channel_update", update)


def stopped_once_the_update_was_taken(scripted, monkeypatch) -> None:
    """Ctrl-C while the run fetches the channel's config to see the update it sent in force."""
    fetch = scripted._channel_fetch

    def fetched(msp, args, env):
        if scripted.updates:
            raise KeyboardInterrupt()
        return fetch(msp, args, env)
    monkeypatch.setattr(scripted, "_channel_fetch", fetched)


def sync_command(line: str) -> list[str]:
    sync, = [c for c in printed_commands(line) if c[:3] == ["org", "user", "list"]]
    return sync


def test_stopped_while_the_update_was_sent_says_whether_it_is_known_and_what_tells(runner, world, monkeypatch):
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    with pytest.MonkeyPatch.context() as stopping:
        stopped_in_the_update(scripted, stopping)
        result = revoke(runner, "supplier2", "--json")
    line = error_line(result)
    assert result.stdout == ""
    assert line.startswith("Error: interrupted (it was stopped while the revocation of supplier2's certificate was "
                           "being submitted to channel receivables: whether the ordering service took it is not "
                           "known, so the channel may or may not revoke it, and nothing changed on the ledger; ")
    assert sync_command(line) == ["org", "user", "list", "supplier", "--sync"]
    assert ledger.party() == [user_id(root, "supplier1"), user_id(root, "supplier2")]

    again = revoke(runner, "supplier2", "--json")   # the channel lacked it: the run again submits it, and unbinds
    assert again.exit_code == 0, again.output
    assert len(scripted.updates) == 1 and json.loads(again.stdout)["ledger"]["outcome"] == "unbound"


def test_stopped_once_the_ordering_service_took_it_says_the_channel_revokes_it_and_the_run_again_finishes(
        runner, world, monkeypatch):
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    with pytest.MonkeyPatch.context() as stopping:
        stopped_once_the_update_was_taken(scripted, stopping)
        line = error_line(revoke(runner, "supplier2"))
    assert line == ("Error: interrupted (the ordering service took the revocation of supplier2's certificate, so "
                    "channel receivables revokes it from the config block that carries it, but the run was stopped "
                    "before it saw that block: the CRL is not written here yet, and nothing changed on the ledger; "
                    "run this revoke again: it finds the certificate revoked, writes the channel's CRL here and "
                    "unbinds supplier2 from its party on the ledger)")
    assert not test_org_user_revoke_ledger.crl_lists(root, "supplier2")

    again = revoke(runner, "supplier2", "--json")
    assert again.exit_code == 0, again.output
    assert len(scripted.updates) == 1   # found revoked: not sent again
    assert json.loads(again.stdout)["ledger"]["outcome"] == "unbound"
    assert test_org_user_revoke_ledger.crl_lists(root, "supplier2")
    assert ledger.party() == [user_id(root, "supplier1")]


def test_stopped_as_the_crl_is_written_here_says_it_is_in_force_and_with_keep_binding_names_the_sync(
        runner, world, monkeypatch):
    from network import org_users

    _root, scripted, _ledger = world

    def writing(*_args, **_kwargs):
        raise KeyboardInterrupt()

    monkeypatch.setattr(org_users.OrgUsers, "keep_locally", writing)
    line = error_line(revoke(runner, "supplier2", "--keep-binding"))
    assert line.startswith("Error: interrupted (supplier2's certificate is revoked on channel receivables, but the run "
                           "was stopped before it wrote the CRL to every MSP folder here, and nothing changed on the "
                           "ledger; `recfin org user list supplier --sync` writes the channel's CRL here)")
    assert len(scripted.updates) == 1


def test_stopped_before_the_update_was_sent_says_nothing_was_sent(runner, world, monkeypatch):
    _root, scripted, _ledger = world
    monkeypatch.setattr(scripted, "_channel_fetch", lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    line = error_line(revoke(runner, "supplier2"))
    assert line == ("Error: interrupted (it was stopped before the revocation of supplier2's certificate was "
                    "submitted: nothing was sent to channel receivables, and nothing changed on the ledger; run this "
                    "revoke again)")
    assert scripted.updates == []


def test_sigterm_while_the_update_was_sent_is_named_and_exits_with_its_status(runner, world, monkeypatch):
    from tests.unit.cli_errors import terminated_here

    _root, scripted, _ledger = world
    stopped_in_the_update(scripted, monkeypatch, stop=terminated_here)
    result = revoke(runner, "supplier2", "--data-root", str(world[0]))
    assert result.exit_code == 143, result.output
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("Error: terminated by SIGTERM (it was stopped while the revocation of supplier2's "
                           "certificate was being submitted")
    assert sync_command(line) == ["org", "user", "list", "supplier", "--sync", "--data-root", str(world[0])]


def test_a_run_again_stopped_writing_the_channel_s_crl_says_the_certificate_is_revoked_not_that_nothing_was_sent(
        runner, world, monkeypatch):
    """The revocation is on the channel (an earlier run stopped as it wrote the CRL here): the run again sends
    nothing and writes the channel's CRL here. Stopped there, it is past the channel step, not before it."""
    from network import org_users

    _root, scripted, _ledger = world

    def writing(*_args, **_kwargs):
        raise KeyboardInterrupt()

    monkeypatch.setattr(org_users.OrgUsers, "keep_locally", writing)
    error_line(revoke(runner, "supplier2"))
    line = error_line(revoke(runner, "supplier2"))
    assert line == ("Error: interrupted (supplier2's certificate is revoked on channel receivables, but the run was "
                    "stopped before it wrote the CRL to every MSP folder here, and nothing changed on the ledger; run "
                    "this revoke again: it finds the certificate revoked, writes the channel's CRL here and unbinds "
                    "supplier2 from its party on the ledger)")
    assert len(scripted.updates) == 1
