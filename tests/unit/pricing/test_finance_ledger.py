"""`recfin finance quote` and `compare` on the ledger: the real contract in-process, through the SDK."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import bank_config_path, load_bank_config
from client.receivables import DiscountOfferRequest, FinancingTerms, RuleViolation

from ..cli_errors import error_line

CONFIG = str(bank_config_path("bank"))
SAMPLE_HISTORY = str(Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json")


def quote(world, *extra: str, input: str | None = None):
    return CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--config", CONFIG,
                                        "--on", world.today, *extra], input=input)


def test_quote_scores_from_the_ledger_and_offers_those_terms_on_yes(world):
    result = quote(world, "--yes", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert world.opened == ["bank"]  # the bank reads the debtor's payment record and its exposure itself
    assert data["exposure"] == 0
    assert data["debtor"] == world.uscc("core") and data["financing_id"] == world.financing
    assert data["debtor_grade"] in "ABCDE" and data["made_offer"]["financier"] == world.uscc("bank")
    stored = world.client("tier1").get_offer_terms(data["made_offer"]["id"])  # what the holder sees, privately
    assert Decimal(stored.discount_rate) == Decimal(data["offer"]["discount_rate"])
    assert Decimal(stored.advance_rate) == Decimal(data["offer"]["advance_rate"])
    assert stored.fees == data["offer"]["fees"] and stored.expires_on.isoformat() == data["offer"]["expires_on"]


def config_in(currency: str, folder: Path) -> str:
    """The example bank's pricing with its amounts read as ``currency``."""
    text = Path(CONFIG).read_text(encoding="utf-8").replace("currency: CNY", f"currency: {currency}")
    assert f"currency: {currency}" in text
    path = folder / f"bank-{currency}.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_quote_scores_the_debtor_in_the_claims_currency(world, monkeypatch, tmp_path):
    import client.risk

    net = world.net
    dollars = asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 20_000_000, due_in=60,
                                        currency="USD"))
    world.client("tier2").request_financing(dollars["id"])
    read, real = [], client.risk.history_from_ledger

    def history_from_ledger(*args, **kwargs):  # the real read, noting which claims it scored
        history = real(*args, **kwargs)
        read.append((kwargs.get("currency"), {e.receivable_id for e in history.events}))
        return history

    monkeypatch.setattr(client.risk, "history_from_ledger", history_from_ledger)   # as the quote imports it
    for receivable, config in ((dollars["id"], config_in("USD", tmp_path)), (world.receivable, CONFIG)):
        result = CliRunner().invoke(finance, ["quote", receivable, "--as", "bank", "--config", config,
                                              "--on", world.today, "--json"])
        assert result.exit_code == 0, result.output
    assert read == [("USD", {dollars["id"]}), ("CNY", {world.receivable})]


def test_quote_refuses_a_claim_in_another_currency_than_the_banks_pricing(world, tmp_path):
    """The example bank's limit, fees and minimum advance are yuan: lending 190M yuan against the debtor leaves
    10M of its 200M limit, and a claim in dollars is refused rather than given a 95M advance against it."""
    net = world.net
    tier2, core = net.actors["tier2"], net.actors["core"]
    big = asyncio.run(net.confirmed(tier2, core, 20_000_000_000, due_in=60))
    f = world.client("tier2").request_financing(big["id"]).id
    terms = FinancingTerms(advance_rate="0.95", discount_rate="0.04", fees=0, recourse=True, day_count="ACT/360",
                           expires_on=date.fromisoformat(world.today) + timedelta(days=5))
    world.client("tier2").accept_offer(world.client("bank").make_offer(f, terms).id)
    dollars = asyncio.run(net.confirmed(tier2, core, 10_000_000_000, due_in=60, currency="USD"))
    world.client("tier2").request_financing(dollars["id"])

    def quote_dollars(config: str, *extra: str, input: str | None = None):
        return CliRunner().invoke(finance, ["quote", dollars["id"], "--as", "bank", "--config", config, "--grade",
                                            "A", "--on", world.today, *extra], input=input)

    refused = quote_dollars(CONFIG, "--yes")
    assert refused.exit_code == 1
    assert "the claim is in USD, but bank's pricing is in CNY" in refused.output
    assert world.client("tier2").get_financing(world.client("tier2").get_receivable(dollars["id"]).financing_id
                                               ).offers == []
    in_dollars = quote_dollars(config_in("USD", tmp_path), "--json")
    assert in_dollars.exit_code == 0, in_dollars.output
    data = json.loads(in_dollars.stdout)
    assert (data["currency"], data["exposure"]) == ("USD", 0)   # the yuan lent are not dollars lent
    table = quote_dollars(config_in("USD", tmp_path), input="n\n")
    assert "currency: USD" in table.output
    yuan = json.loads(quote(world, "--grade", "A", "--json").stdout)
    assert (yuan["currency"], yuan["exposure"], yuan["available"]) == ("CNY", 19_000_000_000, 1_000_000_000)


