"""`recfin demo` on the real receivables contract: every call of the story passes the contract's rules.

The contract runs in-process on MemoryLedger (tests/unit/ledger_contract.py) with the configuration `recfin chaincode
deploy` derives from network/topology.yaml, and every org user of the topology connects with its own
certificate (its NodeOU and CA attributes). The demo, the SDK and the pricing run for real; only the network
package (up, deploy) is a double. What the story did is read back from the ledger: the documents, the events,
and the submits that wrote them.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any
from datetime import date, datetime, timedelta, timezone

import grpc
import pytest
from click.testing import CliRunner

from chaincode.receivables import keys
from chaincode.shim import create_composite_key
from cli import connection, demo_commands
from cli.main import main
from client.gateway import CommitStatusError
from client.gateway.errors import EndorseError, ErrorDetail
from client.invoices.credit_code import credit_code_check_digit
from client.receivables import client_id_of
from network.contract_config import network_config
from network.topology import DEFAULT_TOPOLOGY, load as load_topology

from ..ledger_contract import Channel, LedgerContract, TopologySessions
from .test_demo import FakeNetwork, one_line_per_step
from .test_endorsement import needed_between

NOW = datetime(2026, 3, 1, 18, 30, tzinfo=timezone.utc)  # 02:30 on 2 March in Beijing: the business date is not UTC's
USERS = {u.name: u.attrs.get("recfin.enterprise") for org in load_topology().orgs for u in org.users}
CORE, TIER1, TIER2, BANK = (USERS[u] for u in ("treasurer", "supplier1", "supplier2", "officer1"))
BANK2, REGULATOR = (body + credit_code_check_digit(body)
                    for body in (demo_commands.SECOND_BANK_CODE_BODY, demo_commands.REGULATOR_CODE_BODY))
PARTIES_REGISTERED = ["PartyRegistered"] * 6
STORY_EVENTS = [
    "ReceivableRegistered", "ReceivableConfirmed", "ReceivableSplit", "FinancingRequested",
    "FinancingOffered", "FinancingOffered", "FinancingOfferAccepted", "FinancingDisbursed",
    "AssignmentNoticeAcknowledged", "DiscountOfferPublished", "DiscountOfferAccepted",
    "ReceivableRegistered", "ReceivableConfirmed",  # the second delivery's claim
    # the court's order, a second order queued behind it and lifted: the court's order stays
    "ReceivableFrozen", "ReceivableFrozen", "ReceivableUnfrozen",
    "PaymentRecorded", "FinancingRepaid",
]


@pytest.fixture
def world(monkeypatch, tmp_path) -> tuple[Channel, TopologySessions]:
    topology = load_topology()
    channel = Channel(network_config(topology), now=NOW)
    sessions = TopologySessions(channel, topology, tmp_path)
    monkeypatch.setattr(connection, "open_session", sessions.open_session)
    monkeypatch.setattr("network.Network", FakeNetwork)
    # the client's clock is the one its proposals carry: the demo's "today" is the ledger's
    monkeypatch.setattr(demo_commands, "business_today", channel.today)
    FakeNetwork.instances = []
    return channel, sessions


def run_demo(*args: str) -> dict:
    res = CliRunner().invoke(demo_commands.demo, ["--json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def event_names(channel: Channel, since: int = 0) -> list[str]:
    return [name for _, name, _ in channel.ledger.events[since:]]


def step_value(out: dict, what: str, key: str) -> Any:
    (value,) = [s[key] for s in out["steps"] if s["what"].startswith(what)]
    return value


def test_the_story_passes_the_contract_and_leaves_its_outcome_on_the_ledger(world, tmp_path):
    channel, _ = world
    out = run_demo("--data-root", str(tmp_path))
    assert [n.calls for n in FakeNetwork.instances] == [["up", "deploy_chaincode"]]
    today, due = channel.today(), channel.today(90).isoformat()
    doc = channel.document

    # six parties, Second Bank its own, acting through officer2 only
    parties = channel.documents(keys.PARTY)
    assert {p["name"]: (p["uscc"], p["role"]) for p in parties.values()} == {
        "Core Manufacturing Co.": (CORE, "core_enterprise"), "Tier-1 Parts Co.": (TIER1, "supplier"),
        "Tier-2 Castings Co.": (TIER2, "supplier"), "First Bank": (BANK, "financier"),
        "Second Bank": (BANK2, "financier"), "Receivables Regulator": (REGULATOR, "regulator")}
    assert [c.split(",")[0] for c in parties[BANK2]["client_ids"]] == ["x509::CN=officer2"]
    assert [c.split(",")[0] for c in parties[BANK]["client_ids"]] == ["x509::CN=officer1"]

    # the claim: registered by tier 1 on one invoice, confirmed by the core enterprise, split in two
    r, d = out["receivable_id"], out["disputed_receivable_id"]
    root, moved, kept = doc(keys.RECEIVABLE, r), doc(keys.RECEIVABLE, f"{r}.1"), doc(keys.RECEIVABLE, f"{r}.2")
    disputed = doc(keys.RECEIVABLE, d)
    assert set(channel.documents(keys.RECEIVABLE)) == {r, f"{r}.1", f"{r}.2", d}  # the refused one wrote nothing
    assert (root["creditor"], root["debtor"], root["status"], root["children"]) == (TIER1, CORE, "SPLIT",
                                                                                    [moved["id"], kept["id"]])
    (invoice,) = root["invoices"]
    assert invoice["amount"] + invoice["tax"] == root["face_amount"] == 11_300_000
    assert (root["issue_date"], root["confirmed_on"], root["due_date"]) == (today.isoformat(), today.isoformat(), due)
    assert (moved["holder"], moved["face_amount"]) == (TIER2, 3_000_000)
    assert (kept["holder"], kept["face_amount"]) == (TIER1, 8_300_000)
    assert moved["face_amount"] + kept["face_amount"] == root["face_amount"] and root["outstanding"] == 0

    # the kept part: financed by the cheaper bank, disbursed, acknowledged, paid to the bank, repaid
    financing = doc(keys.FINANCING, out["financing_id"])
    assert (financing["receivable_id"], financing["status"], financing["financier"]) == (kept["id"], "REPAID", BANK2)
    assert financing["disbursed_on"] == financing["repaid_on"] == today.isoformat()
    assert financing["accepted_offer_id"] == out["chosen_offer"]
    offers = {p["offer_id"]: doc(keys.OFFER, p["offer_id"]) for p in out["proposals"]}
    assert {o["financier"]: o["status"] for o in offers.values()} == {BANK2: "ACCEPTED", BANK: "LAPSED"}
    notice = doc(keys.NOTICE, financing["notice_id"])
    assert (notice["receivable_id"], notice["financier"], notice["status"]) == (kept["id"], BANK2, "ACKNOWLEDGED")
    (payment,) = kept["payments"]
    assert (payment["payee"], payment["payee_role"], payment["amount"], payment["discount"]) == (
        BANK2, "financier", 8_300_000, 0)
    assert (kept["status"], kept["outstanding"]) == ("SETTLED", 0)
    # settled at maturity by the debtor's payment, made (and dated by the ledger) ahead of the due date: on time
    assert (payment["method"], payment["date"], payment["late"]) == ("payment", today.isoformat(), False)
    assert payment["date"] < kept["due_date"] == due
    assert (step_value(out, "pay CNY 83,000.00 to the bank", "paid_on"),
            step_value(out, "pay CNY 83,000.00 to the bank", "due")) == (payment["date"], due)

    # the moved part: settled early at 5% APR over the 90 days left, the discount and the cash adding up to its face
    offer = doc(keys.DISCOUNT, step_value(out, "publish early-payment offer", "offer"))
    assert (offer["debtor"], offer["apr"], offer["receivable_ids"]) == (CORE, "0.05", [moved["id"]])
    (early,) = moved["payments"]
    # 30,000.00 x 5% x 90/360 = 375.00
    assert (early["method"], early["payee"], early["discount"]) == ("dynamic-discount", TIER2, 37_500)
    assert early["amount"] + early["discount"] == moved["face_amount"]
    assert (moved["status"], moved["outstanding"]) == ("SETTLED", 0)

    # the steps' amounts are the ledger's integer fen, not the text the console line shows
    assert step_value(out, "register receivable", "face") == root["face_amount"]
    assert (step_value(out, "take early payment", "paid"), step_value(out, "take early payment", "discount")) == (
        early["amount"], early["discount"])
    # before the freeze, the regulator saw the financed part and the second delivery's claim outstanding
    assert step_value(out, "read the exposure", "exposure") == {"CNY": 8_300_000 + 2_260_000}
    compared = step_value(out, "compare the offers", "offers")
    assert {o: v["net_cash"] for o, v in compared.items()} == {
        p["offer_id"]: p["net_cash"] for p in out["proposals"] if p["eligible"]}

    # the disputed claim: the second delivery's, on its own invoice, confirmed, frozen by the regulator under an
    # order, and still frozen and wholly unpaid at the end (its payment at maturity refused)
    (second_invoice,) = disputed["invoices"]
    assert second_invoice["number"] != invoice["number"] and second_invoice["amount"] + second_invoice["tax"] == 2_260_000
    assert (disputed["holder"], disputed["debtor"], disputed["status"], disputed["due_date"]) == (
        TIER1, CORE, "CONFIRMED", due)
    assert disputed["face_amount"] == disputed["outstanding"] == 2_260_000 and disputed["payments"] == []
    assert disputed["frozen"]["order_reference"].startswith(f"DEMO-{today:%Y%m%d}-")
    assert (disputed["frozen"]["by"], disputed["frozen"]["date"]) == (REGULATOR, today.isoformat())
    # the story's one unfreeze lifted a second order, queued behind the court's: the court's order holds the claim
    court = disputed["frozen"]["order_reference"].split()[0]
    lifting = disputed["last_unfreeze"]
    assert lifting["lifted"].startswith(f"{court}-2 ") and lifting["order_reference"].startswith(f"{court}-2-LIFTED ")
    assert (lifting["by"], disputed["queued_freezes"]) == (REGULATOR, [])
    assert step_value(out, f"unfreeze {d}", "lifted") == lifting["lifted"]
    assert step_value(out, f"unfreeze {d}", "tx_id") == lifting["tx_id"]
    assert step_value(out, f"freeze {d} under order {court}-2", "queued") is True
    assert [s["actor"] for s in out["steps"] if s.get("rule") == "receivable-frozen"] == ["core"]
    assert step_value(out, f"pay {d} while it is frozen", "rule") == "receivable-frozen"
    # no other claim of the story was ever frozen
    for settled in (root, moved, kept):
        history = channel.ledger.history[create_composite_key(keys.RECEIVABLE, [settled["id"]])]
        assert all(json.loads(h.value)["frozen"] is None for h in history)
    assert {s["rule"] for s in out["steps"] if "rule" in s} == {
        "invoice-already-financed", "financing-already-live", "receivable-frozen"}

    # what the demo printed is what the ledger holds: the rest settled, the disputed claim the debtor's exposure
    assert out["ledger"] == [{"id": x["id"], "holder": x["holder"], "status": x["status"],
                              "outstanding": x["outstanding"], "frozen": x["frozen"]}
                             for x in (root, moved, kept, disputed)]
    assert {k: v for k, v in out["statistics"]["count_by_status"].items() if v} == {
        "CONFIRMED": 1, "SPLIT": 1, "SETTLED": 2}
    exposure = out["statistics"]["per_debtor"][CORE]["CNY"]
    assert (exposure["exposure"], exposure["financed"], exposure["receivables"]) == (2_260_000, 0, 1)


def test_each_change_of_the_story_is_one_committed_transaction_with_one_event(world):
    channel, _ = world
    out = run_demo("--skip-setup")
    assert event_names(channel) == PARTIES_REGISTERED + STORY_EVENTS
    # one event per committed submit, and every tx id the demo printed for a change is one of them
    assert [tx for tx, _, _ in channel.ledger.events] == [s.tx_id for s in channel.submits]
    printed = {s["tx_id"] for s in out["steps"] if s["tx_id"] and "rule" not in s}
    assert printed == {s.tx_id for s in channel.submits}
    # where the SDK names the endorsing orgs (parties, confirmation, offers, disbursement), they satisfy what
    # validation checks
    named = [(s.transaction, s.named, needed_between(s.before, s.after)) for s in channel.submits if s.named]
    assert [t for t, _, _ in named] == ["RegisterParty"] * len(demo_commands.PARTIES) + [
        "ConfirmReceivable", "MakeFinancingOffer", "MakeFinancingOffer", "RecordDisbursement", "ConfirmReceivable"]
    assert all(needed.met_by(orgs) for _, orgs, needed in named), named


def test_a_refused_step_names_no_transaction_and_keeps_its_proposal_id_under_its_own_name(world, tmp_path):
    channel, _ = world
    out = run_demo("--data-root", str(tmp_path))
    refused = [s for s in out["steps"] if "rule" in s]
    assert {s["rule"] for s in refused} == {"invoice-already-financed", "financing-already-live", "receivable-frozen"}
    assert all(s["tx_id"] is None for s in refused)
    # the refused proposals' ids, for the peers' logs: none of them is a transaction on the ledger
    proposals = {s["proposal_tx_id"] for s in refused}
    assert len(proposals) == 3 and all(re.fullmatch(r"[0-9a-f]{64}", p) for p in proposals)
    assert proposals.isdisjoint({s.tx_id for s in channel.submits})
    assert all("proposal_tx_id" not in s for s in out["steps"] if "rule" not in s)
    # people see no tx id on a refused line, and the rule
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    lines = [line for line in one_line_per_step(res.output) if "-> refused" in line]
    assert len(lines) == 3 and all(re.search(r" tx -  rule=[a-z-]+$", line) for line in lines), lines


def test_it_can_be_run_again_on_the_same_ledger(world):
    channel, _ = world
    first = run_demo("--skip-setup")
    before = channel.documents(keys.RECEIVABLE)
    events = len(channel.ledger.events)
    channel.now += timedelta(hours=1)
    again = run_demo("--skip-setup")

    # the parties are there: reported, not registered again
    assert [s["what"] for s in again["steps"][:6]] == [f"party {name} already registered"
                                                       for _, name, _, _ in demo_commands.PARTIES]
    assert all(s["tx_id"] is None for s in again["steps"][:6])
    # a new claim on a new invoice tells the same story; the first run's claims are untouched
    assert event_names(channel, events) == STORY_EVENTS
    r = again["receivable_id"]
    assert r != first["receivable_id"] and again["financing_id"] != first["financing_id"]
    numbers = [channel.document(keys.RECEIVABLE, out["receivable_id"])["invoices"][0]["number"]
               for out in (first, again)]
    assert numbers[0] != numbers[1]
    receivables = channel.documents(keys.RECEIVABLE)
    assert {i: d for i, d in receivables.items() if i in before} == before
    assert {i: d["status"] for i, d in receivables.items() if i not in before} == {
        r: "SPLIT", f"{r}.1": "SETTLED", f"{r}.2": "SETTLED", again["disputed_receivable_id"]: "CONFIRMED"}
    assert channel.document(keys.FINANCING, again["financing_id"])["status"] == "REPAID"
    assert {k: v for k, v in again["statistics"]["count_by_status"].items() if v} == {
        "CONFIRMED": 2, "SPLIT": 2, "SETTLED": 4}
    # each run leaves its own disputed claim frozen: the exposure is both of them
    frozen = [i for i, d in receivables.items() if d["frozen"]]
    assert sorted(frozen) == sorted([first["disputed_receivable_id"], again["disputed_receivable_id"]])
    assert again["statistics"]["total"]["CNY"]["exposure"] == 2 * 2_260_000


def test_a_ledger_where_officer2_acts_for_first_bank_finances_with_first_bank_alone(world):
    channel, sessions = world
    with sessions.open_session("bank", admin=True) as admin:  # as an older demo registered First Bank
        officers = [client_id_of(admin.profile.user(u).cert) for u in ("officer1", "officer2")]
        admin.client.register_party(BANK, "First Bank", "financier", "BankMSP", officers)
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 0, res.output
    assert "register party Second Bank -> refused" in res.output and "rule=identity-already-bound" in res.output
    assert "second bank unavailable" in res.output and "accept bank's offer, the only one" in res.output
    assert BANK2 not in channel.documents(keys.PARTY)
    (financing,) = channel.documents(keys.FINANCING).values()
    assert (financing["financier"], financing["status"]) == (BANK, "REPAID")
    # the rest is settled; the disputed claim alone is outstanding, frozen, and so the debtor's whole exposure
    assert "by status: CONFIRMED 1, SPLIT 1, SETTLED 2" in res.output
    (disputed,) = [d for d in channel.documents(keys.RECEIVABLE).values() if d["frozen"]]
    said = " ".join(res.output.split())   # the line is wrapped: read as one
    assert f"{disputed['id']} stays frozen under order DEMO-" in said and "CNY 22,600.00 unpaid" in said
    assert f"recfin regulator unfreeze {disputed['id']} --order ORDER-LIFTING-IT\n" in res.output
    (row,) = [re.split(r"\s{2,}", line) for line in res.output.splitlines() if line.startswith(CORE)]
    assert row[:5] == [CORE, "CNY", "1", "CNY 22,600.00", "CNY 0.00"]   # debtor, currency, claims, exposure, financed


def test_the_unfreeze_it_suggests_names_the_network_folder_the_demo_ran_on(world, tmp_path):
    folder = tmp_path / "another network"
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup", "--data-root", str(folder)])
    assert res.exit_code == 0, res.output
    (hint,) = [line for line in res.output.splitlines() if "recfin regulator unfreeze" in line]
    assert hint.endswith(f"--order ORDER-LIFTING-IT --data-root '{folder}'")


def test_the_unfreeze_it_suggests_frees_the_disputed_claim_after_the_queued_order_s_lifting(world):
    """The story lifted a queued order of the disputed claim: the command its end names, run as printed, lifts the
    court's order, the last that binds it, and is not taken for that lifting sent again."""
    channel, _ = world
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 0, res.output
    (hint,) = [line for line in res.output.splitlines() if "recfin regulator unfreeze" in line]
    (disputed,) = [d for d in channel.documents(keys.RECEIVABLE).values() if d["frozen"]]
    court = disputed["frozen"]["order_reference"]
    lifted = CliRunner().invoke(main, shlex.split(hint)[1:])
    assert lifted.exit_code == 0, lifted.output
    freed = channel.document(keys.RECEIVABLE, disputed["id"])
    assert (freed["frozen"], freed["queued_freezes"]) == (None, [])
    assert (freed["last_unfreeze"]["lifted"], freed["last_unfreeze"]["order_reference"]) == (court, "ORDER-LIFTING-IT")


