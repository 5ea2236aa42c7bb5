"""The model card records the artefact's sha256; an artefact whose bytes no longer match, or whose card
records none, is refused when loaded, naming the file and saying to restore or re-train it."""
import hashlib
import json
import re
import shutil
from pathlib import Path

import click
import pytest

from cli.risk_commands import load_model, risk
from client import user_files
from client.risk import DEFAULT_MODEL, LatePaymentModel
from client.risk import training
from client.risk.model import DIGEST_LABEL, ArtefactDamaged, CardMismatch, card_path

from ..cli_errors import error_line, invoke

SHIPPED_CARD = DEFAULT_MODEL.with_name(DEFAULT_MODEL.name.replace(".json", ".card.md"))
RESTORE_OR_RETRAIN = re.compile(r"restore .* or re-train it with `recfin risk train --out FOLDER`")


def recorded_digest(card):
    return re.search(re.escape(DIGEST_LABEL) + r"`([0-9a-f]{64})`", card.read_text()).group(1)


def test_the_shipped_card_records_the_sha256_of_the_shipped_artefact():
    assert recorded_digest(SHIPPED_CARD) == hashlib.sha256(DEFAULT_MODEL.read_bytes()).hexdigest()
    assert card_path(DEFAULT_MODEL) == SHIPPED_CARD


@pytest.fixture
def copied(tmp_path):
    """The shipped artefact and its card, copied to a folder of their own."""
    artefact = tmp_path / DEFAULT_MODEL.name
    shutil.copyfile(DEFAULT_MODEL, artefact)
    shutil.copyfile(SHIPPED_CARD, card_path(artefact))
    return artefact


def _shipped_with_intercept_raised() -> str:
    data = json.loads(DEFAULT_MODEL.read_text())
    data["intercept"] += 3   # still a model, scoring every debtor e^3 times likelier to pay late, in odds
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],               # truncated: not JSON
    lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "metrics"}),   # still a model
    lambda _: _shipped_with_intercept_raised(),           # changed: a model, but not the one trained
    lambda text: text.replace("\n", "\r\n"),            # the same JSON, other bytes
    lambda _: "",                                       # emptied: a copy cut off at its first byte
])
def test_an_artefact_whose_bytes_are_not_those_its_card_records_is_refused(copied, damage):
    copied.write_text(damage(DEFAULT_MODEL.read_text()), newline="")
    with pytest.raises(ArtefactDamaged) as refused:
        LatePaymentModel.load(copied)
    message = str(refused.value)
    assert str(copied) in message and str(card_path(copied)) in message and "damaged" in message
    assert RESTORE_OR_RETRAIN.search(message)
    r = invoke(risk, "score", "SYN-DEBTOR-0007", "--synthetic-seed", "1", "--synthetic-debtors", "20",
               "--model", copied)
    assert r.exit_code == 1 and f"Error: {copied} has sha256 " in error_line(r)
    assert RESTORE_OR_RETRAIN.search(error_line(r))


def test_the_cli_scores_the_bytes_it_checked_when_the_artefact_is_replaced_meanwhile(copied, monkeypatch):
    """Each read of the artefact replaces it with a changed model: checked on one read and parsed from another, the
    changed model would be scored unchecked."""
    shipped = LatePaymentModel.load(DEFAULT_MODEL)
    reads = []

    def replaced_after(read):
        def reading(path, *args, **kwargs):
            content = read(path, *args, **kwargs)
            if Path(path) == copied:
                reads.append(content)
                copied.write_text(_shipped_with_intercept_raised())   # as another process replacing it would
            return content
        return reading

    monkeypatch.setattr(Path, "read_bytes", replaced_after(Path.read_bytes))
    monkeypatch.setattr(user_files, "read_regular_file", replaced_after(user_files.read_regular_file))
    assert load_model(copied, "--model") == shipped
    assert len(reads) == 1
    with pytest.raises(click.ClickException, match=f"^{re.escape(str(copied))} has sha256 "):
        load_model(copied, "--model")   # what the file holds now is refused, as it was never scored


def test_the_intact_copy_loads_and_scores(copied):
    assert LatePaymentModel.load(copied) == LatePaymentModel.load(DEFAULT_MODEL)
    r = invoke(risk, "score", "SYN-DEBTOR-0007", "--synthetic-seed", "1", "--synthetic-debtors", "20",
               "--model", copied, "--json")
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("line", [
    f"{DIGEST_LABEL}`{'0' * 63}`",                                  # a digit short
    f"{DIGEST_LABEL}{'0' * 64}",                                     # not in backticks
    f"{DIGEST_LABEL}`{hashlib.sha256(DEFAULT_MODEL.read_bytes()).hexdigest().upper()}`",   # not as training writes it
])
def test_a_card_whose_digest_line_is_damaged_is_refused(copied, line):
    card = card_path(copied)
    card.write_text(re.sub(re.escape(DIGEST_LABEL) + ".*", lambda _: line, card.read_text()))
    with pytest.raises(ArtefactDamaged, match=f"{re.escape(str(card))}, the card of .*does not record one sha256"):
        LatePaymentModel.load(copied)
    r = invoke(risk, "score", "SYN-DEBTOR-0007", "--synthetic-seed", "1", "--synthetic-debtors", "20",
               "--model", copied)
    assert r.exit_code == 1 and "does not record one sha256" in error_line(r)


