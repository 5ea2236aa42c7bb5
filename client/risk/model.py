"""The late-payment model as a portable artefact, and the scorer that loads it.

The artefact is a JSON document: the feature names in order, the
standardisation (mean and scale of each feature) and the logistic
regression's coefficients and intercept, plus how it was trained and how it
measured on held-out debtors. Scoring is a dot product and a sigmoid in plain
Python: the scorer needs neither scikit-learn nor pickle, and loading an
artefact can never execute code (joblib/pickle files can), so an artefact can
be shipped, reviewed in a diff and checked by hash.

Training writes a model card beside the artefact (:func:`card_path`): what the
model predicts, its features, data, metrics and limits, and the artefact's
sha256 (:func:`digest_line`). The scorer loads an artefact only with the card
training wrote for it: its bytes must have the sha256 the card records
(:func:`check_digest`, before they are read, so a truncated or altered artefact
is refused as damaged), and the card must describe it, naming its model and
version in its title and listing the features the artefact was trained on, in
its order (:func:`check_card`; the artefact itself must be of the format and
version this code reads, with the features this code computes). An artefact
with no card, or with a card written by hand, cut short, trained before cards
recorded digests or written for another artefact, is refused, naming what
differs. The check is of integrity, not of origin: whoever can write the
artefact can write a card for it, so load only artefacts from a source trusted
to give the scorer its model (being JSON, an artefact never runs code).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictFloat, StrictInt, model_validator

from ..atomic_file import write_atomically
from ..user_files import MAX_USER_FILE_BYTES, read_regular_file, too_large

from . import model_file
from .features import HORIZON_DAYS, MODEL_FEATURES, RISING_FEATURES, DebtorFeatures, debtor_features
from .history import ReceivableHistory

FORMAT = "recfin.late-payment.logistic/1"
VERSION = model_file.VERSION   # the features' version, kept with its history where the CLI reads it
# A trained model's parameters are a few units at most (a logistic regression on standardised inputs). Bounds far
# outside that keep every term of the log-odds finite, so a damaged artefact is refused when it is loaded instead
# of scoring NaN.
LARGEST_PARAMETER = 1e6
MODELS_DIR = model_file.MODELS_DIR
DEFAULT_MODEL = model_file.DEFAULT_MODEL
# what a refused artefact's message tells the user to do: a bare `recfin risk train` refuses too while the shipped
# model of this version is in place
RETRAIN = "re-train it with `recfin risk train --out FOLDER` (or `--replace` to write over the shipped model)"
# the card's line that records the artefact's sha256 (digest_line writes it, check_digest reads it)
DIGEST_LABEL = "Artefact digest (sha256): "
_DIGEST_LINE = re.compile(re.escape(DIGEST_LABEL) + r"`(?P<digest>[0-9a-f]{64})`")
# a line that speaks of the digest however it was mangled (indented, re-cased, its label reworded): it must be the
# digest line exactly, or the card is refused rather than read as recording no digest
_DIGEST_MENTION = re.compile(r"art[ei]fact\s+digest|sha-?256", re.IGNORECASE)
# the first line of every card training writes (model_card), naming the model it describes (NAME-VERSION)
CARD_TITLE = "# Model card: "
_CARD_TITLE_LINE = re.compile(re.escape(CARD_TITLE) + r"(?P<model>.+)")
# the first and the last line of every card training writes: a card with one and not the other, or an empty
# one, was cut short
_TRAINED_TITLE = re.compile(r"^" + re.escape(CARD_TITLE), re.MULTILINE)
_TRAINED_END = re.compile(r"^Re-train: `recfin risk train", re.MULTILINE)
# a row of the card's features table, "| `late_log_odds_30` | +0.160 |": the features in the artefact's order
_CARD_FEATURE = re.compile(r"^\| `(?P<feature>[^`]*)` \| [+-]\d+\.\d+ \|$", re.MULTILINE)
# what a refusal for want of the right card says to do
PUT_THE_CARD = "put the card training wrote with this artefact at {card}"


class ArtefactRefused(ValueError):
    """An artefact the scorer will not load: damaged, or not shown by its card to be the model trained."""


class ArtefactDamaged(ArtefactRefused):
    """An artefact whose bytes are not those its card records, or whose card's record of them is damaged."""


