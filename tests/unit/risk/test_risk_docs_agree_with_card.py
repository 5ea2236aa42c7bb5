"""docs/risk-and-pricing.md quotes the shipped model's lift over its baseline as the model card states it: the
card writes the difference of the unrounded AUCs rounded once, which may differ in the last place from the
difference of the two AUCs the card shows rounded (0.7396 - 0.7321)."""
import re
from pathlib import Path

from client.risk import DEFAULT_MODEL
from client.risk.model import card_path

DOCS = Path(__file__).parents[3] / "docs" / "risk-and-pricing.md"


def shipped_card_lift() -> str:
    """The AUC the shipped model gains over its baseline, as its card words it ("this model gains 0.0074")."""
    found = re.search(r"this model\s+gains (\d\.\d{4})\.", card_path(DEFAULT_MODEL).read_text(encoding="utf-8"))
    assert found, "the shipped card no longer says what the model gains over its baseline"
    return found.group(1)


def test_the_docs_quote_the_shipped_models_lift_as_its_card_computes_it():
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())   # sentences are wrapped anywhere
    lift = shipped_card_lift()
    assert f"the lift over the baseline is +{lift} AUC against" in docs
    assert f"then the shipped seed's, +{lift}." in docs


def test_the_docs_read_the_brier_scores_against_the_no_skill_row_of_the_shipped_card():
    card = " ".join(card_path(DEFAULT_MODEL).read_text(encoding="utf-8").split())
    row = re.search(r"\| no skill: the training late rate \((0\.\d{3})\) for every claim \| 0\.5000 \| (0\.\d{4}) \|",
                    card)
    removed = re.search(r"\((\d+\.\d)% of the training ones\).*?this model removes (\d+\.\d)% of it, the baseline "
                        r"(\d+\.\d)%\.", card)
    assert row and removed, "the shipped card no longer reads its Brier scores against the no-skill row"
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert f"| no skill: the training late rate ({row[1]}) for every claim | 0.5000 | {row[2]} |" in docs
    assert f"and {removed[1]}% of the training ones are late" in docs
    assert f"the model removes {removed[2]}% of that Brier score, the baseline {removed[3]}%." in docs


def test_the_docs_quote_the_interval_of_the_lift_the_shipped_card_states():
    """The docs say how sure the shipped model's lift over the baseline is, as its card measures it."""
    card = " ".join(card_path(DEFAULT_MODEL).read_text(encoding="utf-8").split())
    stated = re.search(r"AUC ([+-]\d\.\d{4} \[[+-]\d\.\d{4}, [+-]\d\.\d{4}\]), ([a-z ]+); "
                       r"Brier ([+-]\d\.\d{4} \[[+-]\d\.\d{4}, [+-]\d\.\d{4}\]), ([a-z ]+)\.", card)
    assert stated, "the shipped card no longer states the interval of its lift over the baseline"
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert f"| AUC | {stated[1]} | {stated[2]} |" in docs
    assert f"| Brier | {stated[3]} | {stated[4]} |" in docs
    assert re.search(rf"\| 20261128 \(shipped\) \| [^|]+ \| {re.escape(stated[1])} \| [^|]+ \| "
                     rf"{re.escape(stated[3])} \|", docs), \
        "the docs' seed table gives the shipped seed another interval"
