"""The worked money examples of docs/receivables.md ("Day-count arithmetic", "Financing", "Rule codes") are what
the contract records when they are run on the in-memory ledger.

A bank or a supplier reconciles its own figures with the ledger's by these examples: an interest, a discount or a
rounding the page gives that the contract does not compute would have them reconcile a fen off, or expect a
refusal that never comes. Each example is read from the page's own words (so one changed there is checked as
changed) and run through the transactions a reader would send: a claim of that amount financed or discounted that
many days before its due date, or the offer the page says is refused, refused by the rule it names.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from .receivables.support import standard_net, transient_terms

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "receivables.md").read_text(encoding="utf-8")
def pattern(text: str) -> re.Pattern[str]:
    """``text`` as a regular expression where a space is any run of white space: the page wraps its lines anywhere."""
    return re.compile(text.replace(" ", r"\s+"))


YUAN = r"([\d,]+\.\d\d) yuan"
DAYS = r"(\d+ days|one day)"

# "1,000,000.00 yuan at 3.6% for 90 days ACT/360 = 9,000.00 yuan; ACT/365 = 8,876.71 yuan"
INTEREST_BOTH_BASES = pattern(rf"{YUAN} at ([\d.]+)% for {DAYS} ACT/360 = {YUAN};\s+ACT/365 = {YUAN}")
# "50.00 yuan at 18% for one day ACT/360 = 2.5 fen -> 3 fen"
INTEREST_IN_FEN = pattern(rf"{YUAN} at ([\d.]+)% for {DAYS} (ACT/36[05]) = ([\d.]+) fen -> (\d+) fen")
# "Outstanding 1,000.05 yuan at an advance rate of 0.9, 3.6% for 90 days ACT/360: principal 900.05 yuan (...),
# interest 8.10 yuan, net 891.95 yuan"
ROUNDED_PRINCIPAL = pattern(
    rf"Outstanding {YUAN} at an advance rate of ([\d.]+), ([\d.]+)% for {DAYS} (ACT/36[05]):\s+principal\s+{YUAN} "
    rf"\([\d.]+, half up\), interest {YUAN}, net {YUAN}")
# "50.00 yuan at 18%, one day early, ACT/360: discount 2.5 fen -> 3 fen, paid 49.97 yuan"
DISCOUNT = pattern(rf"{YUAN} at ([\d.]+)%,\s+{DAYS} early, (ACT/36[05]): discount ([\d.]+) fen -> (\d+) fen, "
                      rf"paid {YUAN}")
# "1 fen at 100% for 180 days ACT/360 being a discount of 0.5 fen, rounded to 1 fen) is refused
# (`discount-exceeds-amount`)" and the rule codes table's "(1 fen at 100% for 180 days ACT/360: 0.5 fen rounds to
# 1 fen, all of it)"
DISCOUNT_TAKING_ALL = pattern(rf"(\d+) fen at ([\d.]+)% for {DAYS} (ACT/36[05])(?: being a discount of|:) "
                                 r"([\d.]+) fen,? round(?:ed|s) to (\d+) fen")
# "is 0 fen (`advance-rounds-to-zero`, e.g. 1 fen at 0.4)"
ADVANCE_ROUNDING_TO_ZERO = pattern(r"0 fen \(`advance-rounds-to-zero`, e\.g\. (\d+) fen at ([\d.]+)\)")


def fen(yuan: str) -> int:
    return int(Decimal(yuan.replace(",", "")) * 100)


def days(text: str) -> int:
    return 1 if text.split() == ["one", "day"] else int(text.split()[0])


def rate(percent: str) -> str:
    return format(Decimal(percent) / 100, "f")


def found(pattern: re.Pattern[str]) -> list[tuple[str, ...]]:
    examples = [m.groups() for m in pattern.finditer(PAGE)]
    assert examples, f"docs/receivables.md shows no example matching {pattern.pattern!r}: reword the test with the page"
    return examples


async def disbursed(outstanding: int, *, advance_rate: str, discount_rate: str, days_to_due: int,
                    day_count: str) -> dict:
    """The disbursement record of a claim of ``outstanding`` fen financed on those terms and disbursed
    ``days_to_due`` days before its due date, as the contract writes it."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    claim = await net.confirmed(tier1, core, outstanding, due_in=days_to_due)
    financing = await net.financed(tier1, claim["id"], terms=transient_terms(
        advance_rate=advance_rate, discount_rate=discount_rate, day_count=day_count))
    record = await net.ok(bank, "GetDisbursement", financing["id"], evaluate=True)
    assert (record["outstanding"], record["days"], record["day_count"]) == (outstanding, days_to_due, day_count)
    return record


async def test_each_interest_example_is_the_interest_a_disbursement_at_an_advance_rate_of_1_charges():
    for amount, percent, period, at_360, at_365 in found(INTEREST_BOTH_BASES):
        for basis, interest in (("ACT/360", at_360), ("ACT/365", at_365)):
            record = await disbursed(fen(amount), advance_rate="1", discount_rate=rate(percent),
                                     days_to_due=days(period), day_count=basis)
            assert record["interest"] == fen(interest), (amount, percent, period, basis)
    for amount, percent, period, basis, exact, rounded in found(INTEREST_IN_FEN):
        assert Decimal(exact) == fen(amount) * Decimal(rate(percent)) * days(period) / int(basis[-3:])
        record = await disbursed(fen(amount), advance_rate="1", discount_rate=rate(percent),
                                 days_to_due=days(period), day_count=basis)
        assert record["interest"] == int(rounded), (amount, percent, period, basis)


