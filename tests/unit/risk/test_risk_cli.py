"""`recfin risk ...` through click, without the network."""
import json
from datetime import date

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import LedgerEvent, ReceivableHistory
from client.risk.model import DEFAULT_MODEL, VERSION
from client.risk.simulator import SimulationConfig, simulate


def test_score_from_a_history_file_as_json_and_table(tmp_path):
    history = simulate(SimulationConfig(debtors=3, seed=2))[1]
    path = tmp_path / "history.json"
    path.write_text(history.model_dump_json())
    runner = CliRunner()
    result = runner.invoke(risk, ["score", history.debtor, "--history", str(path), "--as-of", "2025-03-31", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["debtor"] == history.debtor and data["as_of"] == "2025-03-31" and data["synthetic"] is True
    assert 0 <= float(data["probability_late"]) <= 1 and data["grade"] in "ABCDE"
    table = runner.invoke(risk, ["score", history.debtor, "--history", str(path), "--as-of", "2025-03-31"])
    assert table.exit_code == 0 and "SYNTHETIC" in table.output and "probability_late" in table.output
    # amounts as yuan, as every command shows them; a file's history names no currency, so none is shown
    features = data["features"]
    assert (f"confirmed: {features['confirmed_count']} ({features['confirmed_amount'] // 100:,}."
            f"{features['confirmed_amount'] % 100:02d})") in table.output
    assert " fen" not in table.output


def test_score_without_a_network_says_what_works_without_one(tmp_path):
    result = CliRunner().invoke(risk, ["score", "91310000MA1K000019", "--data-root", str(tmp_path)])
    assert result.exit_code == 1
    assert "no connection profile for org 'regulator'" in result.output and "--history FILE" in result.output


def test_score_refuses_a_history_of_someone_else(tmp_path):
    history = simulate(SimulationConfig(debtors=1, seed=2))[0]
    path = tmp_path / "h.json"
    path.write_text(history.model_dump_json())
    result = CliRunner().invoke(risk, ["score", "SOMEONE-ELSE", "--history", str(path)])
    assert result.exit_code == 2 and "not SOMEONE-ELSE" in result.output


STAGES = ("simulating the histories of 40 SYNTHETIC debtors (seed 3)",
          "building features: 28 training and 12 held-out debtors at 7 as-of dates",
          "fitting the logistic regression on ", "evaluating on ",
          "resampling the 12 held-out debtors 200 times for the interval of the lift over the baseline",
          "timing the scorer on 12 held-out debtors")


def stage_lines(text: str, *stages: str) -> list[int]:
    """The line number of each stage's line in ``text``, in the order the stages are given."""
    lines = text.splitlines()
    return [next(i for i, line in enumerate(lines) if line.startswith(stage)) for stage in stages]


def test_evaluate_prints_figures_and_writes_the_plot(tmp_path):
    png = tmp_path / "eval.png"
    result = CliRunner().invoke(risk, ["evaluate", "--seed", "3", "--debtors", "40", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    for word in ("SYNTHETIC", "AUC", "BRIER", "baseline", "calibration", "per debtor"):
        assert word in result.output
    assert png.read_bytes()[:4] == b"\x89PNG"
    # each stage of the seconds-long run is said as it begins, in order, before the figures
    said = stage_lines(result.stdout, *STAGES, f"plotting the calibration curve and the score distribution to {png}",
                       "calibration (held out):")
    assert said == sorted(said)


def test_train_says_each_stage_on_stderr_beside_json_and_writes_artefact_and_card(tmp_path, monkeypatch):
    from sklearn.dummy import DummyClassifier

    from client.risk import training

    # the compared model's fitting takes most of a minute; a prior-only classifier stands in for it here
    monkeypatch.setattr(training, "fit_gradient_boosting",
                        lambda train, seed: DummyClassifier(strategy="prior").fit(train.inputs, train.labels))
    result = CliRunner().invoke(risk, ["train", "--seed", "3", "--debtors", "40", "--out", str(tmp_path), "--compare",
                                       "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)   # stdout is the JSON document alone
    assert data["gradient_boosting"] is not None and data["data"].startswith("SYNTHETIC")
    card, artefact = tmp_path / f"late_payment-{VERSION}.card.md", tmp_path / f"late_payment-{VERSION}.json"
    said = stage_lines(result.stderr, *STAGES[:4], "fitting and calibrating a gradient-boosted model", *STAGES[4:],
                       f"writing {card} and {artefact}")
    assert said == sorted(said) and len(result.stderr.splitlines()) == len(said)
    # and what it said it wrote is there
    assert artefact.exists() and "SYNTHETIC" in card.read_text()


def test_score_a_synthetic_debtor_says_synthetic():
    result = CliRunner().invoke(risk, ["score", "SYN-DEBTOR-0001", "--synthetic-seed", "5", "--synthetic-debtors", "3"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output and "grade" in result.output
    missing = CliRunner().invoke(risk, ["score", "SYN-DEBTOR-0009", "--synthetic-seed", "5",
                                        "--synthetic-debtors", "3"])
    assert missing.exit_code == 2 and "no synthetic debtor" in missing.output


def test_a_history_file_is_scored_as_of_its_last_event_unless_told(tmp_path):
    """A file is a snapshot: scored as of today, every claim open in it and due since would look overdue."""
    history = simulate(SimulationConfig(debtors=3, seed=2))[1].as_of(date(2025, 3, 31))
    last = max(e.event_date for e in history.events)
    path = tmp_path / "history.json"
    path.write_text(history.model_dump_json())
    runner = CliRunner()
    default = runner.invoke(risk, ["score", history.debtor, "--history", str(path), "--json"])
    assert default.exit_code == 0, default.output
    assert json.loads(default.stdout)["as_of"] == last.isoformat()
    assert f"note: scored as of {last}, the date of the last event in {path}" in default.stderr
    earlier = runner.invoke(risk, ["score", history.debtor, "--history", str(path), "--as-of", "2025-02-28", "--json"])
    assert json.loads(earlier.stdout)["as_of"] == "2025-02-28" and "note: scored as of" not in earlier.stderr
    later = runner.invoke(risk, ["score", history.debtor, "--history", str(path), "--as-of", "2025-06-30", "--json"])
    assert later.exit_code == 0, later.output
    assert json.loads(later.stdout)["as_of"] == last.isoformat()
    assert f"note: scored as of {last}, the date of the last event in {path}, not 2025-06-30" in later.stderr


def test_a_synthetic_debtor_is_scored_no_later_than_the_simulations_last_day():
    """After the simulation ends nothing is paid, so a later day would call every open claim overdue."""
    args = ["score", "SYN-DEBTOR-0001", "--synthetic-seed", "5", "--synthetic-debtors", "3", "--json"]
    last = json.loads(CliRunner().invoke(risk, args).stdout)["as_of"]
    later = CliRunner().invoke(risk, [*args, "--as-of", "2999-12-31"])
    assert later.exit_code == 0, later.output
    assert json.loads(later.stdout)["as_of"] == last
    assert f"note: scored as of {last}, the simulation's last day, not 2999-12-31" in later.stderr


def test_a_debtor_with_nothing_fallen_due_yet_is_scored_with_a_note(tmp_path):
    """Confirmed claims none of which is settled or overdue give every late share 0 of 0: the grade rests on no
    payment, as for a debtor with no claim at all, and the command says so."""
    due = date(2025, 3, 1)

    def event(rid, kind, on, **more):
        return LedgerEvent(receivable_id=rid, debtor="D", holder="H", face_amount=100, kind=kind, event_date=on,
                           due_date=due, **more)

    confirmed = [event(f"R{n}", "confirmed", date(2025, 1, n)) for n in (1, 2)]
    later = [event("R9", "registered", date(2025, 6, 29)), event("R9", "rejected", date(2025, 6, 30))]
    settled = event("R1", "settled", date(2025, 2, 20), settled_date=date(2025, 2, 20))
    path = tmp_path / "history.json"

    def notes(events, as_of):
        path.write_text(ReceivableHistory(debtor="D", events=events + later).model_dump_json())
        result = CliRunner().invoke(risk, ["score", "D", "--history", str(path), "--as-of", as_of, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["grade"], [line for line in result.stderr.splitlines()
                                                    if "is the model's view" in line]

    grade, said = notes(confirmed[:1], "2025-01-20")
    assert said == [f"note: D has 1 confirmed receivable on record by 2025-01-20, not yet settled or overdue: grade "
                    f"{grade} is the model's view of a debtor whose payments are not yet known, not of its payments"]
    _, said = notes(confirmed, "2025-03-01")   # due today, unpaid: it may still be paid today
    assert len(said) == 1 and "has 2 confirmed receivables on record by 2025-03-01, none yet settled or overdue" \
        in said[0]
    assert notes(confirmed + [settled], "2025-02-20")[1] == []   # one paid: a payment to go by
    # due on a Saturday: payable on time until Monday the 3rd, overdue from the 4th
    assert len(notes(confirmed, "2025-03-03")[1]) == 1
    assert notes(confirmed, "2025-03-04")[1] == []               # both overdue


def test_train_keeps_a_model_of_its_version_unless_told_to_replace_it(tmp_path, monkeypatch):
    """A trial run with another seed wrote over the shipped model every `risk score` and `finance quote` uses by
    default; it now refuses before any work, and --replace writes over it."""
    from client.risk import model as model_module
    from client.risk import training
    shipped = tmp_path / model_module.DEFAULT_MODEL.name
    shipped.write_text("the model in use")
    monkeypatch.setattr(model_module, "MODELS_DIR", tmp_path)
    ran = []
    monkeypatch.setattr(training, "run", lambda *args, **kwargs: ran.append(args) or (_ for _ in ()).throw(
        RuntimeError("trained")))
    refused = CliRunner().invoke(risk, ["train", "--seed", "1", "--debtors", "20"])
    assert refused.exit_code == 2, refused.output
    assert (f"{shipped} exists, the model `risk score` and `finance quote` use by default: give --out FOLDER for "
            f"another one, or --replace to write over it") in refused.output
    assert ran == [] and shipped.read_text() == "the model in use"
    elsewhere = CliRunner().invoke(risk, ["train", "--seed", "1", "--debtors", "20", "--out", str(tmp_path)])
    assert elsewhere.exit_code == 2 and "--replace to write over it" in elsewhere.output
    assert "use by default" not in elsewhere.output and ran == []
    replaced = CliRunner().invoke(risk, ["train", "--seed", "1", "--debtors", "20", "--replace"])
    assert isinstance(replaced.exception, RuntimeError) and len(ran) == 1       # it went on to train


# a --model given that is not there: a usage error naming the option
MODEL_REFUSED = "Error: Invalid value for '--model':"


def test_a_missing_model_at_another_path_is_told_how_to_train_one_there(tmp_path):
    """A bare `risk train` writes the shipped model's place, not a --model path elsewhere."""
    args = ["score", "SYN-DEBTOR-0001", "--synthetic-seed", "5", "--synthetic-debtors", "3"]
    folder = tmp_path / "models"
    other = CliRunner().invoke(risk, [*args, "--model", str(folder / "mine.json")])
    written = folder / f"late_payment-{VERSION}.json"
    assert other.exit_code == 2 and other.output.strip().splitlines()[-1] == (
        f"{MODEL_REFUSED} no model at {folder / 'mine.json'}: check the path, or train one there with "
        f"`recfin risk train --out {folder}`, which writes {written}: pass that to --model")
    named = CliRunner().invoke(risk, [*args, "--model", str(written)])
    assert named.exit_code == 2 and named.output.strip().splitlines()[-1] == (
        f"{MODEL_REFUSED} no model at {written}: check the path, or train one there with "
        f"`recfin risk train --out {folder}`")


def test_a_missing_model_beside_the_current_one_is_told_to_use_that(tmp_path):
    """`risk train --out` refuses to write over the current model (and --replace would lose it): a wrong name in
    its folder, or the shipped model's old name, is pointed at the file that is there."""
    args = ["score", "SYN-DEBTOR-0001", "--synthetic-seed", "5", "--synthetic-debtors", "3"]
    old_shipped = DEFAULT_MODEL.parent / "late_payment-v5.json"
    result = CliRunner().invoke(risk, [*args, "--model", str(old_shipped)])
    assert result.exit_code == 2 and result.output.strip().splitlines()[-1] == (
        f"{MODEL_REFUSED} no model at {old_shipped}: {DEFAULT_MODEL} is the current model there: pass that "
        f"to --model")
    current = tmp_path / f"late_payment-{VERSION}.json"
    current.write_text("a model trained here")
    typo = CliRunner().invoke(risk, [*args, "--model", str(tmp_path / "mine.json")])
    assert typo.exit_code == 2 and typo.output.strip().splitlines()[-1] == (
        f"{MODEL_REFUSED} no model at {tmp_path / 'mine.json'}: {current} is the current model there: pass "
        f"that to --model")
    assert "risk train" not in typo.output


def test_a_simulator_size_without_a_simulation_is_refused(tmp_path):
    # taken silently, the score would come from the ledger or the file while the caller meant a simulated debtor
    history = simulate(SimulationConfig(debtors=1, seed=2))[0]
    path = tmp_path / "h.json"
    path.write_text(history.model_dump_json())
    result = CliRunner().invoke(risk, ["score", history.debtor, "--history", str(path), "--synthetic-debtors", "50"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: --synthetic-debtors sizes the simulator of --synthetic-seed: "
                                              "give --synthetic-seed too, or leave --synthetic-debtors out")


def test_the_cards_retrain_command_trains_the_same_model_in_its_own_folder(tmp_path, monkeypatch):
    """A model trained with another seed and size into a folder of its own: its card's Re-train command named
    neither, and with `--replace` and no `--out` it would have written a model of the default seed over the one
    `risk score` and `finance quote` use by default. Run as the card writes it, it trains this model again, there."""
    import re
    import shlex

    from client.risk import model as model_module
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    monkeypatch.setattr(model_module, "MODELS_DIR", shipped)   # never the shipped models
    folder = tmp_path / "trial run"
    trained = CliRunner().invoke(risk, ["train", "--seed", "5", "--debtors", "20", "--out", str(folder)])
    assert trained.exit_code == 0, trained.output
    artefact = folder / DEFAULT_MODEL.name
    first = json.loads(artefact.read_text())
    card = artefact.with_name(artefact.name.removesuffix(".json") + ".card.md").read_text()
    line = re.search(r"^Re-train: `recfin risk train ([^`]*)` \(seed 5, 20 debtors\)\.$", card, re.MULTILINE)
    assert line, card.splitlines()[-1]
    assert shlex.split(line.group(1)) == ["--seed", "5", "--debtors", "20", "--out", str(folder.absolute()),
                                          "--replace"]
    again = CliRunner().invoke(risk, ["train", *shlex.split(line.group(1))])
    assert again.exit_code == 0, again.output
    assert list(shipped.iterdir()) == []
    second = json.loads(artefact.read_text())
    assert (second["coef"], second["intercept"], second["training"]["seed"]) == \
        (first["coef"], first["intercept"], 5)