def test_before_each_step_every_peer_the_story_used_has_the_latest_block(world):
    # The step runs on its own org's peer and the Gateway may ask any other org's peer to endorse it.
    channel, _ = world
    run_demo("--skip-setup")
    latest, peer_has, used, waits = 0, {}, set(), []  # block 0, the genesis block, every peer has
    for call in channel.activity:
        org = call.msp_id
        used.add(org)
        if call.kind == "wait":
            # only where that peer may lack the latest change: it neither made it nor waited for it yet
            assert peer_has.get(org, 0) < call.block == latest, call
            peer_has[org] = latest
            waits.append(call)
            continue
        behind = sorted(o for o in used if peer_has.get(o, 0) < latest)
        assert not behind, f"{call.kind} {call.transaction} by {org} while {behind} lacked block {latest}"
        if call.kind == "submit":
            latest = peer_has[org] = call.block
    assert latest == len(channel.submits) == channel.blocks.height - 1
    assert {w.msp_id for w in waits} == {"CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP"}
    # the two banks' offers: both through BankMSP's peer, which made the first; only the other peers wait
    offers = [i for i, call in enumerate(channel.activity) if call.transaction == "MakeFinancingOffer"]
    between = channel.activity[offers[0] + 1:offers[1]]
    assert {c.msp_id for c in between if c.kind == "wait"} == {"CoreEnterpriseMSP", "SupplierMSP", "RegulatorMSP"}
    # the first offer's terms read back as stored, then the second bank's look-ups before it offers
    assert [(c.kind, c.transaction) for c in between if c.kind != "wait"] == [
        ("evaluate", "GetOfferTerms"), ("evaluate", "WhoAmI"), ("evaluate", "GetFinancing"),
        ("evaluate", "GetReceivable"), ("evaluate", "WhoAmI")]