def test_quote_for_a_later_disbursement_scores_the_debtor_as_of_the_ledgers_today(world, monkeypatch):
    """The ledger knows nothing after its today: scoring as of the disbursement date would count the open claim
    due before it as unpaid."""
    import cli.finance_commands as commands

    later = (date.fromisoformat(world.today) + timedelta(days=120)).isoformat()      # after the claim falls due
    scored, real = [], commands._score
    monkeypatch.setattr(commands, "_score",
                        lambda model, model_path, history, day: scored.append(day) or real(model, model_path,
                                                                                           history, day))
    result = quote(world, "--json", "--on", later)
    assert result.exit_code == 1, result.output       # declined: on that day the claim is past its due date
    assert json.loads(result.stdout)["declined"]
    assert scored == [date.fromisoformat(world.today)]
    assert json.loads(result.stdout)["on"] == later                  # priced for the day asked
    assert f"scored as of the ledger's today, {world.today}" in result.stderr
    on_the_day = quote(world, "--json")
    assert json.loads(on_the_day.stdout)["debtor_grade"] == json.loads(result.stdout)["debtor_grade"]


def test_quote_with_a_history_file_scores_the_debtor_as_of_the_files_last_event(world, monkeypatch, tmp_path):
    """On the ledger too a shared history file is a snapshot: as of the later disbursement date its open claims
    would count as unpaid."""
    import cli.finance_commands as commands

    sample = json.loads(Path(SAMPLE_HISTORY).read_text())
    last = max(date.fromisoformat(e["event_date"]) for e in sample["events"])
    assert last < date.fromisoformat(world.today)
    shared = tmp_path / "core.json"
    core = world.uscc("core")
    events = [{**e, "debtor": core} for e in sample["events"]]
    shared.write_text(json.dumps({**sample, "debtor": core, "events": events}))
    scored, real = [], commands._score
    monkeypatch.setattr(commands, "_score",
                        lambda model, model_path, history, day: scored.append(day) or real(model, model_path,
                                                                                           history, day))
    result = quote(world, "--history", str(shared), "--debtor", core, "--json")
    assert result.exit_code == 0, result.output
    assert scored == [last] and json.loads(result.stdout)["on"] == world.today
    assert f"scored as of {last}, the date of the last event in {shared}" in result.stderr


def test_quote_makes_no_offer_when_not_confirmed(world):
    result = quote(world, "--grade", "B", input="n\n")
    assert result.exit_code == 0, result.output
    assert "net_cash:" in result.output and "make this offer" in result.output and "no offer made" in result.output
    assert world.client("tier1").get_financing(world.financing).offers == []
    yes = quote(world, "--grade", "B", input="y\n")
    assert yes.exit_code == 0, yes.output
    assert [o.financier for o in world.client("tier1").get_financing(world.financing).offers] == [world.uscc("bank")]


