"""A seeded random driver over the money steps of a claim: pay, split, transfer, finance, repay, demand and
exercise recourse, cancel, freeze and lift, mark overdue, the clock moved by days and across Beijing's
midnight.

After every step it checks what a payment promises (docs/receivables.md, "Payments" and "Recourse"):

- a payment allocates no more to a part than the part owes, its allocations add up to the amount paid, and
  each goes to the part's own holder, or to its bank once the bank disbursed (its notice issued);
- every unsplit claim owes its face less what was paid on it, and is SETTLED exactly when it owes nothing; a
  split claim's parts add up to what it owed when split;
- a payment is ``late`` exactly when its business date is after the due date, and a claim is marked overdue
  only after its due date;
- repayment settles the claim, recording what was still owed as paid to the bank; recourse leaves what the
  debtor owes as it was and gives the claim back to its holder, OVERDUE; a demand changes no claim;
- a retried payment (its request id) answers as the first did and writes nothing;
- a refused step changes nothing.

test_stateful.py checks the contract against a full model; this one is narrower and cheaper, so it runs more
sequences through the payment paths. A failure names its seed and the steps that led there.
"""

from __future__ import annotations

import asyncio
import json
import random

from .support import Net, standard_net, transient_terms

SEEDS = range(40)
STEPS = 60
# the steps drawn, weighted by repetition: payments most, as they are what is checked most
OPERATIONS = ("new", "pay", "pay", "pay", "split", "transfer", "finance", "repay", "recourse", "demand",
              "freeze", "unfreeze", "advance", "overdue", "cancel")
FREEZE_ORDERS = ("(2026) Hu 01 Zhi Bao 7", "(2026) Jing 02 Zhi Bao 9")