@pytest.mark.parametrize("org, code, name, bound, story_party, differences", [
    # what a demo whose suppliers all took the regulator's synthetic code left: a supplier party under that code
    ("supplier", REGULATOR, "Tier-1 Parts Co.", "supplier1", "Receivables Regulator",
     "its name is 'Tier-1 Parts Co.', not 'Receivables Regulator'; its role is 'supplier', not 'regulator'; its org "
     "is 'SupplierMSP', not 'RegulatorMSP'; inspector1 and inspector2 do not act for it. To go on, give "
     "regulator/inspector1 a code no other party holds as its recfin.enterprise attribute, or run the demo on a new "
     "ledger"),
    # the story's party in all but the user who acts for it
    ("supplier", TIER2, "Tier-2 Castings Co.", "supplier3", "Tier-2 Castings Co.", "supplier2 does not act for it."),
])
def test_another_party_under_an_actor_s_code_stops_the_demo_naming_what_differs(world, org, code, name, bound,
                                                                               story_party, differences):
    channel, sessions = world
    with sessions.open_session(org, admin=True) as admin:
        admin.client.register_party(code, name, "supplier", admin.profile.msp_id,
                                    [client_id_of(admin.profile.user(bound).cert)])
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    assert f"the ledger's party {code} is not the demo's {story_party}, which the demo registers under that code: " \
           f"{differences}" in said, said
    assert f"party {story_party} already registered" not in said
    assert channel.documents(keys.RECEIVABLE) == {}     # the story did not start


