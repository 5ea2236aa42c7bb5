"""GetStatistics against sums kept apart from the ledger, to the fen, after every step of seeded random sequences
over two debtors' claims in two currencies: splits and whole transfers, payments on a part and through a split
claim (spread by the largest-remainder rule of docs/receivables.md, worked out here again), early-payment
discounts, financings accepted, disbursed, cancelled, repaid or taken back under recourse, freezes and their
liftings, RecordOverdue and the passing of days.

The sums come from what each step was asked to do, never from a claim read back: exposure is what the unpaid
parts still owe, financed what those with an accepted or disbursed financing owe, overdue what those past their
due date owe. A step the contract refuses changes nothing in them. Seeded, not drawn by hypothesis: the same
sequences on every run.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

import pytest

from .support import Actor, Net, standard_net, transient_terms

# splits and financings weigh more: a claim paid off, discounted or repaid leaves the figures for good
STEPS = ("split", "split", "split", "transfer", "pay", "pay-through-split", "pay-through-split", "discount",
         "finance", "finance", "accept", "cancel", "repay", "recourse", "recourse", "freeze", "lift", "overdue",
         "overdue", "wait", "wait")


@dataclass
class Claim:
    debtor: str
    holder: str
    owed: int
    due: str
    currency: str
    parts: list[str] = field(default_factory=list)
    settled: bool = False
    frozen: bool = False
    financing: str | None = None   # accepted or disbursed
    bank: Actor | None = None      # the financing's
    disbursed: bool = False

    @property
    def payable(self) -> bool:
        return not self.parts and not self.settled


def largest_remainders(amount: int, owed: list[tuple[str, int]]) -> dict[str, int]:
    """``amount`` spread over ``owed`` in proportion: each the floor of its exact share, the fen left one each to
    the largest remainders, ties in id order."""
    total = sum(o for _, o in owed)
    shares = {key: amount * o // total for key, o in owed}
    by_remainder = sorted(owed, key=lambda item: (-(amount * item[1] % total), item[0]))
    for key, _ in by_remainder[:amount - sum(shares.values())]:
        shares[key] += 1
    return shares


FIGURES = ("exposure", "financed", "overdue", "receivables")


class Run:
    def __init__(self, net: Net, rnd: random.Random) -> None:
        self.net, self.rnd, self.claims = net, rnd, {}
        self.by_code: dict[str, Actor] = {a.uscc: a for a in net.actors.values()}

    async def step(self, actor: Actor, fn: str, *args, **kw) -> dict | None:
        result = await self.net.call(actor, fn, *args, **kw)
        return json.loads(result.payload) if result.status == 200 else None

    def leaves(self, claim_id: str) -> list[str]:
        parts = self.claims[claim_id].parts
        return [leaf for part in parts for leaf in self.leaves(part)] if parts else [claim_id]

    def paid(self, claim_id: str, amount: int) -> None:
        c = self.claims[claim_id]
        if amount and c.financing is not None and not c.disbursed and c.due <= self.net.today:
            c.financing = None   # from the due date on, a payment ends a financing not disbursed (RecordPayment)
        c.owed -= amount
        c.settled = c.owed == 0

    def other_supplier(self, code: str) -> Actor:
        return next(a for a in (self.net.actors["tier1"], self.net.actors["tier2"]) if a.uscc != code)

    async def run(self, claim_id: str, step: str) -> None:
        net, rnd, c = self.net, self.rnd, self.claims[claim_id]
        holder, debtor = self.by_code[c.holder], self.by_code[c.debtor]
        free = not c.frozen and c.financing is None and c.due > net.today
        if step == "split" and free and c.owed >= 2:
            to, amount = self.other_supplier(c.holder), rnd.randint(1, c.owed - 1)
            if await self.step(holder, "TransferReceivable", claim_id, to.uscc, str(amount)):
                c.parts = [f"{claim_id}.1", f"{claim_id}.2"]
                self.claims[c.parts[0]] = Claim(c.debtor, to.uscc, amount, c.due, c.currency)
                self.claims[c.parts[1]] = Claim(c.debtor, c.holder, c.owed - amount, c.due, c.currency)
                c.owed = 0
        elif step == "transfer" and free:
            to = self.other_supplier(c.holder)
            if await self.step(holder, "TransferReceivable", claim_id, to.uscc, str(c.owed)):
                c.holder = to.uscc
        elif step == "pay" and not c.frozen:
            amount = rnd.choice([c.owed, rnd.randint(1, c.owed), rnd.randint(1, c.owed)])
            if await self.step(debtor, "RecordPayment", claim_id, str(amount)):
                self.paid(claim_id, amount)
        elif step == "pay-through-split":
            splits = [i for i, x in self.claims.items() if x.parts and x.debtor == c.debtor]
            if splits:
                split = rnd.choice(splits)
                owed = sorted((leaf, self.claims[leaf].owed) for leaf in self.leaves(split)
                              if self.claims[leaf].payable)
                if owed and not any(self.claims[leaf].frozen for leaf, _ in owed):
                    total = sum(o for _, o in owed)
                    amount = rnd.choice([total, rnd.randint(1, total), rnd.randint(1, total)])
                    if await self.step(debtor, "RecordPayment", split, str(amount)):
                        for leaf, share in largest_remainders(amount, owed).items():
                            self.paid(leaf, share)
        elif step == "discount" and free:
            offer = await self.step(debtor, "PublishDiscountOffer", {
                "apr": rnd.choice(["0.05", "0.12"]), "expires_on": net.day(60), "day_count": "ACT/360",
                "receivable_ids": []})
            if offer and await self.step(holder, "AcceptDiscountOffer", offer["id"], claim_id):
                c.owed, c.settled = 0, True   # settled at the discounted amount: nothing is owed any more
        elif step in ("finance", "accept") and free:
            request = await self.step(holder, "RequestFinancing", claim_id)
            terms = transient_terms(recourse=True)
            bank = net.actors[rnd.choice(["bank", "bank2"])]
            offer = request and await self.step(bank, "MakeFinancingOffer", request["id"], transient=terms)
            if offer and await self.step(holder, "AcceptFinancingOffer", offer["id"]):
                c.financing, c.bank = request["id"], bank
                if step == "finance" and await self.step(bank, "RecordDisbursement", request["id"], transient=terms):
                    c.disbursed = True
        elif step in ("cancel", "repay", "recourse") and c.financing is not None and not c.frozen:
            bank = c.bank
            if step == "cancel" and not c.disbursed:
                if await self.step(bank, "CancelFinancing", c.financing, "limit reached"):
                    c.financing = None
            elif step == "repay" and c.disbursed:
                if await self.step(bank, "RecordRepayment", c.financing):
                    c.owed, c.settled, c.financing = 0, True, None
            elif step == "recourse" and c.disbursed and c.due < net.today:
                if await self.step(bank, "ExerciseRecourse", c.financing, "the debtor did not pay",
                                   transient=transient_terms(recourse=True)):
                    c.financing = None
        elif step == "freeze" and not c.frozen:
            c.frozen = bool(await self.step(net.actors["regulator"], "FreezeReceivable", claim_id, "court order 1"))
        elif step == "lift" and c.frozen:
            c.frozen = not await self.step(net.actors["regulator"], "UnfreezeReceivable", claim_id, "court order 2")
        elif step == "overdue" and c.due < net.today and not c.frozen:
            await self.step(holder, "RecordOverdue", claim_id)   # bookkeeping: the figures count it either way
        elif step == "wait":
            net.advance(days=rnd.randint(1, 8))

    def expected(self) -> dict[str, dict[str, dict[str, int]]]:
        """Per debtor, per currency: never a sum of two currencies' fen."""
        rows: dict[str, dict[str, dict[str, int]]] = {}
        for c in self.claims.values():
            if c.payable:
                row = rows.setdefault(c.debtor, {}).setdefault(c.currency, dict.fromkeys(FIGURES, 0))
                row["exposure"] += c.owed
                row["financed"] += c.owed if c.financing is not None else 0
                row["overdue"] += c.owed if c.due < self.net.today else 0
                row["receivables"] += 1
        return rows