def test_quote_on_a_frozen_receivable_makes_no_offer_and_says_why_as_the_contract_refuses_it(world):
    world.client("regulator").freeze(world.receivable, "ORDER-1")
    why = (f"no offer made on {world.financing}: not takeable now: {world.receivable} is frozen by order ORDER-1, "
           f"and the contract takes no offer on it until the regulator unfreezes it")
    asked = quote(world, "--grade", "B", input="y\n")
    assert asked.exit_code == 0, asked.output
    assert "net_cash:" in asked.output and why in asked.output and "make this offer" not in asked.output
    forced = quote(world, "--grade", "B", "--yes")
    assert forced.exit_code == 1 and error_line(forced).startswith(f"Error: {why}")
    as_json = quote(world, "--grade", "B", "--json")
    assert as_json.exit_code == 0, as_json.output
    priced = json.loads(as_json.stdout)["priced"]
    assert priced["takeable_now"] is False and "frozen by order ORDER-1" in priced["why"]
    assert world.client("tier1").get_financing(world.financing).offers == []
    world.client("regulator").unfreeze(world.receivable, "ORDER-1")
    unfrozen = quote(world, "--grade", "B", input="y\n")
    assert unfrozen.exit_code == 0 and "make this offer" in unfrozen.output and "no offer made on" not in \
        unfrozen.output
    assert [o.financier for o in world.client("tier1").get_financing(world.financing).offers] == [world.uscc("bank")]


# a --model that is not there, or that is read and holds a wrong field, is a usage error naming the option (exit 2)
@pytest.mark.parametrize("model,expected,exit_code", [
    ("missing.json", "Invalid value for '--model': no model at", 2),
    ("v3.json", "is not a usable model artefact: version:", 2)])
def test_quote_refuses_a_model_that_cannot_score_before_reading_the_ledger(world, tmp_path, model, expected,
                                                                           exit_code):
    from client.risk import DEFAULT_MODEL
    (tmp_path / "v3.json").write_text(json.dumps({**json.loads(DEFAULT_MODEL.read_text()), "version": "v3"}))
    result = quote(world, "--model", str(tmp_path / model), "--yes")
    assert result.exit_code == exit_code and f"{tmp_path / model}" in error_line(result)
    assert expected in error_line(result)
    assert world.opened == []   # refused before connecting
    assert world.client("tier1").get_financing(world.financing).offers == []


def test_quote_takes_what_the_bank_already_lends_against_the_debtor_off_its_limit(world):
    net = world.net
    other = asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 50_000_000, due_in=60))
    f = world.client("tier2").request_financing(other["id"]).id
    terms = FinancingTerms(advance_rate="0.8", discount_rate="0.04", fees=0, recourse=True, day_count="ACT/360",
                           expires_on=date.fromisoformat(world.today) + timedelta(days=5))
    world.client("tier2").accept_offer(world.client("bank").make_offer(f, terms).id)
    world.client("bank").record_disbursement(f)
    result = quote(world, "--grade", "A", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    limit = load_bank_config(CONFIG).limits.per_debtor  # grade A: the whole per-debtor limit
    assert (data["exposure"], data["debtor_limit"]) == (40_000_000, limit)
    assert data["available"] == max(0, limit - 40_000_000)
    other_bank = CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank2", "--config", CONFIG,
                                              "--on", world.today, "--grade", "A", "--json"])
    assert json.loads(other_bank.stdout)["exposure"] == 0  # bank2 lends nothing against core
    given = quote(world, "--grade", "A", "--exposure-outside", "100", "--json")
    assert json.loads(given.stdout)["exposure"] == 40_010_000  # lending outside the ledger is added to its figure


def test_quote_takes_off_only_what_the_bank_lends_in_the_claims_currency(world):
    net = world.net
    other = asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 50_000_000, due_in=60, currency="USD"))
    f = world.client("tier2").request_financing(other["id"]).id
    terms = FinancingTerms(advance_rate="0.8", discount_rate="0.04", fees=0, recourse=True, day_count="ACT/360",
                           expires_on=date.fromisoformat(world.today) + timedelta(days=5))
    world.client("tier2").accept_offer(world.client("bank").make_offer(f, terms).id)
    result = quote(world, "--grade", "A", "--json")  # the quoted claim is in CNY
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["exposure"] == 0


def test_quote_as_a_supplier_cannot_read_the_debtors_record_and_offers_nothing(world):
    result = CliRunner().invoke(finance, ["quote", world.receivable, "--as", "tier1", "--config", CONFIG,
                                          "--on", world.today, "--yes"])
    assert result.exit_code == 1 and "not-permitted-to-read" in result.output
    assert world.client("tier1").get_financing(world.financing).offers == []


