"""An artefact is scored only with the model card training wrote for it: a card beside it whose title names
the artefact's model and version, whose digest is the artefact's sha256 and whose features table lists the
features the artefact was trained on (those the scorer computes), in that order. Without one, or with a card
of another model, it is refused, naming what differs and saying what to do."""
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from cli.finance_commands import finance
from cli.risk_commands import risk
from client.risk import DEFAULT_MODEL, MODEL_FEATURES, LatePaymentModel
from client.risk.model import VERSION, ArtefactDamaged, CardMismatch, card_path, check_card, read_card
from client.user_files import SpecialFile

from ..cli_errors import error_line, invoke
from .risk_helpers import write_card

RETRAIN = "re-train it with `recfin risk train --out FOLDER` (or `--replace` to write over the shipped model)"
SCORE = ["score", "SYN-DEBTOR-0007", "--synthetic-seed", "1", "--synthetic-debtors", "20"]
SAMPLE_HISTORY = Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json"
MODEL = f"late_payment-{VERSION}"
# what every refusal for want of the right card ends with
PUT_THE_CARD = "put the card training wrote with this artefact at {card}, or " + RETRAIN


def refused_alike(artefact: Path, expected: str) -> None:
    """``LatePaymentModel.load``, `risk score --model` and `finance quote --model` refuse ``artefact`` with
    ``expected``, the whole message."""
    with pytest.raises(CardMismatch) as refused:
        LatePaymentModel.load(artefact)
    assert str(refused.value) == expected
    scored = invoke(risk, *SCORE, "--model", artefact)
    assert scored.exit_code == 1 and error_line(scored) == f"Error: {expected}"
    quoted = invoke(finance, "quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2026-09-25",
                    "--on", "2025-12-30", "--history", SAMPLE_HISTORY, "--debtor", "SYN-DEBTOR-0007",
                    "--model", artefact)
    assert quoted.exit_code == 1 and error_line(quoted) == f"Error: {expected}"


@pytest.fixture
def artefact(tmp_path):
    """A copy of the shipped artefact, alone in a folder of its own."""
    copied = tmp_path / DEFAULT_MODEL.name
    shutil.copyfile(DEFAULT_MODEL, copied)
    return copied


def test_the_shipped_card_describes_the_shipped_artefact():
    model = LatePaymentModel.load(DEFAULT_MODEL)
    check_card(model, DEFAULT_MODEL, read_card(DEFAULT_MODEL))   # refuses nothing
    card = card_path(DEFAULT_MODEL).read_text()
    assert card.startswith(f"# Model card: {MODEL}\n")
    assert re.findall(r"^\| `([^`]+)` \|", card, re.MULTILINE) == list(MODEL_FEATURES)


def test_an_artefact_without_its_card_is_refused(artefact):
    card = card_path(artefact)
    refused_alike(artefact, f"{artefact} has no model card: no file {card}, where training writes the "
                            f"card that describes the artefact (its features, data, metrics and limits) and "
                            f"records its sha256, which loading checks: {PUT_THE_CARD.format(card=card)}")
    shutil.copyfile(card_path(DEFAULT_MODEL), card)   # the card passed beside it: scored
    assert LatePaymentModel.load(artefact) == LatePaymentModel.load(DEFAULT_MODEL)
    assert invoke(risk, *SCORE, "--model", artefact).exit_code == 0


def test_an_artefact_not_named_as_training_names_it_has_no_card_and_is_refused(tmp_path):
    artefact = tmp_path / "late_payment.model"
    shutil.copyfile(DEFAULT_MODEL, artefact)
    shutil.copyfile(card_path(DEFAULT_MODEL), tmp_path / "late_payment.card.md")
    refused_alike(artefact, f"{artefact} is not named NAME.json, so it has no model card beside it "
                            f"(training writes {MODEL}.json and its card {MODEL}.card.md): give the artefact "
                            f"training wrote, its card beside it, or {RETRAIN}")


