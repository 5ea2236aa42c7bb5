"""`recfin discount accept`'s question left unanswered (its input ended, or Ctrl-C) ends without a newline on
stderr: the Error line that follows starts a line of its own, with stderr a file or pipe as on a terminal."""
from __future__ import annotations

from tests.unit.cli_errors import CtrlCAtThePrompt

from . import test_cli_discount_accept_agreed as agreed

# the fixtures: a confirmed claim of supplier1's, the core enterprise's 5% offer on it, priced on the
# channel's day
offered = agreed.offered
on_the_channels_day = agreed.on_the_channels_day


def test_the_question_and_the_error_of_its_ended_input_are_on_separate_lines(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    answered = agreed._accept(offer_id, claim, typed=b"")   # Ctrl-D
    assert answered.exit_code == 1, answered.output
    question, error = answered.stderr.splitlines()[-2:]
    assert question == f"accept {offer_id} on {claim} on these terms? [y/N]: "
    assert error.startswith("Error: aborted: the prompt got no answer (its input ended): "), answered.stderr
    assert agreed._sent(channel) == []


def test_ctrl_c_at_the_question_says_interrupted_on_a_line_of_its_own(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    answered = agreed._accept(offer_id, claim, stdin=CtrlCAtThePrompt())
    assert answered.exit_code == 130, answered.output
    question = f"accept {offer_id} on {claim} on these terms? [y/N]: "
    assert answered.stderr.endswith(f"{question}\nError: interrupted\n")
    assert agreed._sent(channel) == []