OTHER_PARTY = "91320500MA1K00077" + credit_code_check_digit("91320500MA1K00077")


@pytest.mark.parametrize("org, user, role, story_party, story_code", [
    ("supplier", "supplier2", "supplier", "Tier-2 Castings Co.", TIER2),
    ("supplier", "supplier1", "supplier", "Tier-1 Parts Co.", TIER1),
    ("coreenterprise", "treasurer", "core_enterprise", "Core Manufacturing Co.", CORE),
    ("coreenterprise", "accountant", "core_enterprise", "Core Manufacturing Co.", CORE),   # a party's user, no actor
    ("regulator", "inspector1", "regulator", "Receivables Regulator", REGULATOR),
    ("bank", "officer2", "financier", "Second Bank", BANK2),   # acting for a bank other than First Bank
])
def test_a_user_acting_for_another_party_stops_the_demo_before_the_story_naming_how_to_free_it(
        world, org, user, role, story_party, story_code):
    channel, sessions = world
    with sessions.open_session(org, admin=True) as admin:   # an older ledger: the user acts for another party
        admin.client.register_party(OTHER_PARTY, "Old Party Co.", role, admin.profile.msp_id,
                                    [client_id_of(admin.profile.user(user).cert)])
        admin_name = admin.user.name
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    assert f"{org}/{user}, which the demo's {story_party} ({story_code}) needs, acts for Old Party Co. " \
           f"({OTHER_PARTY})" in said, said
    assert f"`recfin party bind {OTHER_PARTY} --as {org}/{admin_name} --client OTHER_USER`, then " \
           f"`recfin party unbind {OTHER_PARTY} --as {org}/{admin_name} --client {user}`" in said, said
    assert "run the demo on a new ledger" in said
    assert channel.documents(keys.RECEIVABLE) == {}     # the story did not start