def test_a_card_recording_two_digests_is_refused(copied):
    card = card_path(copied)
    card.write_text(card.read_text() + f"{DIGEST_LABEL}`{'0' * 64}`\n")
    with pytest.raises(ArtefactDamaged, match="does not record one sha256"):
        LatePaymentModel.load(copied)


@pytest.mark.parametrize("line", [
    " " + DIGEST_LABEL + "`{digest}`",                               # indented
    DIGEST_LABEL.replace("(sha256)", "(SHA-256)") + "`{digest}`",     # the label reworded
    DIGEST_LABEL.lower() + "`{digest}`",                              # re-cased
    DIGEST_LABEL + "`{digest}` (checked)",                            # words after it
    "Artifact digest: `{digest}`",                                    # another spelling
    "The artefact's SHA256 is `{digest}`",                            # in a sentence
], ids=["indented", "SHA-256", "lower case", "words after it", "artifact", "in a sentence"])
def test_a_card_whose_digest_line_is_mangled_is_refused_not_read_as_recording_none(copied, line):
    copied.write_text(_shipped_with_intercept_raised())
    card = card_path(copied)
    digest = recorded_digest(card)
    card.write_text(re.sub(re.escape(DIGEST_LABEL) + ".*", lambda _: line.format(digest=digest), card.read_text()))
    with pytest.raises(ArtefactDamaged, match=f"{re.escape(str(card))}, the card of .*does not record one sha256"):
        LatePaymentModel.load(copied)
    r = invoke(risk, "score", "SYN-DEBTOR-0007", "--synthetic-seed", "1", "--synthetic-debtors", "20",
               "--model", copied)
    assert r.exit_code == 1 and "does not record one sha256" in error_line(r)


def _without_digest_paragraph(card_text: str) -> str:
    return re.sub(re.escape(DIGEST_LABEL) + r".*\n(?:.+\n)*\n?", "", card_text)


@pytest.mark.parametrize("cut", [
    lambda text: text.splitlines(keepends=True)[0],                        # only its title left
    lambda text: "".join(text.splitlines(keepends=True)[-2:]),             # only its end (Re-train:) left
    lambda text: _without_digest_paragraph(text)[: len(text) // 2],        # cut short, the digest at its old end
    lambda _: "",                                                          # emptied
], ids=["title only", "Re-train line only", "cut short", "empty"])
def test_a_card_training_wrote_without_its_digest_line_is_refused_naming_the_card(copied, cut):
    copied.write_text(_shipped_with_intercept_raised())
    card = card_path(copied)
    card.write_text(cut(card.read_text()))
    with pytest.raises(ArtefactDamaged, match=f"^{re.escape(str(card))}, the card of {re.escape(str(copied))}, "
                                              r"records no sha256 of it .*: the card was cut short"):
        LatePaymentModel.load(copied)
    r = invoke(risk, "score", "SYN-DEBTOR-0007", "--synthetic-seed", "1", "--synthetic-debtors", "20",
               "--model", copied)
    assert r.exit_code == 1 and f"Error: {card}, the card of {copied}, records no sha256" in error_line(r)
    assert RESTORE_OR_RETRAIN.search(error_line(r))


@pytest.mark.parametrize("written", ["by hand", "before digests"])
def test_a_whole_card_without_a_digest_line_is_refused_as_naming_no_artefact(copied, written):
    """A card written by hand that speaks of no digest, or a whole card of an earlier release (its title and
    its Re-train line, no digest): neither says which artefact it describes, so the one beside it is not
    scored."""
    copied.write_text(_shipped_with_intercept_raised())
    card = card_path(copied)
    card.write_text("# Late payment, tried with a raised intercept\n\nWritten by hand to compare scores.\n"
                    if written == "by hand" else _without_digest_paragraph(card.read_text()))
    expected = (f"{card}, the card of {copied}, records no sha256 of it (the line '{DIGEST_LABEL}`<64 hex "
                f"digits>`' training writes under the card's title): it is not a card training writes now "
                f"(one written by hand, or by a release before cards recorded digests), so it does not say "
                f"which artefact it describes: put the card training wrote with this artefact at {card}, or "
                f"re-train it with `recfin risk train --out FOLDER` (or `--replace` to write over the "
                f"shipped model)")
    with pytest.raises(CardMismatch) as refused:
        LatePaymentModel.load(copied)
    assert str(refused.value) == expected
    r = invoke(risk, "score", "SYN-DEBTOR-0007", "--synthetic-seed", "1", "--synthetic-debtors", "20",
               "--model", copied)
    assert r.exit_code == 1 and error_line(r) == f"Error: {expected}"


def test_training_records_the_digest_of_the_artefact_it_writes(tmp_path, monkeypatch, small_fit):
    model, report = small_fit
    monkeypatch.setattr(training, "run", lambda *a, **k: (model, report))
    _, _, path = training.train_and_save(5, 20, tmp_path, compare=False)
    assert recorded_digest(card_path(path)) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert LatePaymentModel.load(path) == model
    # under the title, where a card cut short still holds it
    assert card_path(path).read_text().splitlines()[2].startswith(DIGEST_LABEL)
    path.write_text(path.read_text().replace('"intercept": ', '"intercept": 1'), newline="")
    with pytest.raises(ArtefactDamaged):
        LatePaymentModel.load(path)
