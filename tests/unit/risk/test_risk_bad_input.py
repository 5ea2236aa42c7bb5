"""Bad input an operator may hand `recfin risk ...`: one line saying what is wrong, never a traceback, no partial
files."""
import errno
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from cli.risk_commands import risk
from client.risk import LedgerEvent, ReceivableHistory
from client.risk import model as model_module
from client.risk import training
from client.risk.model import VERSION
from client.risk.simulator import SimulationConfig, simulate

from ..cli_errors import error_line, invoke as run_command

EVENT = {"receivable_id": "R1", "debtor": "D1", "holder": "S1", "face_amount": 100_000, "kind": "registered",
         "event_date": "2025-01-02", "due_date": "2025-04-02"}


def invoke(*args):
    return run_command(risk, *args)


@pytest.mark.parametrize("face", [100_000.0, "100000", True, 10**17 + 1])
def test_a_face_amount_must_be_integer_fen_under_the_cap(face):
    with pytest.raises(ValidationError, match="face_amount"):
        LedgerEvent.model_validate({**EVENT, "face_amount": face})


def test_a_float_face_amount_in_a_history_file_says_to_write_fen(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps([{**EVENT, "face_amount": 1000.0}]))
    r = invoke("score", "D1", "--history", path)
    assert r.exit_code == 2 and "events.0.face_amount" in error_line(r) and "whole fen" in error_line(r)


@pytest.mark.parametrize("content,expected", [
    (b"", "is empty"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ('{"debtor": "债务人", "events": []}'.encode("gbk"), "not UTF-8 text"),
    (b'{"debtor": ', "is not JSON"),
])
def test_unreadable_history_files_are_one_line(tmp_path, content, expected):
    path = tmp_path / "h.json"
    path.write_bytes(content)
    r = invoke("score", "D1", "--history", path)
    assert r.exit_code == 2 and expected in error_line(r)
    assert error_line(r).startswith(f"Error: Invalid value for '--history': {path}")


@pytest.mark.parametrize("content", ['"a history"', "42", "null"])
def test_a_history_file_of_the_wrong_shape_says_what_shape_to_give(tmp_path, content):
    path = tmp_path / "h.json"
    path.write_text(content)
    r = invoke("score", "D1", "--history", path)
    line = error_line(r)
    assert r.exit_code == 2 and f"{path}: Input should be" in line and ": :" not in line
    assert "or a list of events" in line


@pytest.mark.parametrize("content", ['{"debtor": "D1", "events": 5}', '{"debtor": "D1", "events": {}}'])
def test_a_history_whose_events_are_no_list_says_what_shape_to_give(tmp_path, content):
    path = tmp_path / "h.json"
    path.write_text(content)
    r = invoke("score", "D1", "--history", path)
    assert r.exit_code == 2 and "events: Input should be a valid list" in error_line(r)
    assert "or a list of events" in error_line(r)


def test_a_refusal_of_a_well_shaped_history_as_a_whole_gives_its_own_advice_not_the_files_shape(tmp_path):
    # claims A and B each split from the other: refused about the whole history (no field), which told to give
    # a ReceivableHistory object or a list of events, what the file already is
    path = tmp_path / "h.json"
    path.write_text(json.dumps([{**EVENT, "receivable_id": "A", "parent_id": "B"},
                                {**EVENT, "receivable_id": "B", "parent_id": "A"}]))
    r = invoke("score", "D1", "--history", path)
    line = error_line(r)
    assert r.exit_code == 2 and line.startswith(f"Error: Invalid value for '--history': {path}: parent_id: ")
    assert line.endswith("correct the parent_id of one of them"), line
    assert "ReceivableHistory object" not in line and "list of events" not in line


def test_a_date_in_another_format_says_how_to_write_it(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps([{**EVENT, "event_date": "02/01/2025"}]))
    r = invoke("score", "D1", "--history", path)
    assert "events.0.event_date" in error_line(r) and "YYYY-MM-DD" in error_line(r)


def test_a_debtor_with_no_record_is_scored_with_a_note_on_stderr(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"debtor": "D1", "events": []}))
    r = invoke("score", "D1", "--history", path, "--as-of", "2025-06-01", "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["debtor"] == "D1"
    assert "no confirmed receivable on record by 2025-06-01" in r.stderr
    assert f"note: {path} holds no event of D1: it is scored as a debtor with no record" in r.stderr


def test_an_empty_list_is_no_history_of_the_debtor_and_is_refused(tmp_path):
    """It names no debtor and holds no event: an empty export or the wrong file, not a debtor known to have none."""
    path = tmp_path / "h.json"
    path.write_text("[]")
    r = invoke("score", "D1", "--history", path, "--json")
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r).endswith(f"{path} holds no event and names no debtor: nothing in it is the history of D1; "
                                  'give the file of its events, or, to score it as a debtor with no record, write '
                                  '{"debtor": "D1", "events": []}')


