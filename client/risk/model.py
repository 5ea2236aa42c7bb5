"""The late-payment model as a portable artefact, and the scorer that loads it.

The artefact is a JSON document: the feature names in order, the
standardisation (mean and scale of each feature) and the logistic
regression's coefficients and intercept, plus how it was trained and how it
measured on held-out debtors. Scoring is a dot product and a sigmoid in plain
Python: the scorer needs neither scikit-learn nor pickle, and loading an
artefact can never execute code (joblib/pickle files can), so an artefact can
be shipped, reviewed in a diff and checked by hash.

Training records the artefact's sha256 in the model card it writes beside it
(:func:`card_path`, :func:`digest_line`); loading checks the artefact's bytes
against it (:func:`check_digest`), so a truncated or altered artefact is
refused instead of scoring. A card training wrote that was cut short (empty, or
its title without its last line or the reverse: the digest goes under the title,
so a card cut below it keeps it), or whose digest line is mangled, is refused
too. An artefact with no card beside it, a card written by hand that speaks of
no digest, or a whole card trained before digests were recorded, is loaded
unchecked.
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

from .features import HORIZON_DAYS, MODEL_FEATURES, RISING_FEATURES, DebtorFeatures, debtor_features
from .history import ReceivableHistory

FORMAT = "recfin.late-payment.logistic/1"
# bumped whenever the features change: an artefact fits only the code that computes its features
# (v3: the season ahead counts a claim due on the last day of last year's window that is still unpaid;
#  v4: the all-time rejection rate and the freeze count are no longer inputs, and no input that rises with bad
#  news may carry a negative weight;
#  v5: timeliness counts once per original claim, not once per part of a split one; examples leave out claims
#  settled by the as-of date and due after the history ends, and as-of dates are a horizon apart;
#  v6: examples leave out claims not yet confirmed on the as-of date, and a claim paid in part before it was split
#  is settled at its face, not at what its parts add up to;
#  v7: the 30/90/180/365-day late shares leave out every claim due on the as-of date, not only the unpaid ones)
VERSION = "v7"
# A trained model's parameters are a few units at most (a logistic regression on standardised inputs). Bounds far
# outside that keep every term of the log-odds finite, so a damaged artefact is refused when it is loaded instead
# of scoring NaN.
LARGEST_PARAMETER = 1e6
MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_MODEL = MODELS_DIR / f"late_payment-{VERSION}.json"
# what a refused artefact's message tells the user to do: a bare `recfin risk train` refuses too while the shipped
# model of this version is in place
RETRAIN = "re-train it with `recfin risk train --out FOLDER` (or `--replace` to write over the shipped model)"
# the card's line that records the artefact's sha256 (digest_line writes it, check_digest reads it)
DIGEST_LABEL = "Artefact digest (sha256): "
_DIGEST_LINE = re.compile(re.escape(DIGEST_LABEL) + r"`(?P<digest>[0-9a-f]{64})`")
# a line that speaks of the digest however it was mangled (indented, re-cased, its label reworded): it must be the
# digest line exactly, or the card is refused rather than read as recording no digest
_DIGEST_MENTION = re.compile(r"art[ei]fact\s+digest|sha-?256", re.IGNORECASE)
# the first and the last line of every card training writes (model_card): a card with one and not the other, or an
# empty one, was cut short; one with both and no digest line was written before training recorded digests
_TRAINED_TITLE = re.compile(r"^# Model card: ", re.MULTILINE)
_TRAINED_END = re.compile(r"^Re-train: `recfin risk train", re.MULTILINE)


class ArtefactDamaged(ValueError):
    """An artefact whose bytes are not those its card records, or whose card's record of them is damaged."""


def card_path(artefact: Path) -> Path | None:
    """The model card training writes beside an artefact (``late_payment-v7.json``: ``late_payment-v7.card.md``);
    None for a file not named ``*.json``, which training never writes."""
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


def check_digest(artefact: Path, content: bytes) -> None:
    """Refuse ``content``, read from ``artefact``, unless its sha256 is the one the card beside it records.

    Nothing to check when there is no card (a regular file named as :func:`card_path` gives), or a card written by
    hand that speaks of no digest, or a whole card trained before cards recorded digests (its title and its
    ``Re-train:`` line, no digest): such an artefact loads as before. A card cut short without the digest line (empty,
    or one of those two lines without the other), and a card whose digest line is damaged or mangled, are refused:
    they no longer say which artefact is the trained one.
    """
    card = card_path(artefact)
    if card is None or not os.path.isfile(card):
        return
    try:
        text = card.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArtefactDamaged(f"{card}, the card of {artefact}, cannot be read to check the artefact's digest "
                              f"({exc}): restore the card training wrote beside it, or {RETRAIN}") from None
    recorded = [line for line in text.splitlines() if _DIGEST_MENTION.search(line)]
    if not recorded:
        title, end = bool(_TRAINED_TITLE.search(text)), bool(_TRAINED_END.search(text))
        if text.strip() and title == end:   # written by hand, or whole and older than digests: nothing to check
            return
        raise ArtefactDamaged(f"{card}, the card of {artefact}, records no sha256 of it (the line "
                              f"'{DIGEST_LABEL}`<64 hex digits>`' training writes under the card's title): the card "
                              f"was cut short: restore the card training "
                              f"wrote beside it, or {RETRAIN}")
    found = _DIGEST_LINE.fullmatch(recorded[0])
    if len(recorded) > 1 or found is None:
        raise ArtefactDamaged(f"{card}, the card of {artefact}, does not record one sha256 of it (one line "
                              f"'{DIGEST_LABEL}`<64 hex digits>`'): restore the card training wrote beside it, or "
                              f"{RETRAIN}")
    actual = artefact_digest(content)
    if actual != found["digest"]:
        raise ArtefactDamaged(f"{artefact} has sha256 {actual}, not the {found['digest']} its card {card} records: "
                              f"the artefact is damaged (truncated, or changed since training wrote it): restore "
                              f"it from a copy of what training wrote (the shipped model: reinstall the package), "
                              f"or {RETRAIN}")


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
        write_atomically(path, self.to_text())   # a scorer loading it meanwhile reads the old model or the new

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL) -> "LatePaymentModel":
        """The artefact at ``path``, refused (:class:`ArtefactDamaged`) when its bytes are not those its card
        records (:func:`check_digest`)."""
        content = Path(path).read_bytes()
        check_digest(Path(path), content)
        return cls.model_validate_json(content)


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
    """The debtor's probability of late payment as of a date, its grade and what drove it."""
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
