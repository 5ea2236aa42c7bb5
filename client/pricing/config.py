"""One bank's pricing parameters: one YAML file per bank, validated here.

Each problem (the first 20, then a count of the rest) is reported with the path of the field at fault, e.g.
``bank.yaml: grades.B.spread: write rates as strings ...``. Rates are
decimal fractions written as quoted strings ("0.031" is 3.1%): YAML would read
an unquoted 0.031 as a float, which is not exact, so floats are refused. They
are held to what the receivables contract takes (at most 10 decimal places, no
exponent, at most 1, and so base rate + spread), and the fees to what an
advance can pay, when the file is read rather than when a quote or the ledger
finds out. Its amounts (fees, limits) are fen of its ``currency`` (CNY unless it
names another), and it prices only claims in that currency.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from client.shown import shown_value
from client.user_files import UTF8_ADVICE, cannot_read, on_one_line
from client.yaml_files import MAX_LISTED_PROBLEMS, more_problems, read_yaml_mapping, unknown_key_note

from .money import proportion_fen

from .proposals import Currency, Fen, _rate

BANKS_DIR = Path(__file__).parent / "banks"
GRADE_NAMES = ("A", "B", "C", "D", "E")


# how each fee setting is written, for the error that blames it
_FEE_FORMS = {"fees.flat": "fees.flat is whole fen: 50000 is 500.00 yuan",
              "fees.rate_of_advance": 'fees.rate_of_advance is a fraction of the advance: "0.001" is 0.1%'}


class PricingConfigError(ValueError):
    """A bank configuration that cannot be used; the message names the file and the field."""


class PricingFileUnreadable(PricingConfigError):
    """A bank configuration file that cannot be read as settings at all (not there, not readable, empty, not
    UTF-8, not YAML, not a mapping): the wrong file was given, rather than a setting in it wrong."""


class Grade(BaseModel):
    """Terms for one risk grade."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    spread: Decimal = Field(description="added to the base rate")
    advance_rate: Decimal = Field(description="share of the claim's outstanding amount advanced (what the debtor "
                                              "still owes: the face, while nothing is paid)")
    limit_factor: Decimal = Field(description="share of the per-debtor limit available at this grade")

    @field_validator("spread", "advance_rate", "limit_factor", mode="before")
    @classmethod
    def _rates(cls, v: object, info) -> Decimal:
        return _rate(v, info.field_name)

    # a grade that advances nothing, or has no room under the limit, lends nothing: its every quote would be declined
    # for a reason (no room under a debtor limit of 0.00) that sends the analyst to the exposure, not to the setting.
    # A factor above 0 whose limit still rounds to 0 fen, or falls below the minimum advance, is refused with the
    # limits, by BankPricing._grades.
    @field_validator("advance_rate", "limit_factor")
    @classmethod
    def _positive(cls, v: Decimal) -> Decimal:
        if v == 0:
            raise ValueError("must be above 0: decline the grade with `null` instead")
        return v