def test_the_commands_freeing_a_user_name_the_network_folder_the_demo_ran_on(world, tmp_path):
    _, sessions = world
    folder = tmp_path / "another network"
    with sessions.open_session("supplier", admin=True) as admin:
        admin.client.register_party(OTHER_PARTY, "Old Party Co.", "supplier", admin.profile.msp_id,
                                    [client_id_of(admin.profile.user("supplier2").cert)])
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup", "--data-root", str(folder)])
    assert res.exit_code == 1, res.output
    assert f"--client supplier2 --data-root '{folder}'`" in " ".join(res.output.split())


def test_a_step_failing_midway_names_it_and_what_stays_on_the_ledger(world, monkeypatch):
    channel, _ = world
    submit = LedgerContract.submit

    def commit_status_lost_for_early_payment(self, name, **kwargs):
        if name == "AcceptDiscountOffer":
            raise CommitStatusError("commit status timed out", transaction_id="ab" * 32,
                                    code=grpc.StatusCode.DEADLINE_EXCEEDED)
        return submit(self, name, **kwargs)

    monkeypatch.setattr(LedgerContract, "submit", commit_status_lost_for_early_payment)
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    (last,) = [line for line in res.output.splitlines() if line.startswith("[19]")]
    assert re.match(r"\[19\] core +publish early-payment offer", last), last
    assert ("step [20] of the story failed (tier2 acting, after [19] core publish early-payment offer, 5% APR): "
            f"[tx {'ab' * 32}] DEADLINE_EXCEEDED: commit status timed out. Its own transaction may still commit") \
        in said, said
    # the command that tells, asked of the acting org's peer
    assert (f"look its tx id up (`recfin transaction status {'ab' * 32} --as supplier/supplier2`) before "
            "acting on it.") in said, said
    assert "Steps 1-19 stay on the ledger as done (their tx ids above); running the demo again starts a new story" \
        in said
    assert len(channel.documents(keys.RECEIVABLE)) == 3    # the claim and its two parts, left as the steps did


