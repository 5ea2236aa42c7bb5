"""A ledger call Ctrl-C stops says what the Gateway knows of it: stopped while its proposal was endorsed,
nothing reached the orderer and the transaction cannot commit; once the orderer was handed it, it may have
committed. Both read as "it may have committed" before."""
import pytest

from cli.request_ids import EXIT_INTERRUPTED, AnswerLost, exactly_once

TX = "ab" * 32


def interrupted(may_have_been_ordered: bool):
    def call(request_id):
        stop = KeyboardInterrupt()
        stop.transaction_id, stop.may_have_been_ordered = TX, may_have_been_ordered   # as client.gateway says
        raise stop
    return call


def test_a_call_stopped_while_it_was_endorsed_says_it_cannot_commit_and_names_the_ids():
    with pytest.raises(AnswerLost) as lost:
        exactly_once("order-19", interrupted(False))
    assert lost.value.exit_code == EXIT_INTERRUPTED
    assert lost.value.message.endswith(
        f"(request id order-19: stopped before a transaction of it that can commit reached the orderer: "
        f"transaction {TX} cannot commit; run the same command with --request-id order-19 to apply it, once)")
    assert "may have committed" not in lost.value.message


def test_a_call_stopped_once_the_orderer_was_handed_it_may_have_committed():
    with pytest.raises(AnswerLost) as lost:
        exactly_once("order-20", interrupted(True))
    assert lost.value.exit_code == EXIT_INTERRUPTED
    assert "(request id order-20: it may have committed; run the same command with --request-id order-20" \
        in lost.value.message
