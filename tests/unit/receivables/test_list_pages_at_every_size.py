"""The lists by holder, debtor, status and bank, followed page by page through their bookmarks at every page size
from one to past the whole list: each claim comes once, in id order, none skipped; and a claim that leaves a list
between two pages repeats no claim and makes the list skip none of those that stayed."""

from __future__ import annotations

import pytest

from .support import Net, standard_net


async def _followed(net: Net, actor, fn: str, *values: str, page_size: int, between=None) -> list[str]:
    """The ids of every page of ``fn`` in order, ``between`` (if given) run after the first page."""
    ids, bookmark, first = [], "", True
    for _ in range(100):   # a bookmark that leads back to a page already read would page on for ever
        page = await net.ok(actor, fn, *values, str(page_size), bookmark, evaluate=True)
        assert len(page["records"]) <= page_size
        ids += [r["id"] for r in page["records"]]
        if first and between is not None:
            await between()
        first, bookmark = False, page["bookmark"]
        if not bookmark:
            return ids
    raise AssertionError(f"{fn} still gave a bookmark after 100 pages of {page_size}: {ids}")


async def _claims() -> Net:
    """tier1's claims on core: three registered, three confirmed (one split twice, the parts held by tier1 and
    tier2; one financed by the bank)."""
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    for n in range(3):
        await net.registered(tier1, core, 1_000 + n)
    split, _, financed = [(await net.confirmed(tier1, core, 2_000 + n))["id"] for n in range(3)]
    await net.ok(tier1, "TransferReceivable", split, tier2.uscc, "700")
    await net.ok(tier2, "TransferReceivable", f"{split}.1", tier1.uscc, "300")
    await net.financed(tier1, financed)
    return net


def _listed(net: Net, **fields: str) -> list[str]:
    """The ids of the claims on the ledger whose fields are ``fields``, in id order: what a list must show."""
    claims = [net.doc(key.split("\x00")[2]) for key in net.ledger.state if key.startswith("\x00recfin.receivable\x00")]
    return sorted(c["id"] for c in claims if all(c.get(name) == value for name, value in fields.items()))


async def test_every_page_size_lists_each_claim_once_in_id_order():
    net = await _claims()
    core, tier1, tier2, bank, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "bank", "regulator"))
    lists = [
        (tier1, ("ListReceivablesByHolder", tier1.uscc), _listed(net, holder=tier1.uscc)),
        (tier2, ("ListReceivablesByHolder", tier2.uscc), _listed(net, holder=tier2.uscc)),
        (core, ("ListReceivablesByDebtor", core.uscc), _listed(net, debtor=core.uscc)),
        (reg, ("ListReceivablesByStatus", "CONFIRMED"), _listed(net, status="CONFIRMED")),
        (reg, ("ListReceivablesByStatus", "REGISTERED"), _listed(net, status="REGISTERED")),
        (bank, ("ListReceivablesByFinancier", bank.uscc, ""), _listed(net, financier=bank.uscc)),
    ]
    assert [len(want) for *_, want in lists] == [8, 2, 10, 4, 3, 1]
    for actor, (fn, *values), want in lists:
        for size in range(1, len(want) + 2):
            assert await _followed(net, actor, fn, *values, page_size=size) == want, (fn, values, size)


@pytest.mark.parametrize("page_size", [1, 2, 3])
async def test_claims_leaving_the_status_list_between_pages_repeat_none_and_skip_none_that_stayed(page_size):
    net = await _claims()
    core, reg = net.actors["core"], net.actors["regulator"]
    before = _listed(net, status="REGISTERED")
    leaving = (before[0], before[-1])   # the first listed, read before it leaves, and the last

    async def confirm():
        for claim in leaving:
            await net.ok(core, "ConfirmReceivable", claim)

    listed = await _followed(net, reg, "ListReceivablesByStatus", "REGISTERED", page_size=page_size, between=confirm)
    # the first page as it was read; after it, only the claims still REGISTERED
    assert listed == before[:page_size] + [c for c in before[page_size:] if c not in leaving]


@pytest.mark.parametrize("page_size", [1, 2, 3, 4])
async def test_a_claim_leaving_the_holders_list_between_pages_repeats_none_and_skips_none_that_stayed(page_size):
    net = await _claims()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    before = _listed(net, holder=tier1.uscc)
    # a CONFIRMED claim of tier1's (not split, not financed): transferred whole, it leaves tier1's list
    moving = _listed(net, holder=tier1.uscc, status="CONFIRMED")[0]

    async def transfer():
        await net.ok(tier1, "TransferReceivable", moving, tier2.uscc, str(net.doc(moving)["outstanding"]))

    listed = await _followed(net, tier1, "ListReceivablesByHolder", tier1.uscc, page_size=page_size, between=transfer)
    shown = moving in before[:page_size]   # read on the first page, before it moved
    assert listed == [c for c in before if c != moving or shown]