class Driver:
    def __init__(self, net: Net, seed: int) -> None:
        self.net, self.rnd = net, random.Random(seed)
        self.name_of = {a.uscc: name for name, a in net.actors.items()}
        self.financings: dict[str, tuple[str, dict]] = {}   # claim id -> (financing id, transient terms)
        self.requests: dict[str, tuple[tuple[str, ...], dict]] = {}   # request id -> (arguments, result)
        self.steps: list[tuple] = []

    def claim(self, claim_id: str) -> dict:
        return self.net.doc(claim_id)

    def claim_ids(self) -> list[str]:
        return [json.loads(value)["id"] for key, value in self.net.ledger.state.items()
                if "recfin.receivable" in key]

    async def call(self, who: str, fn: str, *args, **kw) -> dict | None:
        before = self.net.snapshot()
        result = await self.net.call(self.net.actors[who], fn, *args, **kw)
        self.steps.append((self.net.today, who, fn, args, result.status, (result.message or "")[:160]))
        if result.status != 200:
            assert self.net.snapshot() == before, f"refused {fn}{args} changed the ledger: {result.message}"
            return None
        return json.loads(result.payload) if result.payload else {}

    def check_amounts(self) -> None:
        for claim_id in self.claim_ids():
            c = self.claim(claim_id)
            paid = sum(p["amount"] + p["discount"] for p in c["payments"])
            if c["children"]:
                assert c["outstanding"] == 0 and sum(self.claim(k)["face_amount"] for k in c["children"]) == \
                    c["face_amount"] - paid, f"split {claim_id}: its parts are not what it owed"
                continue
            assert c["outstanding"] == c["face_amount"] - paid >= 0, f"{claim_id} owes {c['outstanding']}"
            assert (c["status"] == "SETTLED") == (c["outstanding"] == 0), f"{claim_id} is {c['status']}"
            for p in c["payments"]:
                assert p["late"] == (p["date"] > c["due_date"]), f"{claim_id}: payment {p} late flag"

    async def step(self) -> None:
        rnd, net, actors = self.rnd, self.net, self.net.actors
        op = rnd.choice(OPERATIONS)
        ids = self.claim_ids()
        if op == "new" or not ids:
            holder = rnd.choice(("tier1", "tier2"))
            face, due_in = rnd.choice((7, 999, 1000, 100_00)), rnd.choice((3, 10, 30))
            r = await net.ok(actors[holder], "RegisterReceivable",
                             net.registration(actors[holder], actors["core"], face, due_in=due_in))
            await net.ok(actors["core"], "ConfirmReceivable", r["id"])
            self.steps.append((net.today, holder, "Register, Confirm", (r["id"],), 200, ""))
            return
        picked = rnd.choice(ids)
        c = self.claim(picked)
        holder = self.name_of[c["holder"]]
        if op == "pay":
            await self.pay(picked)
        elif op in ("split", "transfer"):
            other = actors["tier2" if holder == "tier1" else "tier1"].uscc
            amount = c["outstanding"] if op == "transfer" else rnd.randint(1, max(c["outstanding"], 1))
            await self.call(holder, "TransferReceivable", picked, other, str(amount))
        elif op == "finance":
            terms = transient_terms(recourse=rnd.random() < 0.6)
            f = await self.call(holder, "RequestFinancing", picked)
            o = f and await self.call("bank", "MakeFinancingOffer", f["id"], transient=terms)
            if o and await self.call(holder, "AcceptFinancingOffer", o["id"]) is not None:
                self.financings[picked] = (f["id"], terms)
                if rnd.random() < 0.8:
                    await self.call("bank", "RecordDisbursement", f["id"], transient=terms)
        elif op in ("repay", "recourse", "demand", "cancel") and self.financings:
            await self.end_financing(op, rnd.choice(list(self.financings)))
        elif op == "freeze":
            await self.call("regulator", "FreezeReceivable", picked, rnd.choice(FREEZE_ORDERS))
        elif op == "unfreeze" and c["frozen"]:
            lifting, lifted = f"(2026) Hu 01 Zhi Jie {rnd.randint(1, 99)}", c["frozen"]["order_reference"]
            await self.call("regulator", "UnfreezeReceivable", picked, lifting, lifted)
        elif op == "advance":
            # whole days, and across 16:00 UTC, Beijing's midnight, where the business date turns
            net.advance(days=rnd.choice((1, 1, 3, 7, 20)), hours=rnd.choice((0, 0, 15.9, 16.1)))
            self.steps.append((net.today, "-", "advance", (), 200, ""))
        elif op == "overdue":
            if await self.call(rnd.choice(("core", holder)), "RecordOverdue", picked) is not None:
                assert net.today > c["due_date"], f"{picked} marked overdue {net.today}, due {c['due_date']}"

    async def pay(self, claim_id: str) -> None:
        rnd = self.rnd
        c = self.claim(claim_id)
        leaves = [self.claim(i) for i in self.claim_ids()]
        owed = c["outstanding"] if not c["children"] else sum(  # the whole tree's: near enough to draw from
            leaf["outstanding"] for leaf in leaves
            if leaf["root_id"] == c["root_id"] and not leaf["children"])
        amount = str(rnd.choice((1, max(owed // 3, 1), owed, owed + 1, rnd.randint(1, max(owed, 1)))))
        request_id = rnd.choice(("", "", "q1", "q2"))
        before = {leaf["id"]: leaf for leaf in leaves}
        state_before = dict(self.net.ledger.state)
        retry = (request_id,) if request_id else ()
        paid = await self.call("core", "RecordPayment", claim_id, amount, *retry)
        if paid is None:
            return
        if request_id in self.requests:   # a retry: the first result, nothing written
            assert self.requests[request_id] == ((claim_id, amount), paid), f"request {request_id} reused"
            assert dict(self.net.ledger.state) == state_before, f"a retry of request {request_id} wrote"
            return
        if request_id:
            self.requests[request_id] = ((claim_id, amount), paid)
        assert sum(a["amount"] for a in paid["allocations"]) == int(amount), paid["allocations"]
        for a in paid["allocations"]:
            part = before[a["receivable_id"]]
            assert 0 < a["amount"] <= part["outstanding"], f"{a} of {part['outstanding']} owed"
            to_bank = part["notice_id"] is not None and part["financing_id"] is not None
            assert a["payee"] == (part["financier"] if to_bank else part["holder"]), a
            after = self.claim(a["receivable_id"])
            assert (after["outstanding"], after["holder"]) == \
                (part["outstanding"] - a["amount"], part["holder"])

    async def end_financing(self, op: str, claim_id: str) -> None:
        financing_id, terms = self.financings[claim_id]
        before = self.claim(claim_id)
        if op == "repay":
            if await self.call("bank", "RecordRepayment", financing_id) is None:
                return
            after = self.claim(claim_id)
            assert (after["outstanding"], after["status"]) == (0, "SETTLED")
            if before["outstanding"]:
                last = after["payments"][-1]
                assert (last["amount"], last["payee_role"]) == (before["outstanding"], "financier")
        elif op == "recourse":
            if await self.call("bank", "ExerciseRecourse", financing_id, "unpaid", transient=terms) is None:
                return
            after = self.claim(claim_id)
            assert (after["outstanding"], after["holder"], after["status"], after["financier"]) == \
                (before["outstanding"], before["holder"], "OVERDUE", None)
        elif op == "demand":
            if await self.call("bank", "DemandRecourse", financing_id, "unpaid", transient=terms) is not None:
                assert self.claim(claim_id) == before, "a demand changed the claim"
        else:
            who = self.rnd.choice(("bank", self.name_of[before["holder"]]))
            await self.call(who, "CancelFinancing", financing_id, "terms no longer needed")


async def _drive(seed: int) -> None:
    driver = Driver(await standard_net(), seed)
    for _ in range(STEPS):
        try:
            await driver.step()
            driver.check_amounts()
        except AssertionError as exc:
            steps = "\n".join(map(str, driver.steps))
            raise AssertionError(f"seed {seed}: {exc}\nsteps:\n{steps}") from None


def test_payments_repayments_and_recourse_keep_their_amounts_over_random_sequences():
    for seed in SEEDS:
        asyncio.run(_drive(seed))