def test_quote_on_a_receivable_without_a_request_says_who_must_ask(world):
    net = world.net
    other = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 1_000_000, due_in=60))
    result = CliRunner().invoke(finance, ["quote", other["id"], "--as", "regulator", "--config", CONFIG,
                                          "--grade", "A", "--yes"])
    assert result.exit_code == 1 and "no live financing request" in result.output


def offer(world, bank: str, rate: str, expires_in: int = 10) -> str:
    expires = date.fromisoformat(world.today) + timedelta(days=expires_in)
    terms = FinancingTerms(advance_rate="0.9", discount_rate=rate, fees=0, recourse=False, day_count="ACT/360",
                           expires_on=expires)
    return world.client(bank).make_offer(world.financing, terms).id


def test_compare_ranks_the_live_offers_and_the_debtors_discount_offer(world):
    cheap, dear = offer(world, "bank2", "0.03"), offer(world, "bank", "0.05")
    expires = date.fromisoformat(world.today) + timedelta(days=30)
    discount = world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.04", expires_on=expires)).id
    result = CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier1", "--on", world.today, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["receivable"] == {"receivable_id": world.receivable, "face_amount": 100_000_000,
                                  "due_date": (date.fromisoformat(world.today) + timedelta(days=90)).isoformat(),
                                  "currency": "CNY", "status": "CONFIRMED",
                                  "financing_id": world.financing, "financing_status": "REQUESTED",
                                  "frozen_by": None, "queued_freezes": []}
    # the discount offer is ranked beside the banks', but the contract pays it only once the request is withdrawn
    assert [(p["offer_id"], p["rank_by_cost"], p["takeable_now"], p["first_step"]) for p in data["proposals"]] == \
        [(cheap, 1, True, None), (discount, 2, False, "withdraw the financing request"), (dear, 3, True, None)]
    assert data["proposals"][0]["counterparty"] == world.uscc("bank2") and all(p["why"] for p in data["proposals"])
    by_cash = CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier1", "--discount-offer", discount,
                                           "--on", world.today, "--by", "cash"])
    assert by_cash.exit_code == 0, by_cash.output
    assert f"{discount}:" in by_cash.output and f"{cheap}:" in by_cash.output  # the reasons, one line each


def test_compare_lists_the_open_discount_offers_covering_the_receivable_or_the_one_named(world):
    only = offer(world, "bank", "0.04")
    core = world.client("core")
    today = date.fromisoformat(world.today)
    other = asyncio.run(world.net.confirmed(world.net.actors["tier1"], world.net.actors["core"], 1_000_000, due_in=60))
    covering = core.publish_discount_offer(DiscountOfferRequest(
        apr="0.02", expires_on=today + timedelta(days=30), receivable_ids=[world.receivable])).id
    core.publish_discount_offer(DiscountOfferRequest(  # for another claim: not this one's
        apr="0.01", expires_on=today + timedelta(days=30), receivable_ids=[other["id"]]))
    general = core.publish_discount_offer(DiscountOfferRequest(apr="0.06", expires_on=today + timedelta(days=1))).id

    def compare(*extra):
        result = CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier1", "--json", *extra])
        assert result.exit_code == 0, result.output
        return [p["offer_id"] for p in json.loads(result.stdout)["proposals"]]

    assert compare("--on", world.today) == [covering, only, general]   # 2%, 4%, 6%: cheapest first
    assert compare("--on", world.today, "--discount-offer", general) == [only, general]
    world.net.advance(2)  # the general offer has expired: no longer listed
    assert compare("--on", world.net.today) == [covering, only]


