"""`recfin finance quote` stopped by SIGTERM (`timeout`, `kill`, a stopped service) ends as Ctrl-C ends it: one line
saying what became of its offer (not sent, so nothing to commit; or sent, so it may still commit, and how to tell),
with the shell's code for the signal, 143. It ended at once, saying nothing, its offer possibly on its way.

On the real contract in-process (tests/unit/pricing/ledger_world.py, the ``world`` fixture of its conftest).
"""
from __future__ import annotations

from types import SimpleNamespace

import click
from click.testing import CliRunner

from cli.main import main
from tests.unit.cli_errors import terminated_here
from tests.unit.pricing import conftest as pricing
from tests.unit.pricing.ledger_world import CONFIG, StepwiseContract
from tests.unit.pricing.test_quote_turns import quote_args

world = pricing.world   # the fixture these tests run on

OFFER = "MakeFinancingOffer"


def quoted(world) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["finance", *quote_args(world, world.receivable, CONFIG, "--yes")])
    return result.exit_code, result.stderr.strip().splitlines()[-1]


def open_offers(world) -> list:
    return world.client("bank").financier_exposure(world.uscc("core")).offers


def test_sigterm_while_the_offer_is_endorsed_says_nothing_was_sent_and_exits_143(world, monkeypatch):
    built = StepwiseContract.new_proposal
    proposals: list[str] = []

    def new_proposal(self, name, **options):
        proposal = built(self, name, **options)
        if name != OFFER:
            return proposal
        proposals.append(proposal.transaction_id)
        return SimpleNamespace(transaction_id=proposal.transaction_id, endorse=lambda **_: terminated_here())

    monkeypatch.setattr(StepwiseContract, "new_proposal", new_proposal)
    code, line = quoted(world)
    assert code == 143, line
    assert line == (f"Error: no offer made on {world.financing}: terminated by SIGTERM before its transaction "
                    f"{proposals[0]} was sent to the orderer; nothing was sent that could commit. Run the quote again")
    assert open_offers(world) == []


def test_sigterm_once_the_offer_was_sent_says_it_may_still_commit_and_exits_143(world):
    sent: list[str] = []

    def terminated(transaction_id, commit):
        sent.append(transaction_id)
        commit()                 # the orderer had it: it commits whatever became of the quote
        terminated_here()

    world.commits.lost[OFFER] = terminated
    code, line = quoted(world)
    assert code == 143, line
    assert line.startswith(f"Error: the offer on {world.financing} may still commit: whether its transaction "
                           f"{sent[0]} committed is not known (terminated by SIGTERM). It stays noted in ")
    assert len(open_offers(world)) == 1


def test_the_help_names_the_signals_exit_codes():
    result = CliRunner().invoke(main, ["finance", "quote", "--help"])
    assert "143  SIGTERM (129: SIGHUP), which ends it as Ctrl-C does, saying the" in result.output


def test_sigterm_while_the_result_is_printed_says_the_offer_stands_and_exits_143(world, monkeypatch):
    """The offer committed and checked against the limit: a stop while its line is written (a terminal or pipe slow
    to take it) says that the offer stands, where it said only "terminated by SIGTERM", the offer unnamed."""
    echo = click.echo

    def terminated_on_the_result(message=None, *args, **kwargs):
        if isinstance(message, str) and message.startswith("offered "):
            terminated_here()
        return echo(message, *args, **kwargs)

    monkeypatch.setattr(click, "echo", terminated_on_the_result)
    code, line = quoted(world)
    [offer] = open_offers(world)
    assert code == 143, line
    assert line.startswith(f"Error: terminated by SIGTERM while the quote printed its result: offered "
                           f"{offer.offer_id} on {world.financing} (terms hash "), line
    assert line.endswith(f", expires {offer.expires_on}): the offer stands"), line