class Fees(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    flat: Fen = Field(default=0, description="fen per financing")
    rate_of_advance: Decimal = Field(default=Decimal(0), description="share of the advance, rounded half up to the fen")

    @field_validator("rate_of_advance", mode="before")
    @classmethod
    def _rates(cls, v: object) -> Decimal:
        return _rate(v, "rate_of_advance")


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    per_debtor: Fen = Field(gt=0, description="fen: the most the bank lends against one debtor's receivables, grade A")
    min_advance: Fen = Field(default=0, description="fen: below this the bank does not bother")
    max_days: int = Field(default=365, ge=1, le=3660, strict=True,
                          description="longest time to the due date the bank finances")

    @model_validator(mode="after")
    def _minimum_within_limit(self) -> "Limits":
        # no advance passes per_debtor, so a larger minimum would decline every quote, each for another reason
        if self.min_advance > self.per_debtor:
            raise ValueError(f"min_advance {self.min_advance} fen is above per_debtor {self.per_debtor} fen: no "
                             "advance could reach it; lower min_advance or raise per_debtor")
        return self


# where a riskier grade's setting may not be, against the safer grade before it: a lower spread, or a
# higher limit factor or advance rate, would lend more cheaply, or more, on more risk
_NOT_WITH_MORE_RISK = {"spread": "below", "limit_factor": "above", "advance_rate": "above"}


def _out_of_order(name: str, grade: Grade, previous_name: str, previous: Grade) -> str:
    """Each setting of grade ``name`` out of order with the safer grade before it, named with both values,
    so the error says which field to fix and to what (empty when none is)."""
    faults = []
    for field, wrong_side in _NOT_WITH_MORE_RISK.items():
        value, before = getattr(grade, field), getattr(previous, field)
        if value > before if wrong_side == "above" else value < before:
            faults.append(f"grades.{name}.{field} {value} is {wrong_side} "
                          f"grades.{previous_name}.{field} {before}")
    return "; ".join(faults)


class BankPricing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    bank: str = Field(min_length=1, description="the financier's name or credit code, as it appears on offers")
    currency: Currency = Field(default="CNY", description="the currency of its fees and limits, and of the claims "
                                                          "it prices")
    base_rate: Decimal
    day_count: Literal["ACT/360", "ACT/365"] = "ACT/360"
    recourse: bool = Field(default=True, strict=True)
    offer_valid_days: int = Field(default=7, ge=1, le=90, strict=True)
    fees: Fees = Fees()
    limits: Limits
    grades: dict[str, Grade | None] = Field(description="A..E; null declines the grade")
    # the model grades a debtor none of whose claims has fallen due by extrapolation (it was trained on no such
    # debtor): how to lend to one is the bank's policy, not the model's
    thin_record_grade: Literal["A", "B", "C", "D", "E"] | None = Field(
        default=None, description="the grade a debtor with no payment on record is priced at, at the least (its "
                                  "model grade where riskier); null: its model grade")

    @field_validator("base_rate", mode="before")
    @classmethod
    def _base(cls, v: object) -> Decimal:
        return _rate(v, "base_rate")

    @field_validator("bank")
    @classmethod
    def _shows_as_itself(cls, v: str) -> str:
        # it labels every offer quoted and every row of a quote: blank it labels them with nothing, a line break
        # starts what reads as a row of its own, a space at either end shows as another bank's name
        if on_one_line(v) != v:
            raise ValueError(f"{shown_value(v)} does not show as itself (blank, a line break or another character "
                             "that does not print, or a space at either end): give the financier's name or credit "
                             "code as it appears on offers")
        return v

    def currency_refusal(self, currency: str) -> str | None:
        """Why a claim in ``currency`` cannot be priced with these settings, or None when it can: the flat fees,
        the limits and the minimum advance are amounts of ``self.currency``, and the exposure counted against
        the limit is what the bank lends in it."""
        if currency == self.currency:
            return None
        return (f"the claim is in {currency}, but {self.bank}'s pricing is in {self.currency} (its fees and limits "
                f"are {self.currency} fen): price it with settings for {currency} (currency: {currency} in the "
                f"bank's YAML)")

    @model_validator(mode="after")
    def _grades(self) -> "BankPricing":
        missing = [g for g in GRADE_NAMES if g not in self.grades]
        unknown = [g for g in self.grades if g not in GRADE_NAMES]
        if missing or unknown:
            raise ValueError(f"grades: give exactly {', '.join(GRADE_NAMES)} "
                             f"(missing {missing or 'none'}, unknown {unknown or 'none'}); null declines a grade")
        previous: Grade | None = None
        previous_name = ""
        declined: str | None = None   # the safest grade declined: a riskier one financed would lend more on more risk
        for name in GRADE_NAMES:
            grade = self.grades[name]
            if grade is None:
                declined = declined or name
                continue
            if declined is not None:
                raise ValueError(f"grades.{name}: grade {declined} is declined (null), so every riskier grade must "
                                 f"be null too: set {name} to null, or give {declined} terms")
            if self.base_rate + grade.spread > 1:   # the offer's discount rate, which the contract caps at 1
                raise ValueError(f"grades.{name}.spread: base_rate {self.base_rate} + spread {grade.spread} = "
                                 f"{self.base_rate + grade.spread}, above 1: the discount rate offered is a fraction "
                                 f"of at most 1 (0.045 is 4.5%)")
            if previous is not None and (out_of_order := _out_of_order(name, grade, previous_name, previous)):
                raise ValueError(f"{out_of_order}: a riskier grade needs a spread at least, and a limit "
                                 f"factor and an advance rate at most, those of the grade before it")
            if (no_room := self._no_room(name, grade)) is not None:
                raise ValueError(no_room)
            previous, previous_name = grade, name
        return self

    def _no_room(self, name: str, grade: Grade) -> str | None:
        """Why financed grade ``name`` can lend nothing under its debtor limit, computed as the pricer computes it
        (None when it can): a limit of 0 fen, or one below the minimum advance."""
        limits = self.limits
        limit = proportion_fen(limits.per_debtor, grade.limit_factor)
        if limit != 0 and limit >= limits.min_advance:
            return None
        product = (f"grades.{name}.limit_factor: limits.per_debtor {limits.per_debtor} fen x {grade.limit_factor} is "
                   f"a debtor limit of {limit} fen")
        if limit == 0:   # said so whatever the minimum, as the pricer says of an advance of nothing
            return (f"{product} (rounded half up), so every quote at grade {name} would be declined with no room "
                    f"under the limit; raise limit_factor or limits.per_debtor, or decline the grade with `null` "
                    f"instead")
        return (f"{product}, below limits.min_advance {limits.min_advance} fen, so every quote at grade {name} would "
                f"be declined with no advance reaching the minimum; raise limit_factor or limits.per_debtor, lower "
                f"limits.min_advance, or decline the grade with `null` instead")

    @model_validator(mode="after")
    def _fees_leave_cash(self) -> "BankPricing":
        # no advance is larger than the per-debtor limit, so fees that take all of it would make every offer
        # leave no cash (and could pass the contract's cap on an amount)
        largest = self.limits.per_debtor
        flat, of_advance = self.fees.flat, proportion_fen(largest, self.fees.rate_of_advance)
        if flat + of_advance < largest:
            return self
        # the field at fault: the one that takes all of it alone, else each that takes a part
        parts = {"fees.flat": flat, "fees.rate_of_advance": of_advance}
        alone = [name for name, part in parts.items() if part >= largest]
        at_fault = alone if len(alone) == 1 else [name for name, part in parts.items() if part > 0]
        field = " and ".join(at_fault)
        hint = "; ".join(_FEE_FORMS[name] for name in at_fault)
        raise ValueError(f"{field}: {flat} fen flat plus {self.fees.rate_of_advance} of the advance is "
                         f"{flat + of_advance} fen on the largest advance (limits.per_debtor, {largest} fen), which "
                         f"would take all of it: the fees must stay below the advance ({hint})")


def load_bank_config(path: str | Path, *, named: str | None = None) -> BankPricing:
    """Read and validate one bank's YAML; errors name the file and the field: a setting wrong names the file as
    ``named`` gives it, else by its name (the one its reader gave), and a file that cannot be read by its path. A
    caller that chose the file itself (the shipped one of a bank) names it by where it is: its user never saw it."""
    path = Path(path)
    # the YAML reader's cap, not the 1 GiB of a scanned invoice: validation walks every value of what is read
    data = read_yaml_mapping(path, "a bank's pricing settings",
                             lambda problem: PricingFileUnreadable(f"{path}: {problem}"),
                             cannot_read=lambda exc: PricingFileUnreadable(str(cannot_read(path, exc))),
                             hint=f"expected the bank's settings (see {bank_config_path('bank')})",
                             utf8_advice=UTF8_ADVICE)
    try:
        return BankPricing.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, BankPricing, written_in="YAML")
        raise PricingConfigError(f"{named or path.name}: {problems}") from None


