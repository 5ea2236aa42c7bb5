"""`python -m bench.components`: what its chaincode rows' peer round trips depend on (docs/benchmark.md,
"Component CPU"). Counts, never timings."""
import asyncio

from bench.components import Settings, run_components


def test_only_making_an_offer_has_round_trips_that_depend_on_the_iterations_and_the_warm_up():
    """docs/benchmark.md: the pass's first offer drops the W entries the warm-up's offers left (3 round trips
    each), every offer costs 8 (6, one to find the end of its scan of the bank's entries, and the key-level policy
    of its exposure version) while the bank has from 1 to 100 entries on the debtor: 8 + 3 W / N on average. test_components holds every figure at N 4
    after W 2 (make_offer 9.5); here N 3 after W 1. Requesting financing on a part reads the registry entry of
    its root's invoice under the invoice's other spelling in a round trip of its own (4). Accepting an offer reads
    the key-level policy of the invoice's registry entry, to add the bank's org to it, and of the request's
    records it ends (13); a change of an existing claim's status or holder reads the policy of the index
    entries it moves (2 more). The creditor's link of a paper identity on the financed part reads the part, the
    caller's party, the root, the root's first live part (the lineage is live), the paper identity's registry
    entry and its other spelling's, the invoice's own entry and its key-level policy (copied to the new entry),
    one round trip each, then writes (9)."""
    report = asyncio.run(run_components(Settings(iterations=3, warmup=1, parts=("chaincode",))))
    trips = {r["operation"]: r["peer_round_trips"] for r in report["rows"]}
    assert trips["make_offer"] == 8 + 3 * 1 / 3
    assert {op: n for op, n in trips.items() if op != "make_offer"} == {
        "register": 4, "confirm": 5, "transfer": 5, "request_financing": 4, "accept_offer": 13, "link_paper": 9, "disburse": 9,
        "acknowledge": 3, "record_payment": 5, "repay": 3, "freeze": 3, "unfreeze": 3, "publish_discount": 3,
        "accept_discount": 7}