async def test_the_rounded_principal_example_is_the_disbursement_recorded():
    for amount, advance_rate, percent, period, basis, principal, interest, net_amount in found(ROUNDED_PRINCIPAL):
        record = await disbursed(fen(amount), advance_rate=advance_rate, discount_rate=rate(percent),
                                 days_to_due=days(period), day_count=basis)
        assert (record["principal"], record["interest"], record["net_amount"]) == \
            (fen(principal), fen(interest), fen(net_amount)), amount


async def test_each_discount_example_is_the_payment_an_acceptance_records():
    for amount, percent, period, basis, exact, discount, paid in found(DISCOUNT):
        assert Decimal(exact) == fen(amount) * Decimal(rate(percent)) * days(period) / int(basis[-3:])
        net = await standard_net()
        core, tier1 = net.actors["core"], net.actors["tier1"]
        claim = await net.confirmed(tier1, core, fen(amount), due_in=days(period))
        offer = await net.ok(core, "PublishDiscountOffer", {"apr": rate(percent), "day_count": basis,
                                                            "expires_on": net.day(0),
                                                            "receivable_ids": [claim["id"]]})
        await net.ok(tier1, "AcceptDiscountOffer", offer["id"], claim["id"])
        payment = net.doc(claim["id"])["payments"][0]
        assert (payment["amount"], payment["discount"]) == (fen(paid), int(discount)), amount


async def test_each_discount_the_page_says_takes_the_whole_amount_is_refused():
    for amount, percent, period, basis, exact, rounded in found(DISCOUNT_TAKING_ALL):
        assert Decimal(exact) == int(amount) * Decimal(rate(percent)) * days(period) / int(basis[-3:])
        assert int(rounded) >= int(amount)
        net = await standard_net()
        core, tier1 = net.actors["core"], net.actors["tier1"]
        claim = await net.confirmed(tier1, core, int(amount), due_in=days(period))
        offer = await net.ok(core, "PublishDiscountOffer", {"apr": rate(percent), "day_count": basis,
                                                            "expires_on": net.day(0),
                                                            "receivable_ids": [claim["id"]]})
        message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                    rule="discount-exceeds-amount")
        assert f"a discount of {Decimal(rounded) / 100:.2f} CNY" in message, message


async def test_each_offer_the_page_says_advances_nothing_is_refused():
    for amount, advance_rate in found(ADVANCE_ROUNDING_TO_ZERO):
        net = await standard_net()
        core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
        claim = await net.confirmed(tier1, core, int(amount), due_in=30)
        request = await net.ok(tier1, "RequestFinancing", claim["id"])
        await net.refused(bank, "MakeFinancingOffer", request["id"],
                          transient=transient_terms(advance_rate=advance_rate), rule="advance-rounds-to-zero")


# "a claim of 1,000.00 yuan split into `<id>.1` of 300.01 yuan (transferred) and `<id>.2` of 699.99 yuan (kept),
# paid 500.00 yuan through the claim: the exact shares are 150.005 and 349.995 yuan, whose floors, 150.00 and
# 349.99 yuan, leave 1 fen; ... and the parts are paid 150.01 and 349.99 yuan"
PRO_RATA = pattern(rf"a claim of {YUAN} split into `<id>\.1` of {YUAN} \(transferred\) and `<id>\.2` of {YUAN} "
                   rf"\(kept\), paid {YUAN} through the claim: the exact shares are ([\d.]+) and ([\d.]+) yuan, "
                   rf"whose floors, ([\d,]+\.\d\d) and {YUAN}, leave (\d+) fen;[^;]*? the parts are paid ([\d.]+) and {YUAN}")


async def test_each_pro_rata_example_is_what_a_payment_through_the_split_claim_allocates():
    for face, moved, kept, paid, *figures in found(PRO_RATA):
        exact_moved, exact_kept, floor_moved, floor_kept, left, share_moved, share_kept = figures
        assert fen(moved) + fen(kept) == fen(face)
        assert Decimal(exact_moved) * 100 == Decimal(fen(paid) * fen(moved)) / fen(face)
        assert Decimal(exact_kept) * 100 == Decimal(fen(paid) * fen(kept)) / fen(face)
        assert (fen(floor_moved), fen(floor_kept)) == (fen(paid) * fen(moved) // fen(face),
                                                       fen(paid) * fen(kept) // fen(face))
        assert fen(paid) - fen(floor_moved) - fen(floor_kept) == int(left)
        net = await standard_net()
        core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
        claim = await net.confirmed(tier1, core, fen(face))
        await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, str(fen(moved)))
        await net.ok(core, "RecordPayment", claim["id"], str(fen(paid)))
        _, name, payload = net.ledger.events[-1]
        assert name == "PaymentRecorded"
        allocations = {a["receivable_id"]: a["amount"] for a in json.loads(payload)["allocations"]}
        assert allocations == {f"{claim['id']}.1": fen(share_moved), f"{claim['id']}.2": fen(share_kept)}, face