class CardMismatch(ArtefactRefused):
    """An artefact with no model card, or whose card describes another model."""


def card_path(artefact: Path) -> Path | None:
    """The model card training writes beside an artefact (``late_payment-v16.json``:
    ``late_payment-v16.card.md``); None for a file not named ``*.json``, which training never writes."""
    name = Path(artefact).name
    return Path(artefact).with_name(name.removesuffix(".json") + ".card.md") if name.endswith(".json") else None


def artefact_digest(content: bytes) -> str:
    """The sha256 of an artefact's bytes, in lower-case hex as the card records it."""
    return hashlib.sha256(content).hexdigest()


def digest_line(model: "LatePaymentModel") -> str:
    """The card's record of the artefact ``model.save`` writes: its sha256, what checks it."""
    return (f"{DIGEST_LABEL}`{artefact_digest(model.to_text().encode('utf-8'))}`\n"
            "(of the artefact as training wrote it: `recfin risk score` and `finance quote`\n"
            "refuse the artefact when its bytes no longer match)")


def read_file(path: Path) -> bytes:
    """The bytes of the artefact or card at ``path``, a path anyone may pass: a device or a FIFO is refused
    (:class:`~client.user_files.SpecialFile`, an OSError) before it is read, since /dev/zero would be read until
    memory ran out and a FIFO would wait for a writer forever, and so is a file too large to be either."""
    content = read_regular_file(path, MAX_USER_FILE_BYTES)
    if len(content) > MAX_USER_FILE_BYTES:
        raise ArtefactRefused(f"{path} is {too_large()}")
    return content


def read_card(artefact: Path) -> str | None:
    """The text of the model card beside ``artefact`` (:func:`card_path`), read once for both checks (a card
    replaced between two reads could be checked against one artefact and describe another); None when nothing
    is there (:func:`check_card` refuses the artefact then)."""
    card = card_path(artefact)
    if card is None or not os.path.exists(card):
        return None
    try:
        return read_file(card).decode("utf-8")
    except (OSError, UnicodeDecodeError, ArtefactRefused) as exc:
        raise ArtefactDamaged(f"{card}, the card of {artefact}, cannot be read to check the artefact "
                              f"against it ({exc}): restore the card training wrote beside it, or "
                              f"{RETRAIN}") from None


# the card's limit that gives the fewest claims any training example's debtor had fall due in the 365 days before
# its as-of date (client.risk.training.model_card writes it)
_FEWEST_FELL_DUE = re.compile(r"Every training example's debtor had at least (?P<fewest>\d+) claims fall due in "
                              r"the 365")


def fewest_fell_due_365(card_text: str | None) -> int | None:
    """The fewest claims that fell due in the 365 days before its as-of date of any debtor the model was trained on,
    as its card (``card_text``) gives it; None for a card that does not say. A debtor scored with fewer is scored
    from a record unlike any the model was fitted on."""
    found = _FEWEST_FELL_DUE.search(card_text or "")
    return int(found["fewest"]) if found else None