def validation_problems(exc: ValidationError, model: type[BaseModel] | None = None, *,
                        written_in: Literal["YAML", "JSON"] = "YAML") -> str:
    """Each field's path and what is wrong with it, on one line; past MAX_LISTED_PROBLEMS, a count of the rest. A
    money field (``Fen``, ``LedgerFen``) says itself that it takes whole fen; a count such as ``min_days_early`` does
    not. Given the ``model`` validated, a key it does not take (most often misspelt: ``limits.maxdays``) is named
    with the keys its block does take, as the topology's refusals name them, in the words of the document
    ``written_in`` (a YAML file's block, a JSON document's object: ``unknown_key_note``)."""
    def problem(e) -> str:
        text, loc = e["msg"].removeprefix("Value error, "), e["loc"]
        if e["type"] in ("model_type", "dict_type"):   # pydantic names the class it reads into, which no file does
            text = f"should be an object of named fields (a JSON object, a YAML mapping), not {_kind(e['input'])}"
        if e["type"] == "extra_forbidden" and model is not None and \
                (note := unknown_key_note(model, loc, written_in=written_in)):
            text = f"{text}: {note}"
        if e["type"] == "invalid_key":
            # a YAML key read as no text (~, a date, a number, true): pydantic named it by Python's repr, "None:
            # Keys should be strings" or "datetime.date(2026, 1, 1): ...", which is nothing the file holds
            loc, kind, shown = loc[:-1], _kind(e["input"]), shown_value(e["input"])
            text = (f"a key read as {kind}{f' ({shown})' if shown != kind else ''}, not text: quote it if it is meant "
                    "as a key, or remove it")
        # a key from the file may hold a line break, which would start what reads as a second error line
        return ": ".join(filter(None, (".".join(on_one_line(str(p)) for p in loc), text)))
    listed = [problem(e) for e in exc.errors()[:MAX_LISTED_PROBLEMS]]
    unlisted = exc.error_count() - len(listed)
    return "; ".join(listed + ([more_problems(unlisted)] if unlisted else []))


def _kind(value: object) -> str:
    """What a value read from JSON or YAML is, in the words of those formats."""
    kinds = {list: "a list", tuple: "a list", str: "a string", bool: "true or false", int: "a number",
             float: "a number", type(None): "null"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def bank_config_path(bank: str) -> Path:
    """The shipped configuration for a bank name: banks/<bank>.yaml."""
    return BANKS_DIR / f"{bank}.yaml"