def test_the_file_suggested_for_an_empty_list_keeps_a_line_separator_of_the_debtor_escaped(tmp_path):
    """A debtor id holding a line separator is escaped in the suggested file too: raw, it split the error line."""
    path = tmp_path / "h.json"
    path.write_text("[]")
    r = invoke("score", "D\u2028X", "--history", path)
    assert r.exit_code == 2 and "\u2028" not in r.stderr
    assert error_line(r).endswith('write {"debtor": "D\\u2028X", "events": []}')


def test_a_model_that_is_not_an_artefact_names_the_field(tmp_path):
    history = tmp_path / "h.json"
    history.write_text(json.dumps({"debtor": "D1", "events": []}))
    model = tmp_path / "m.json"
    model.write_text(json.dumps({"format": "recfin.late-payment.logistic/1", "version": VERSION}))
    r = invoke("score", "D1", "--history", history, "--model", model)
    assert r.exit_code == 2 and "not a usable model artefact: features: Field required" in error_line(r)


def test_a_model_that_does_not_say_its_version_is_not_scored_as_the_current_one(tmp_path):
    from client.risk import DEFAULT_MODEL
    history = tmp_path / "h.json"
    history.write_text(json.dumps([EVENT]))
    data = json.loads(DEFAULT_MODEL.read_text())
    del data["version"]   # as an artefact from before the version was recorded
    model = tmp_path / "old.json"
    model.write_text(json.dumps(data))
    r = invoke("score", "D1", "--history", history, "--as-of", "2025-06-01", "--model", model, "--json")
    assert r.exit_code == 2 and r.stdout == ""
    assert f"{model} is not a usable model artefact: version: missing" in error_line(r)
    assert ("re-train it with `recfin risk train --out FOLDER` (or `--replace` to write over the shipped model)"
            in error_line(r))
    model.write_text("")
    assert "is empty" in error_line(invoke("score", "D1", "--history", history, "--model", model))


@pytest.mark.parametrize("args", [
    ("score", "SYN-DEBTOR-0000", "--synthetic-seed", "1", "--synthetic-debtors", "0"),
    ("score", "SYN-DEBTOR-0000", "--synthetic-seed", "-1"),
    ("evaluate", "--seed", "-1"),
    ("evaluate", "--debtors", "100000000000"),
    ("train", "--seed", str(2**32)),
])
def test_seeds_and_sizes_out_of_range_are_usage_errors(args):
    r = invoke(*args)
    assert r.exit_code == 2 and "is not in the range" in r.output


@pytest.mark.parametrize("name,expected", [("nodir/x.png", "no folder"), ("out.txt", "does not end in .png")])
def test_a_plot_that_cannot_be_written_is_refused_before_evaluating(tmp_path, monkeypatch, name, expected):
    monkeypatch.setattr(training, "run", lambda *a, **k: pytest.fail("evaluated before checking --plot"))
    r = invoke("evaluate", "--plot", tmp_path / name)
    # the option in quotes, as click names every other option in its usage errors
    assert r.exit_code == 2 and error_line(r).startswith("Error: Invalid value for '--plot': ")
    assert expected in error_line(r)


def test_an_out_folder_that_cannot_be_made_is_refused_before_training(tmp_path, monkeypatch):
    monkeypatch.setattr(training, "run", lambda *a, **k: pytest.fail("trained before making --out"))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = invoke("train", "--out", blocker / "models")
    assert r.exit_code == 1 and "cannot write the model to" in error_line(r) and "--out" in error_line(r)


def test_a_failed_write_leaves_no_partial_artefact(tmp_path, monkeypatch, small_fit):
    model, report = small_fit
    monkeypatch.setattr(training, "run", lambda *a, **k: (model, report))

    def broken_card(*_):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(training, "model_card", broken_card)
    with pytest.raises(OSError):
        training.train_and_save(5, 20, tmp_path, compare=False)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def trained_once(monkeypatch, small_fit):
    """Training answers at once with one small fit (the files written are what these tests are about)."""
    model, report = small_fit
    monkeypatch.setattr(training, "run", lambda *a, **k: (model, report))
    return model


def test_a_card_that_cannot_be_written_leaves_the_old_artefact_in_place(tmp_path, trained_once):
    old_artefact = tmp_path / f"late_payment-{VERSION}.json"
    old_artefact.write_text("the previous model\n")
    card = tmp_path / f"late_payment-{VERSION}.card.md"
    card.mkdir()   # a folder where the card should go: its rename fails once both files are written
    with pytest.raises(OSError) as raised:
        training.train_and_save(5, 20, tmp_path, compare=False)
    assert raised.value.filename == str(card)   # the file asked for, not the temporary one
    assert old_artefact.read_text() == "the previous model\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [card.name, old_artefact.name]   # no temporary left