def failing_at(monkeypatch, transaction: str, error: BaseException, nth: int = 1) -> None:
    """The nth submit of ``transaction`` fails with ``error``, as the network or Ctrl-C would end it."""
    submit, seen = LedgerContract.submit, []

    def fail(self, name, **kwargs):
        if name == transaction:
            seen.append(name)
            if len(seen) == nth:
                raise error
        return submit(self, name, **kwargs)

    monkeypatch.setattr(LedgerContract, "submit", fail)


def test_ctrl_c_midway_names_the_step_it_stopped_and_what_stays_on_the_ledger(world, monkeypatch):
    channel, _ = world
    failing_at(monkeypatch, "AcceptDiscountOffer", KeyboardInterrupt())
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 130, res.output     # as every ledger command Ctrl-C cuts short
    said = " ".join(res.output.split())
    assert ("step [20] of the story was stopped (tier2 acting, after [19] core publish early-payment offer, "
            "5% APR): interrupted. Its own transaction, if it was sent, may still commit") in said, said
    assert ("look the story's ids up (`recfin transaction status TXID --as supplier/supplier2`) before "
            "acting on them.") in said, said
    assert ("Steps 1-19 stay on the ledger as done (their tx ids above); running the demo again starts a new "
            "story") in said
    assert len(channel.documents(keys.RECEIVABLE)) == 3


def stopped_at(transaction_id: str, may_have_been_ordered: bool) -> KeyboardInterrupt:
    """Ctrl-C as the SDK raises it on a submit it stopped: saying how far its transaction got."""
    interrupt = KeyboardInterrupt()
    interrupt.transaction_id, interrupt.may_have_been_ordered = transaction_id, may_have_been_ordered
    return interrupt


def test_ctrl_c_before_the_orderer_was_handed_the_step_says_its_transaction_cannot_commit(world, monkeypatch):
    channel, _ = world
    failing_at(monkeypatch, "AcceptDiscountOffer", stopped_at("cd" * 32, may_have_been_ordered=False))
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 130, res.output
    said = " ".join(res.output.split())
    assert ("5% APR): interrupted. It was stopped before anything of it that can commit reached the orderer: "
            f"its own transaction {'cd' * 32} cannot commit. Steps 1-19 stay on the ledger") in said, said
    assert "may still commit" not in said and "recfin transaction status" not in said, said
    assert len(channel.documents(keys.RECEIVABLE)) == 3