def test_compare_refuses_a_named_discount_offer_of_another_debtor_as_the_contract_refuses_it(world):
    net = world.net
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 1_000_000, due_in=60))["id"]
    expires = date.fromisoformat(world.today) + timedelta(days=30)
    theirs = world.client("core2").publish_discount_offer(DiscountOfferRequest(apr="0.05", expires_on=expires)).id
    with pytest.raises(RuleViolation) as refused:
        world.client("tier1").accept_discount_offer(theirs, claim)
    assert refused.value.rule == "discount-offer-not-for-receivable"
    result = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--on", world.today, "--json",
                                          "--discount-offer", theirs])
    assert result.exit_code == 1
    refusal = error_line(result)
    assert "does not cover" in refusal and "rule discount-offer-not-for-receivable" in refusal
    own = world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.05", expires_on=expires)).id
    result = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--on", world.today, "--json",
                                          "--discount-offer", own])
    assert [(p["offer_id"], p["takeable_now"]) for p in json.loads(result.stdout)["proposals"]] == [(own, True)]


def test_compare_on_a_registered_receivable_marks_offers_not_takeable_until_the_debtor_confirms(world):
    net = world.net
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = asyncio.run(net.registered(tier1, core, 1_000_000, due_in=60))["id"]
    expires = date.fromisoformat(world.today) + timedelta(days=30)
    offer_id = world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.05", expires_on=expires)).id
    with pytest.raises(RuleViolation) as refused:
        world.client("tier1").accept_discount_offer(offer_id, claim)
    assert refused.value.rule == "invalid-state"

    def compare():
        result = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--on", world.today, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    data = compare()
    assert data["receivable"]["status"] == "REGISTERED"
    [p] = data["proposals"]
    assert (p["offer_id"], p["eligible"], p["takeable_now"], p["rank_by_cost"], p["first_step"]) == \
        (offer_id, True, False, 1, "the debtor confirms the claim")
    assert p["why"].startswith(f"not takeable now: {claim} is REGISTERED") and "rule invalid-state" in p["why"]
    assert f"recfin receivable confirm {claim}" in p["why"]
    world.client("core").confirm(claim)
    [p] = compare()["proposals"]
    assert (p["takeable_now"], p["rank_by_cost"]) == (True, 1)


def test_compare_recommends_early_payment_only_once_the_financing_request_is_withdrawn(world):
    bank_offer = offer(world, "bank", "0.05")
    expires = date.fromisoformat(world.today) + timedelta(days=30)
    discount = world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.02", expires_on=expires)).id

    def compare():
        result = CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier1", "--on", world.today])
        assert result.exit_code == 0, result.output
        return result.output

    waiting = compare()
    # the discount is cheaper and pays more, but the bank's offer is the one the holder can take today
    assert (f"{bank_offer}: #2 by cost, the cheapest takeable now: 5.1336% a year, 3.0956 points above {discount}"
            in waiting)
    assert (f"{discount}: not takeable now: {world.receivable} has a live financing request {world.financing}"
            in waiting) and f"recfin finance withdraw {world.financing}" in waiting
    assert "taken then: cheapest of 2 at 2.0380% a year all-in" in waiting
    with pytest.raises(RuleViolation, match="receivable-financed"):   # what the contract says meanwhile
        world.client("tier1").accept_discount_offer(discount, world.receivable)
    world.client("tier1").withdraw_financing(world.financing)
    assert f"{discount}: cheapest of 1" in compare()   # the bank's offer lapsed with the request
    assert world.client("tier1").accept_discount_offer(discount, world.receivable).status == "SETTLED"


def test_quote_refuses_a_history_of_another_debtor_and_offers_nothing(world, tmp_path):
    other = world.uscc("tier1")    # a credit code, but not the claim's debtor's
    history = tmp_path / "history.json"
    history.write_text(Path(SAMPLE_HISTORY).read_text().replace("SYN-DEBTOR-0007", other))
    result = quote(world, "--history", str(history), "--debtor", other, "--yes")
    assert result.exit_code == 1
    assert f"--debtor {other} is not the debtor of {world.receivable}, which {world.uscc('core')} owes" in result.output
    assert world.client("tier1").get_financing(world.financing).offers == []