def test_train_names_the_card_it_could_not_write(tmp_path, trained_once):
    card = tmp_path / f"late_payment-{VERSION}.card.md"
    card.mkdir()
    r = invoke("train", "--out", tmp_path)
    assert r.exit_code == 2 and f"cannot write the model to {card}: it is a folder, not a file" in error_line(r)
    assert ".tmp" not in error_line(r) and not (tmp_path / f"late_payment-{VERSION}.json").exists()


def _disk_full_writing(monkeypatch, name):
    """Writing the temporary file of ``name`` fails as a full disk fails a write: with no file named."""
    write_text = Path.write_text

    def write(self, *args, **kwargs):
        if self.name.startswith(f".{name}."):
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_text(self, *args, **kwargs)
    monkeypatch.setattr(Path, "write_text", write)


def test_a_failed_write_names_the_file_it_was_writing(tmp_path, trained_once, monkeypatch):
    artefact = tmp_path / f"late_payment-{VERSION}.json"
    _disk_full_writing(monkeypatch, artefact.name)
    with pytest.raises(OSError) as raised:
        training.train_and_save(5, 20, tmp_path, compare=False)
    assert (raised.value.errno, raised.value.filename) == (errno.ENOSPC, str(artefact))
    assert list(tmp_path.iterdir()) == []   # neither file, and no temporary one


def test_train_without_out_names_the_models_folder_for_a_failure_that_names_no_file(tmp_path, trained_once,
                                                                                     monkeypatch):
    monkeypatch.setattr(model_module, "MODELS_DIR", tmp_path)   # never the shipped models
    card = tmp_path / f"late_payment-{VERSION}.card.md"
    _disk_full_writing(monkeypatch, card.name)
    r = invoke("train")
    assert r.exit_code == 1 and f"cannot write the model to {card}: No space left on device" in error_line(r)

    def unnamed(*_):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(training, "model_card", unnamed)   # fails before any file is written
    r = invoke("train")
    assert r.exit_code == 1 and f"cannot write the model to {tmp_path}: No space left on device" in error_line(r)
    assert list(tmp_path.iterdir()) == []


def test_train_writes_both_files_whole(tmp_path):
    model, _, path = training.train_and_save(5, 20, tmp_path, compare=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"late_payment-{VERSION}.card.md",
                                                          f"late_payment-{VERSION}.json"]
    assert json.loads(path.read_text())["coef"] == model.coef


def test_history_model_still_reads_what_the_simulator_writes():
    history = simulate(SimulationConfig(debtors=1, seed=2))[0]
    assert ReceivableHistory.model_validate_json(history.model_dump_json()) == history


def test_a_model_file_with_nan_coefficients_is_refused_in_one_line(tmp_path):
    from client.risk import DEFAULT_MODEL
    history = tmp_path / "h.json"
    history.write_text(json.dumps([EVENT]))
    data = json.loads(DEFAULT_MODEL.read_text())
    data["coef"][0] = float("nan")
    model = tmp_path / "model.json"
    model.write_text(json.dumps(data))   # written as NaN, which JSON readers take
    r = invoke("score", "D1", "--history", history, "--as-of", "2025-06-01", "--model", model)
    assert r.exit_code == 2 and "is not a usable model artefact: coef: nan is not a trained model's parameter" in \
        error_line(r)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_an_as_of_off_the_calendars_ends_is_a_usage_error(tmp_path, day):
    path = tmp_path / "h.json"
    path.write_text(json.dumps([EVENT]))
    r = invoke("score", "D1", "--history", path, "--as-of", day)
    assert r.exit_code == 2 and f"{day} is outside 1900-01-01 .. 2999-12-31" in error_line(r)


def test_a_history_whose_last_event_is_off_the_calendar_asks_for_as_of(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps([{**EVENT, "event_date": "9999-12-31", "due_date": "9999-12-31"}]))
    r = invoke("score", "D1", "--history", path)
    assert r.exit_code == 2 and "its last event is dated 9999-12-31" in error_line(r) and "--as-of" in error_line(r)
    assert invoke("score", "D1", "--history", path, "--as-of", "2025-06-01").exit_code == 0


def test_a_history_that_ends_before_the_calendar_is_not_told_to_pass_the_as_of_it_was_given(tmp_path):
    """--as-of is held to the last event, so a file ending in 1899 has no date to score as of."""
    path = tmp_path / "h.json"
    path.write_text(json.dumps([{**EVENT, "event_date": "1899-06-01", "due_date": "1899-09-01"}]))
    line = error_line(invoke("score", "D1", "--history", path, "--as-of", "2025-01-01"))
    assert "its last event is dated 1899-06-01" in line and "it records nothing a score could be as of" in line
    assert "pass --as-of" not in line