def check_digest(artefact: Path, content: bytes, card_text: str | None) -> None:
    """Refuse ``content``, read from ``artefact``, unless its sha256 is the one its card (``card_text``, as
    :func:`read_card` read it) records.

    Refused too: a card cut short (empty, or its title or its ``Re-train:`` line without the other), a whole
    one without the digest line (written by hand, or trained before cards recorded digests), and one whose
    digest line is damaged or mangled: they do not say which artefact is the trained one. No card (None) is
    left to :func:`check_card`, after the artefact is read, so that an artefact of another version says so.
    """
    if card_text is None:
        return
    card = card_path(artefact)
    recorded = [line for line in card_text.splitlines() if _DIGEST_MENTION.search(line)]
    if not recorded:
        title, end = bool(_TRAINED_TITLE.search(card_text)), bool(_TRAINED_END.search(card_text))
        cut_short = not card_text.strip() or title != end
        why = ("the card was cut short" if cut_short else
               "it is not a card training writes now (one written by hand, or by a release before cards "
               "recorded digests), so it does not say which artefact it describes")
        fix = "restore the card training wrote beside it" if cut_short else PUT_THE_CARD.format(card=card)
        raise (ArtefactDamaged if cut_short else CardMismatch)(
            f"{card}, the card of {artefact}, records no sha256 of it (the line '{DIGEST_LABEL}`<64 hex "
            f"digits>`' training writes under the card's title): {why}: {fix}, or {RETRAIN}")
    found = _DIGEST_LINE.fullmatch(recorded[0])
    if len(recorded) > 1 or found is None:
        raise ArtefactDamaged(f"{card}, the card of {artefact}, does not record one sha256 of it (one "
                              f"line '{DIGEST_LABEL}`<64 hex digits>`'): restore the card training wrote "
                              f"beside it, or {RETRAIN}")
    actual = artefact_digest(content)
    if actual != found["digest"]:
        raise ArtefactDamaged(f"{artefact} has sha256 {actual}, not the {found['digest']} its card {card} "
                              f"records: the card is another artefact's, or the artefact is damaged "
                              f"(truncated, or changed since training wrote it): "
                              f"{PUT_THE_CARD.format(card=card)}, restore the artefact from a copy of what "
                              f"training wrote (the shipped model: reinstall the package), or {RETRAIN}")


def check_card(model: "LatePaymentModel", artefact: Path, card_text: str | None) -> None:
    """Refuse ``model``, read from ``artefact``, unless its card (``card_text``, as :func:`read_card` read it)
    is there and describes it: its title names the artefact's model and version, and its features table lists
    the features the artefact was trained on, in that order (the features this code computes: the artefact is
    refused otherwise). :func:`check_digest`, on the same card text, checks that the card names these
    bytes."""
    card = card_path(artefact)
    model_name = f"{model.name}-{model.version}"
    if card is None:
        raise CardMismatch(f"{artefact} is not named NAME.json, so it has no model card beside it (training "
                           f"writes {model_name}.json and its card {model_name}.card.md): give the artefact "
                           f"training wrote, its card beside it, or {RETRAIN}")
    if card_text is None:
        raise CardMismatch(f"{artefact} has no model card: no file {card}, where training writes the card "
                           f"that describes the artefact (its features, data, metrics and limits) and "
                           f"records its sha256, which loading checks: {PUT_THE_CARD.format(card=card)}, "
                           f"or {RETRAIN}")
    title = _CARD_TITLE_LINE.fullmatch(card_text.splitlines()[0].rstrip()) if card_text.strip() else None
    if title is None:
        raise CardMismatch(f"{card}, the card of {artefact}, does not begin with its title "
                           f"'{CARD_TITLE}NAME-VERSION' naming the model it describes: "
                           f"{PUT_THE_CARD.format(card=card)}, or {RETRAIN}")
    if title["model"] != model_name:
        raise CardMismatch(f"{card} is the card of {title['model']}, and {artefact} is {model_name}: "
                           f"{PUT_THE_CARD.format(card=card)}, or {RETRAIN}")
    listed = [row["feature"] for row in _CARD_FEATURE.finditer(card_text)]
    if listed != list(model.features):
        raise CardMismatch(f"{card} lists the features {', '.join(listed) or '(none)'}, and {artefact} is "
                           f"trained on {', '.join(model.features)}, the features this code computes: "
                           f"{_how_features_differ(listed, list(model.features))}: the card describes "
                           f"another model: {PUT_THE_CARD.format(card=card)}, or {RETRAIN}")