def test_quote_refuses_a_debtor_that_is_not_the_receivables_without_history_too(world):
    other = world.uscc("tier1")
    result = quote(world, "--grade", "B", "--debtor", other, "--yes")
    assert result.exit_code == 1
    assert (f"--debtor {other} is not the debtor of {world.receivable}, which {world.uscc('core')} owes: drop "
            f"--debtor" in result.output)
    assert world.client("tier1").get_financing(world.financing).offers == []
    right = quote(world, "--grade", "B", "--debtor", world.uscc("core"), "--yes")
    assert right.exit_code == 0, right.output
    assert len(world.client("tier1").get_financing(world.financing).offers) == 1


def compare_json(world) -> list[dict]:
    result = CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier1", "--on", world.net.today,
                                          "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["proposals"]


def test_compare_on_a_frozen_receivable_marks_every_offer_not_takeable_as_the_contract_refuses_them(world):
    bank_offer = offer(world, "bank", "0.05")
    expires = date.fromisoformat(world.today) + timedelta(days=30)
    discount = world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.02", expires_on=expires)).id
    world.client("regulator").freeze(world.receivable, "ORDER-1")
    proposals = compare_json(world)
    assert [(p["offer_id"], p["eligible"], p["takeable_now"], p["rank_by_cost"], p["first_step"])
            for p in proposals] == [
        (discount, True, False, 1, "the regulator lifts the freeze, then withdraw the financing request"),
        (bank_offer, True, False, 2, "the regulator lifts the freeze")]   # neither takeable, both ranked
    assert all(f"{world.receivable} is frozen by order ORDER-1" in p["why"] for p in proposals)
    with pytest.raises(RuleViolation, match="receivable-frozen"):
        world.client("tier1").accept_offer(bank_offer)
    world.client("regulator").unfreeze(world.receivable, "ORDER-1")
    assert [(p["offer_id"], p["rank_by_cost"], p["takeable_now"]) for p in compare_json(world)] == [
        (discount, 1, False), (bank_offer, 2, True)]


def test_compare_says_an_accepted_financing_can_be_cancelled_and_a_disbursed_one_ends_settled(world):
    bank_offer = offer(world, "bank", "0.05")
    expires = date.fromisoformat(world.today) + timedelta(days=30)
    discount = world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.02", expires_on=expires)).id
    world.client("tier1").accept_offer(bank_offer)
    [accepted] = compare_json(world)
    assert f"recfin finance cancel {world.financing} --reason TEXT" in accepted["why"]
    world.client("tier1").cancel_financing(world.financing, "early payment is cheaper")  # the holder may, as it says
    [free] = compare_json(world)
    assert (free["offer_id"], free["takeable_now"], free["rank_by_cost"]) == (discount, True, 1)

    again = world.client("tier1").request_financing(world.receivable).id
    world.financing = again
    world.client("tier1").accept_offer(offer(world, "bank", "0.05"))
    world.client("bank").record_disbursement(again)
    [disbursed] = compare_json(world)
    assert not disbursed["takeable_now"] and "early payment will not be possible" in disbursed["why"]
    with pytest.raises(RuleViolation, match="financing-disbursed"):
        world.client("tier1").cancel_financing(again, "try")
    world.client("bank").record_repayment(again)   # the only end of a disbursed financing: the claim is settled
    assert world.client("tier1").get_receivable(world.receivable).status == "SETTLED"


def test_compare_on_a_settled_receivable_says_nothing_is_left_to_finance(world):
    world.client("tier1").withdraw_financing(world.financing)
    expires = date.fromisoformat(world.today) + timedelta(days=30)
    discount = world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.02", expires_on=expires)).id
    world.client("tier1").accept_discount_offer(discount, world.receivable)
    result = CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier1"])
    assert result.exit_code == 1
    assert (f"{world.receivable} is settled: nothing is outstanding on it, so nothing is left to finance or pay "
            f"early") in result.output


def test_compare_as_someone_not_party_to_the_claim_is_refused(world):
    result = CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier2"])
    assert result.exit_code == 1 and "not-permitted-to-read" in result.output