def test_a_card_naming_another_model_version_is_refused(artefact):
    card = write_card(artefact, model="late_payment-v6")   # of the artefact's sha256: only the title differs
    refused_alike(artefact, f"{card} is the card of late_payment-v6, and {artefact} is {MODEL}: "
                            f"{PUT_THE_CARD.format(card=card)}")


def test_a_card_without_its_title_is_refused(artefact):
    card = write_card(artefact)
    card.write_text("\n".join(card.read_text().splitlines()[1:]) + "\n")
    refused_alike(artefact, f"{card}, the card of {artefact}, does not begin with its title '# Model card: "
                            f"NAME-VERSION' naming the model it describes: {PUT_THE_CARD.format(card=card)}")


FEATURES = list(MODEL_FEATURES)


@pytest.mark.parametrize("listed,differ", [
    (FEATURES[1:] + FEATURES[:1], "in another order (feature 1 is late_log_odds_90 on the card, "
                                  "late_log_odds_30 in the artefact)"),
    (FEATURES[:-1], f"the card leaves out {FEATURES[-1]}"),
    (FEATURES + ["financed_share"], "the card lists financed_share, which the model was not trained on"),
    (["late_rate_30"] + FEATURES[1:], "the card lists late_rate_30, which the model was not trained on; "
                                      "the card leaves out late_log_odds_30"),
    (FEATURES + FEATURES[:1], "the card lists late_log_odds_30 more than once"),
    ([], "the card leaves out " + ", ".join(FEATURES)),
], ids=["reordered", "one left out", "one more", "one renamed", "one twice", "none"])
def test_a_card_listing_other_features_is_refused_naming_the_difference(artefact, listed, differ):
    card = write_card(artefact, features=listed)
    refused_alike(artefact, f"{card} lists the features {', '.join(listed) or '(none)'}, and {artefact} is "
                            f"trained on {', '.join(FEATURES)}, the features this code computes: {differ}: "
                            f"the card describes another model: {PUT_THE_CARD.format(card=card)}")


def test_the_card_of_another_training_is_named_as_a_possible_cause(artefact):
    """Another run of the same version (another seed): its card's digest is not this artefact's."""
    data = json.loads(artefact.read_text())
    data["intercept"] -= 0.5
    other = artefact.with_name("other.json")
    other.write_text(json.dumps(data))
    shutil.copyfile(write_card(other), card_path(artefact))
    with pytest.raises(ValueError, match=f"^{re.escape(str(artefact))} has sha256 [0-9a-f]{{64}}, not "
                                         f"the [0-9a-f]{{64}} its card .* records: the card is another "
                                         f"artefact's, or the artefact is damaged"):
        LatePaymentModel.load(artefact)


def test_a_hand_changed_artefact_with_a_card_describing_it_scores(artefact):
    data = json.loads(artefact.read_text())
    data["intercept"] += 3
    artefact.write_text(json.dumps(data))
    write_card(artefact)
    assert LatePaymentModel.load(artefact).intercept == pytest.approx(data["intercept"])
    assert invoke(risk, *SCORE, "--model", artefact, "--json").exit_code == 0


def test_loading_refuses_a_device_named_as_the_artefact_without_reading_it():
    """A path anyone may pass: /dev/zero would be read until memory ran out (/dev/null was read as empty)."""
    with pytest.raises(SpecialFile, match=f"^{re.escape(os.devnull)} is a device$"):
        LatePaymentModel.load(Path(os.devnull))


def test_a_fifo_where_the_card_goes_is_refused_naming_it(artefact):
    """Not read (it would wait for a writer forever), and not taken for a missing card either."""
    card = card_path(artefact)
    os.mkfifo(card)
    with pytest.raises(ArtefactDamaged, match=f"^{re.escape(str(card))}, the card of "
                                              f"{re.escape(str(artefact))}, cannot be read .*is a FIFO.*: "
                                              f"restore the card training wrote"):
        LatePaymentModel.load(artefact)
    scored = invoke(risk, *SCORE, "--model", artefact)
    assert scored.exit_code == 1 and f"{card} is a FIFO" in error_line(scored)