def _how_features_differ(listed: list[str], trained: list[str]) -> str:
    """What sets the card's list of features apart from the artefact's, in a few words."""
    extra = [f for f in dict.fromkeys(listed) if f not in trained]
    missing = [f for f in trained if f not in listed]
    said = ([f"the card lists {', '.join(extra)}, which the model was not trained on"] if extra else []) + \
        ([f"the card leaves out {', '.join(missing)}"] if missing else [])
    if said:
        return "; ".join(said)
    twice = [f for f in dict.fromkeys(listed) if listed.count(f) > 1]
    if twice:
        return f"the card lists {', '.join(twice)} more than once"
    first = next(i for i, (a, b) in enumerate(zip(listed, trained)) if a != b)
    return (f"in another order (feature {first + 1} is {listed[first]} on the card, {trained[first]} in the "
            f"artefact)")


def _json_number(value: object) -> object:
    # bool is an int to Python, and lax parsing would read "1.5" as 1.5: a damaged artefact would then score
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = json.dumps(value) if isinstance(value, (bool, str)) or value is None else type(value).__name__
        raise ValueError(f"{shown} is not a number: a model's parameters are JSON numbers; the artefact is "
                         f"damaged: {RETRAIN}")
    return value


Parameter = Annotated[StrictFloat, BeforeValidator(_json_number)]


class LatePaymentModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # no default: an artefact that does not say what it is must not load as the current model
    format: str = Field(description=f"must be {FORMAT!r}")
    name: str = "late_payment"
    version: str = Field(description=f"must be {VERSION!r}: the features the artefact was trained on")
    features: list[str]
    mean: list[Parameter]
    scale: list[Parameter]
    coef: list[Parameter]
    intercept: Parameter
    horizon_days: StrictInt = Field(description=f"must be {HORIZON_DAYS}: the horizon the features and labels use")
    training: dict[str, Any] = Field(default_factory=dict, description="data, seed, sizes, library versions")
    metrics: dict[str, Any] = Field(default_factory=dict, description="held-out figures measured at training time")

    @model_validator(mode="before")
    @classmethod
    def _says_what_it_is(cls, data: Any) -> Any:
        missing = [f for f in ("format", "version") if isinstance(data, dict) and f not in data]
        if missing:   # left out, it would be taken for the current model and score with features it was not fit on
            raise ValueError(f"{' and '.join(missing)}: missing: the artefact does not say which model it is (this "
                             f"code scores with {FORMAT}, {VERSION}): {RETRAIN}")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "LatePaymentModel":
        if self.format != FORMAT:
            raise ValueError(f"format: {self.format!r} is not {FORMAT!r}")
        if self.horizon_days != HORIZON_DAYS:   # the scorer would report a horizon its probability is not for
            raise ValueError(f"horizon_days: the artefact is for receivables falling due in the next "
                             f"{self.horizon_days} days, this code labels and scores the next {HORIZON_DAYS}: "
                             f"{RETRAIN}")
        n = len(self.features)
        for name in ("mean", "scale", "coef"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name}: has {len(getattr(self, name))} values for {n} features")
        for name, values in (("mean", self.mean), ("scale", self.scale), ("coef", self.coef),
                             ("intercept", [self.intercept])):
            bad = next((v for v in values if not (math.isfinite(v) and abs(v) <= LARGEST_PARAMETER)), None)
            if bad is not None:
                raise ValueError(f"{name}: {bad} is not a trained model's parameter (finite, at most "
                                 f"{LARGEST_PARAMETER:g} in size): the artefact is damaged; {RETRAIN}")
        if any(s < 1 / LARGEST_PARAMETER for s in self.scale):
            raise ValueError(f"scale: every scale must be at least {1 / LARGEST_PARAMETER:g} (a standard deviation; "
                             f"training writes 1 for a constant feature)")
        if list(self.features) != list(MODEL_FEATURES):
            raise ValueError(f"features: the artefact ({self.name}-{self.version}) expects {self.features}, this code "
                             f"computes {list(MODEL_FEATURES)}: {RETRAIN}")
        inverted = [f for f, c in zip(self.features, self.coef) if f in RISING_FEATURES and c < 0]
        if inverted:   # more late payments, overdue claims or rejections would make the debtor look safer
            raise ValueError(f"coef: {', '.join(inverted)} only rise with bad news about how the debtor pays, but "
                             f"the artefact weighs {'it' if len(inverted) == 1 else 'them'} negatively, so more of "
                             f"it would score a debtor safer: {RETRAIN}")
        if self.version != VERSION:   # the same names, computed another way
            raise ValueError(f"version: the artefact is {self.name}-{self.version}, this code computes the features "
                             f"of {VERSION}: {RETRAIN}")
        return self

    def probability(self, inputs: list[float]) -> float:
        z = self.intercept + sum(c * (x - m) / s for c, x, m, s in zip(self.coef, inputs, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def contributions(self, inputs: list[float]) -> dict[str, float]:
        """Each feature's share of the log-odds (coefficient x standardised value)."""
        return {f: c * (x - m) / s for f, c, x, m, s in zip(self.features, self.coef, inputs, self.mean, self.scale)}

    def to_text(self) -> str:
        """The artefact as it is saved: sorted, indented JSON (reviewable in a diff)."""
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"

    def save(self, path: Path) -> None:
        """The artefact alone, written whole (a scorer loading it meanwhile reads the old model or the new). It is
        scored only beside a card describing it (:meth:`load`): training writes both (``train_and_save``)."""
        write_atomically(path, self.to_text())

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL) -> "LatePaymentModel":
        """The artefact at ``path``, refused (:class:`ArtefactRefused`) without the card training wrote
        beside it (:func:`card_path`), when its bytes are not those the card records (:func:`check_digest`),
        or when the card describes another model (:func:`check_card`). Each file is read once, and a device
        or a FIFO is refused, not read (:func:`read_file`)."""
        content = read_file(Path(path))
        card_text = read_card(Path(path))
        check_digest(Path(path), content, card_text)
        model = cls.model_validate_json(content)
        check_card(model, Path(path), card_text)
        return model


# ---------------------------------------------------------------- grades and the score

GRADES: tuple[tuple[str, Decimal], ...] = (
    ("A", Decimal("0.03")), ("B", Decimal("0.07")), ("C", Decimal("0.15")),
    ("D", Decimal("0.30")), ("E", Decimal("1")),
)


def grade_for(probability: Decimal) -> str:
    """A for a probability below 3%, B below 7%, C below 15%, D below 30%, E above."""
    for grade, upper in GRADES:
        if probability < upper:
            return grade
    return GRADES[-1][0]


class DebtorScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    debtor: str
    as_of: date
    probability_late: Decimal = Field(description="rounded half up to 4 places, for display: the grade is from the "
                                                  "unrounded probability")
    grade: str
    model: str
    horizon_days: int
    top_factors: list[tuple[str, float]]
    features: DebtorFeatures


def score_debtor(model: LatePaymentModel, history: ReceivableHistory, as_of: date) -> DebtorScore:
    """The debtor's probability of late payment as of a date, its grade and what drove it.

    A history from :func:`~client.risk.history_from_ledger` is scored as of the date it was read as of (its
    ``read_as_of``: the ledger's today when a later date was asked) or an earlier one; a later ``as_of`` is a
    ValueError, as the history cannot tell what the ledger recorded as paid since: read it again as of that date."""
    feats = debtor_features(history, as_of)
    inputs = feats.model_inputs()
    p = Decimal(repr(model.probability(inputs)))
    factors = sorted(model.contributions(inputs).items(), key=lambda kv: -abs(kv[1]))[:3]
    # graded on the probability itself, as `finance quote --probability` grades it: the 4 places shown can round up
    # onto a grade's bound (0.02996 shows as 0.0300, and is grade A)
    shown = p.quantize(Decimal("0.0001"), rounding="ROUND_HALF_UP")
    return DebtorScore(debtor=history.debtor, as_of=as_of, probability_late=shown, grade=grade_for(p),
                       model=f"{model.name}-{model.version}", horizon_days=model.horizon_days,
                       top_factors=[(k, round(v, 3)) for k, v in factors], features=feats)