def test_two_quotes_in_a_row_cannot_both_take_the_whole_limit(world, tmp_path):
    """Each offer made is one acceptance away from being lent: the next quote counts it against the limit."""
    small = tmp_path / "small-bank.yaml"   # a limit of 1,500,000.00 yuan on a grade-A debtor
    small.write_text(Path(CONFIG).read_text(encoding="utf-8").replace("per_debtor: 20000000000",
                                                                      "per_debtor: 150000000"))
    net = world.net
    second = asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 100_000_000, due_in=90))["id"]
    world.client("tier2").request_financing(second)

    def quote_on(receivable: str, *extra: str, input: str | None = None):
        result = CliRunner().invoke(finance, ["quote", receivable, "--as", "bank", "--config", str(small), "--grade",
                                              "A", "--on", world.today, *extra], input=input)
        assert result.exit_code == 0, result.output
        return result

    first = json.loads(quote_on(world.receivable, "--yes", "--json").stdout)
    assert (first["exposure"], first["open_offers"], first["available"]) == (0, 0, 150_000_000)
    assert first["priced"]["advance"] == 95_000_000 and first["made_offer"] is not None
    then = json.loads(quote_on(second, "--yes", "--json").stdout)
    assert (then["exposure"], then["open_offers"], then["available"]) == (0, 95_000_000, 55_000_000)
    assert then["priced"]["advance"] == 55_000_000   # cut to what the limit leaves
    shown = quote_on(second, input="n\n").output   # the table shows both figures
    assert "exposure: CNY 0.00\nopen_offers: CNY 950,000.00\navailable: CNY 550,000.00" in shown
    # the bank's own offer on a request is the one quoted again there, not counted against itself
    again = json.loads(quote_on(world.receivable, "--json").stdout)
    assert (again["open_offers"], again["available"]) == (55_000_000, 95_000_000)
    for holder, made in (("tier1", first), ("tier2", then)):
        world.client(holder).accept_offer(made["made_offer"]["id"])
    lent = world.client("bank").financier_exposure(world.uscc("core"))
    assert lent.exposure_in("CNY") == 150_000_000   # all of the limit, and no more
    # on a third claim of the debtor: the two financed take no offer
    third = asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 100_000_000, due_in=90))["id"]
    world.client("tier2").request_financing(third)
    full = CliRunner().invoke(finance, ["quote", third, "--as", "bank", "--config", str(small), "--grade",
                                        "A", "--on", world.today, "--exposure-outside", "1,000", "--json"])
    assert json.loads(full.stdout)["exposure"] == 150_100_000   # lending outside the ledger added to its figure


def test_quote_prices_what_a_partly_paid_claim_still_owes_as_the_disbursement_does(world):
    world.client("tier1").withdraw_financing(world.financing)
    world.client("core").record_payment(world.receivable, 40_000_000)   # 400,000.00 of 1,000,000.00 paid
    world.financing = world.client("tier1").request_financing(world.receivable).id
    made = json.loads(quote(world, "--grade", "A", "--yes", "--json").stdout)
    assert made["priced"]["advance"] == 57_000_000   # 95% of the 600,000.00 still owed, not of the face
    assert made["priced"]["remainder_at_maturity"] == 3_000_000
    world.client("tier1").accept_offer(made["made_offer"]["id"])
    world.client("bank").record_disbursement(world.financing)
    [lent] = world.client("bank").financier_exposure(world.uscc("core")).financings
    assert lent.principal == made["priced"]["advance"]


def test_the_terms_priced_from_the_ledger_name_the_freeze_orders_queued_behind_the_one_in_effect():
    """finance compare and quote price a claim from the ledger: one lifting does not free a claim other orders are
    queued on, so the terms carry them, as proposals on the claim do."""
    from client.pricing.ledger import receivable_terms
    from client.receivables import Receivable
    from tests.unit.receivables_client import fakes

    order = {"by": fakes.CORE, "date": "2026-04-01", "tx_id": "t"}
    r = Receivable.model_validate(fakes.receivable(frozen={**order, "order_reference": "ORDER-A"},
                                                   queued_freezes=[{**order, "order_reference": "ORDER-B"}]))
    terms = receivable_terms(r)
    assert (terms.frozen_by, terms.queued_freezes, terms.face_amount) == ("ORDER-A", ["ORDER-B"], r.outstanding)