def test_ctrl_c_once_the_orderer_was_handed_the_step_says_it_may_still_commit_and_how_to_tell(world,
                                                                                              monkeypatch):
    failing_at(monkeypatch, "AcceptDiscountOffer", stopped_at("cd" * 32, may_have_been_ordered=True))
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 130, res.output
    said = " ".join(res.output.split())
    assert ("interrupted. Its own transaction, if it was sent, may still commit: look its tx id up (`recfin "
            f"transaction status {'cd' * 32} --as supplier/supplier2`) before acting on it.") in said, said


def test_a_party_s_registration_failing_names_its_step_and_that_it_may_still_commit(world, monkeypatch):
    channel, _ = world
    failing_at(monkeypatch, "RegisterParty", CommitStatusError(
        "commit status timed out", transaction_id="ab" * 32, code=grpc.StatusCode.DEADLINE_EXCEEDED), nth=3)
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    assert ("step [3] of the story failed (supplier-admin acting, after [2] supplier-admin register party "
            f"Tier-1 Parts Co.): [tx {'ab' * 32}] DEADLINE_EXCEEDED: commit status timed out. Its own "
            "transaction may still commit") in said, said
    assert "Steps 1-2 stay on the ledger as done" in said
    assert channel.documents(keys.RECEIVABLE) == {}     # the story did not start


def test_the_transaction_status_it_names_asks_the_network_folder_the_demo_ran_on(world, monkeypatch,
                                                                                  tmp_path):
    folder = tmp_path / "another network"
    failing_at(monkeypatch, "RegisterParty", CommitStatusError(
        "commit status timed out", transaction_id="ab" * 32, code=grpc.StatusCode.DEADLINE_EXCEEDED))
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup", "--data-root", str(folder)])
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    look_up = said.split("look its tx id up (`", 1)[1].split("`", 1)[0]
    assert look_up.startswith(f"recfin transaction status {'ab' * 32} --as coreenterprise/admin"), said
    assert look_up.endswith(f" --data-root '{folder}'"), said


def test_a_step_the_network_failed_names_the_logs_that_say_why(world, monkeypatch, tmp_path):
    failing_at(monkeypatch, "AcceptDiscountOffer", EndorseError(
        "failed to endorse", transaction_id="cd" * 32,
        details=[ErrorDetail("peer0.supplier:7051", "SupplierMSP", "chaincode stream terminated")]))
    topology = tmp_path / "t.yaml"
    topology.write_text(DEFAULT_TOPOLOGY.read_text())
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup", "--topology", str(topology)])
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    assert ("chaincode stream terminated; It changed nothing: it reached no orderer, so sending it anew cannot "
            "apply it twice. Its supplier peer and chaincode server log why: "
            f"`recfin network logs peer0.supplier --topology {topology}` and "
            f"`recfin network logs receivables.supplier --topology {topology}`. Steps 1-19 stay") \
        in said, said


def test_a_step_the_contract_refused_names_no_log(world, monkeypatch):
    failing_at(monkeypatch, "AcceptDiscountOffer", EndorseError(
        "failed to endorse", transaction_id="cd" * 32,
        details=[ErrorDetail("peer0.supplier:7051", "SupplierMSP",
                             "chaincode response 500, RULE offer-expired: no")]))
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    assert "RULE offer-expired" in said and "step [20] of the story failed" in said, said
    assert "recfin network logs" not in said    # the rule says why


def test_the_story_s_party_lacking_a_user_names_the_bind_that_lets_the_demo_go_on(world):
    channel, sessions = world
    # registered by hand, with treasurer alone acting for it
    with sessions.open_session("coreenterprise", admin=True) as admin:
        admin.client.register_party(CORE, "Core Manufacturing Co.", "core_enterprise", admin.profile.msp_id,
                                    [client_id_of(admin.profile.user("treasurer").cert)])
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    bind = f"recfin party bind {CORE} --as coreenterprise/admin --client accountant"
    assert ("accountant does not act for it. To go on, have its org's admin bind accountant to it "
            f"(`{bind}`), or run the demo on a new ledger") in said, said
    # the command as printed binds it, and the demo then takes the party as the story's
    from cli.main import main
    bound = CliRunner().invoke(main, bind.split()[1:])
    assert bound.exit_code == 0, bound.output
    out = run_demo("--skip-setup")
    assert out["steps"][0]["what"] == "party Core Manufacturing Co. already registered"


