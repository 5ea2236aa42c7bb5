"""docs/receivables.md's account of the writes that take no request id says how a lifting of a freeze sent
again is refused: by one of three rules, depending on whether it named the order in ``lifts`` and whether an
order still binds the claim. Each is run here on the contract, and the docs must name the rule it answered
with; docs/sdk-receivables.md names the payment record's dated liftings the risk features read."""

from __future__ import annotations

from pathlib import Path

from .support import standard_net

DOCS = Path(__file__).resolve().parents[3] / "docs"
FIRST, SECOND, LIFTING = "(2026) Hu 0101 Bao 1", "(2026) Hu 0101 Bao 2", "(2026) Hu 0101 Jie 1"


def _sentence_on_a_lifting_sent_again() -> str:
    text = " ".join((DOCS / "receivables.md").read_text(encoding="utf-8").split())
    start = text.index("A lifting of a freeze sent again is refused")
    return text[start:text.index(".", text.index(")", start)) + 1]


async def _lifted_once(orders: tuple[str, ...], lifts: tuple[str, ...] = ()):
    net = await standard_net()
    a = net.actors
    rid = (await net.confirmed(a["tier1"], a["core"]))["id"]
    for order in orders:
        await net.ok(a["regulator"], "FreezeReceivable", rid, order)
    await net.ok(a["regulator"], "UnfreezeReceivable", rid, LIFTING, *lifts)
    return net, rid


async def test_the_docs_name_the_rule_of_each_lifting_sent_again():
    said = _sentence_on_a_lifting_sent_again()
    # another order still binds the claim: without lifts, and with the lifts the first attempt named
    net, rid = await _lifted_once((FIRST, SECOND))
    await net.refused(net.actors["regulator"], "UnfreezeReceivable", rid, LIFTING, rule="lifting-sent-again")
    net, rid = await _lifted_once((FIRST, SECOND), (FIRST,))
    await net.refused(net.actors["regulator"], "UnfreezeReceivable", rid, LIFTING, FIRST,
                      rule="freeze-order-not-found")
    # the lifting freed the claim: sent again either way, there is nothing to lift
    net, rid = await _lifted_once((FIRST,))
    for lifts in ((), (FIRST,)):
        await net.refused(net.actors["regulator"], "UnfreezeReceivable", rid, LIFTING, *lifts,
                          rule="not-frozen")
    for rule in ("lifting-sent-again", "freeze-order-not-found", "not-frozen"):
        assert f"`{rule}`" in said, (rule, said)


def test_the_sdk_docs_name_the_dated_liftings_of_the_payment_record():
    text = (DOCS / "sdk-receivables.md").read_text(encoding="utf-8")
    section = text[text.index("### Reads for risk and pricing"):]
    section = section[:section.index("\n#", 1)]
    assert "`unfreezes`" in section and "`freezes`" in section
