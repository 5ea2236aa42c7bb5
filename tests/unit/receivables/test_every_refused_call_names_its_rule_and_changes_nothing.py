"""Any call of any transaction the contract publishes, by anyone, with arguments drawn from the ids on the ledger and
from text of every wrong kind: where it is refused, the refusal names the rule it broke (``RULE <code>: ...``,
never a traceback or a bare runtime error) and nothing changes: the world state, the private data, the key-level
policies, every key's history and the events stay as they were, byte for byte, and the refusal carries no event.

tests/unit/receivables/test_stateful.py checks the same of the claims' business steps against a model; this covers
every transaction, those it does not call among them (parties and their identities, paper identities, reseals,
attestations, the upgrade, the queries), with arguments no model would draw (property-based).

On the memory ledger a refused call commits nothing by construction, as on a peer: what can break the rule is a
refusal answered as a success (a 200 whose answer says it failed, which a client would submit and a peer commit),
an event set on the way to a refusal, or a refusal that names no rule.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from chaincode.receivables import ReceivablesContract

from .support import Actor, Net, attestation_request, client_identity, credit_code, standard_net, transient_terms

TRANSACTIONS = ReceivablesContract().transactions()
# each transaction's parameters after ``ctx``: their names, and how many of them are required
PARAMETERS = {name: list(inspect.signature(method).parameters.values())[1:]
              for name, (_, method) in TRANSACTIONS.items()}
RULE = re.compile(r"RULE [a-z0-9-]+: ")

# text of every wrong kind, beside the ids the ledger holds
ODD_TEXT = ["", " ", "0", "-1", "1.5", "1e3", "9" * 40, "abc", "null", "[]", "{}", '"R-1"', "\n", "x" * 600,
            "\u202e", "\x00", "\U0010ffff", "２", "R-0000000000000000", "F-0000000000000000", "2026-02-30",
            json.dumps({"uscc": "x"}), json.dumps({"apr": 0.05}), "true"]


async def _populated() -> tuple[Net, dict[str, list[str]]]:
    """A standard network with a claim in most states; the ids, credit codes, identities and documents on it, by
    the name of the parameter that takes them."""
    net = await standard_net()
    a = net.actors
    core, tier1, tier2 = a["core"], a["tier1"], a["tier2"]
    registered = await net.registered(tier1, core, 1000_00)
    confirmed = await net.confirmed(tier1, core, 1000_00)
    split = await net.ok(tier1, "TransferReceivable", (await net.confirmed(tier1, core, 1000_00))["id"],
                         tier2.uscc, "30000")
    financed = await net.financed(tier1, (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"])
    requested, offer = await net.offered(tier1, (await net.confirmed(tier1, core, 1000_00))["id"])
    discount = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    await net.ok(a["regulator"], "FreezeReceivable", split["children"][0], "ORDER-1")
    claims = [registered["id"], confirmed["id"], split["id"], *split["children"], financed["receivable_id"],
              requested["receivable_id"]]
    usccs = [*(actor.uscc for actor in a.values()), credit_code(99)]
    # documents of each kind a transaction takes: a registration (its invoice free, or one a claim holds), a party,
    # an early-payment offer, an attestation
    documents = [net.registration(tier1, core, 500_00), {**net.registration(tier1, core, 1000_00),
                                                         "invoices": registered["invoices"]},
                 {"uscc": credit_code(98), "name": "New Supplier", "role": "supplier", "msp_id": "SupplierMSP",
                  "client_ids": [client_identity("SupplierMSP", "new").id]},
                 {"apr": "0.05", "expires_on": net.day(10), "receivable_ids": [confirmed["id"]]},
                 {"scale": [{"min_days_early": 1, "apr": "0.1"}], "expires_on": net.day(10)},
                 attestation_request(tier1.uscc, registered["invoices"][0]["number"])]
    pools = {"receivable_id": claims, "financing_id": [financed["id"], requested["id"]],
             "offer_id": [offer["id"], discount["id"]], "notice_id": [financed["notice_id"]],
             "uscc": usccs, "client_id": [*(actor.identity.id for actor in a.values()),
                                         client_identity("SupplierMSP", "spare").id],
             "amount": ["1", "100", "30000", "70000", "100000", "100001"],
             "document": [json.dumps(doc) for doc in documents],
             "text": ["ORDER-1", "ORDER-2", "a reason", "req-1"], "page_size": ["1", "2", "100"],
             "status": ["REGISTERED", "CONFIRMED", "FINANCED", "SPLIT"],
             "msp_id": ["SupplierMSP", "BankMSP", "CoreEnterpriseMSP", "RegulatorMSP"],
             "date": [net.today, net.day(10), net.day(-1)],
             "invoice_number": [invoice["number"] for invoice in registered["invoices"]]}
    for name in ("debtor", "financier", "holder", "to"):
        pools[name] = usccs
    for name in ("receivable", "party", "attestation_request", "as_read", "offer"):
        pools[name] = pools["document"]
    for name in ("order_reference", "reason", "name", "request_id", "lifts", "paper_code", "paper_number"):
        pools[name] = pools["text"]
    pools["as_of"] = pools["date"]
    return net, pools


def _snapshot(net: Net) -> tuple:
    ledger = net.ledger
    return (dict(ledger.state), copy.deepcopy(ledger.private_state), dict(ledger.validation_parameters),
            dict(ledger.private_validation_parameters), {k: list(v) for k, v in ledger.history.items()},
            list(ledger.events))


def _argument(pools: dict[str, list[str]], parameter: str) -> st.SearchStrategy[str]:
    """Mostly what the parameter takes (an id of its kind on the ledger), else anything."""
    anything = st.one_of(st.sampled_from([v for pool in pools.values() for v in pool]), st.sampled_from(ODD_TEXT),
                         st.text(max_size=12))
    own = pools.get(parameter)
    return anything if own is None else st.one_of(st.sampled_from(own), st.sampled_from(own), anything)


calls = st.lists(st.tuples(
    st.sampled_from(sorted(TRANSACTIONS)),
    st.sampled_from(("core", "core2", "tier1", "tier2", "bank", "bank2", "regulator", "admin@SupplierMSP",
                     "admin@RegulatorMSP", "unbound")),
    st.data(),
    st.sampled_from((None, "terms", "odd-terms"))), min_size=1, max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(calls=calls)
def test_a_refused_call_of_any_transaction_names_its_rule_and_changes_nothing(calls):
    async def run():
        net, pools = await _populated()
        # an identity of a member org that no party binds
        unbound = Actor("unbound", "SupplierMSP", client_identity("SupplierMSP", "unbound"))
        for fn, who, data, transient in calls:
            params = PARAMETERS[fn]
            required = sum(p.default is inspect.Parameter.empty for p in params)
            # mostly a count the signature takes, at times one short or one over
            count = data.draw(st.one_of(st.integers(required, len(params)), st.integers(max(0, required - 1),
                                                                                        len(params) + 1)))
            names = [p.name for p in params] + ["extra"]
            args = [data.draw(_argument(pools, names[i]), label=f"{fn} {names[i]}") for i in range(count)]
            actor = net.admins[who[6:]] if who.startswith("admin@") else unbound if who == "unbound" else \
                net.actors[who]
            sent = {None: None, "terms": transient_terms(), "odd-terms": {"terms": b"\xff{"}}[transient]
            before = _snapshot(net)
            result = await net.call(actor, fn, *args, transient=sent)
            if result.status == 200:
                continue
            assert RULE.search(result.message), f"{fn}{tuple(args)} by {who} refused naming no rule: " \
                                                f"{result.message!r}"
            assert result.event is None, f"refused {fn}{tuple(args)} carries an event"
            assert _snapshot(net) == before, f"refused {fn}{tuple(args)} changed the ledger"

    asyncio.run(run())