@pytest.mark.parametrize("seed", range(12))
async def test_statistics_match_sums_kept_apart_after_every_step(seed):
    rnd = random.Random(seed)
    net = await standard_net()
    run = Run(net, rnd)
    for _ in range(6):
        debtor = net.actors[rnd.choice(["core", "core2"])]
        face = rnd.randint(3, 3_500_000) * 7 + rnd.randint(0, 6)   # odd amounts, where the rounding of shares shows
        claim = await net.confirmed(net.actors["tier1"], debtor, face, due_in=rnd.randint(10, 60),
                                    currency=rnd.choice(["CNY", "CNY", "USD"]))
        run.claims[claim["id"]] = Claim(debtor.uscc, claim["holder"], face, claim["due_date"], claim["currency"])
    steps = []
    for _ in range(80):
        payable = [i for i, c in run.claims.items() if c.payable]
        if not payable:
            break
        claim_id, step = rnd.choice(payable), rnd.choice(STEPS)
        steps.append((step, claim_id))
        await run.run(claim_id, step)
        stats = await net.ok(net.actors["regulator"], "GetStatistics", evaluate=True)
        figures = {debtor: {currency: {k: v for k, v in row.items() if k != "financed_share"}
                            for currency, row in by_currency.items()}
                   for debtor, by_currency in stats["per_debtor"].items()}
        expected = run.expected()
        assert figures == expected, steps
        totals: dict[str, dict[str, int]] = {}
        for by_currency in expected.values():
            for currency, row in by_currency.items():
                total = totals.setdefault(currency, dict.fromkeys(FIGURES, 0))
                for k in FIGURES:
                    total[k] += row[k]
        assert {currency: {k: v for k, v in row.items() if k != "financed_share"}
                for currency, row in stats["total"].items()} == totals, steps
        assert {i: net.doc(i)["outstanding"] for i in run.claims} == {i: c.owed for i, c in run.claims.items()}, steps