def test_a_story_crossing_midnight_dates_the_second_delivery_and_the_order_by_the_new_day(world, monkeypatch):
    channel, _ = world
    channel.now = datetime(2026, 3, 1, 15, 59, 20, tzinfo=timezone.utc)    # 23:59:20 in Beijing
    run = LedgerContract._run

    def three_seconds_a_submit(self, submit, name, arguments, transient):   # as a network's blocks take time
        result = run(self, submit, name, arguments, transient)
        if submit:
            channel.now += timedelta(seconds=3)
        return result

    monkeypatch.setattr(LedgerContract, "_run", three_seconds_a_submit)
    out = run_demo("--skip-setup")
    disputed = channel.document(keys.RECEIVABLE, out["disputed_receivable_id"])
    registered = date.fromisoformat(disputed["confirmed_on"])
    assert registered == channel.today() != date(2026, 3, 1)    # the story did cross midnight
    assert disputed["issue_date"] == disputed["invoices"][0]["date"] == registered.isoformat()
    assert disputed["due_date"] == (registered + timedelta(days=90)).isoformat()
    assert disputed["frozen"]["order_reference"].startswith(f"DEMO-{registered:%Y%m%d}-")


def stopped_with_json(exit_code: int) -> tuple[dict, str]:
    """`recfin demo --json` run to where it stops: the document stdout holds, and the error line stderr gives."""
    res = CliRunner().invoke(demo_commands.demo, ["--skip-setup", "--json"])
    assert res.exit_code == exit_code, res.output
    (error_line,) = [line for line in res.stderr.splitlines() if line.startswith("Error: ")]
    return json.loads(res.stdout), error_line


def test_with_json_a_step_failing_midway_still_prints_the_steps_done_and_what_stopped_it(world, monkeypatch):
    lost = CommitStatusError("commit status timed out", transaction_id="ab" * 32,
                             code=grpc.StatusCode.DEADLINE_EXCEEDED)
    failing_at(monkeypatch, "AcceptDiscountOffer", lost)
    without_json = CliRunner().invoke(demo_commands.demo, ["--skip-setup"])
    assert without_json.exit_code == 1, without_json.output
    failing_at(monkeypatch, "AcceptDiscountOffer", lost)    # the rerun's own early payment fails the same way
    out, error_line = stopped_with_json(exit_code=1)
    # the steps done, with their tx ids, as the ledger keeps them
    assert [step["step"] for step in out["steps"]] == list(range(1, 20))
    assert out["steps"][-1]["what"] == "publish early-payment offer, 5% APR" and out["steps"][-1]["tx_id"]
    # the step failed names no entry of steps: the call it was making says which it was
    assert out["stopped"] == {"step": 20, "actor": "tier2", "call": "accept_discount_offer",
                              "error": error_line.removeprefix("Error: "), "exit_code": 1}
    # stderr gives the line it gives without --json
    assert error_line in without_json.stderr.splitlines()
    assert error_line.startswith("Error: step [20] of the story failed (tier2 acting, after [19] core publish "
                                 "early-payment offer, 5% APR)"), error_line


def test_with_json_ctrl_c_midway_prints_the_steps_done_and_exit_130(world, monkeypatch):
    failing_at(monkeypatch, "AcceptDiscountOffer", KeyboardInterrupt())
    out, error_line = stopped_with_json(exit_code=130)
    assert len(out["steps"]) == 19
    assert out["stopped"]["step"] == 20 and out["stopped"]["exit_code"] == 130
    assert out["stopped"]["call"] == "accept_discount_offer"
    assert out["stopped"]["error"] == error_line.removeprefix("Error: ")
    assert "of the story was stopped (tier2 acting" in error_line


def test_with_json_a_step_stopped_before_any_call_of_its_own_names_none(world, monkeypatch):
    monkeypatch.setattr("client.pricing.proposals.rank_proposals", lambda *args, **kwargs: [])   # no offer to take
    out, error_line = stopped_with_json(exit_code=1)
    assert out["steps"][-1]["what"].startswith("offer ")      # the second bank's offer: its call is done
    assert out["stopped"]["call"] is None
    assert error_line.startswith("Error: step [")
    assert "no financing offer the holder can take now" in error_line


def test_with_json_a_party_that_is_not_the_demo_s_prints_the_parties_registered_before_it(world):
    _, sessions = world
    with sessions.open_session("supplier", admin=True) as admin:   # the story's party, but for its user
        admin.client.register_party(TIER2, "Tier-2 Castings Co.", "supplier", admin.profile.msp_id,
                                    [client_id_of(admin.profile.user("supplier3").cert)])
    out, error_line = stopped_with_json(exit_code=1)
    assert [step["what"] for step in out["steps"]] == [
        "register party Core Manufacturing Co.", "register party Tier-1 Parts Co."]
    assert all(step["tx_id"] for step in out["steps"])
    # the party read back after its registration was refused: not the demo's
    assert out["stopped"] == {"step": 3, "actor": "supplier-admin", "call": "get_party",
                              "error": error_line.removeprefix("Error: "), "exit_code": 1}
    assert error_line.startswith(f"Error: the ledger's party {TIER2} is not the demo's Tier-2 Castings Co."), \
        error_line
