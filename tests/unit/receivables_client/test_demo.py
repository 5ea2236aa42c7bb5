"""`recfin demo` over contract doubles (one per connected identity): the story's calls, choices and output.

The doubles answer each transaction with a document in the contract's shape (or a
refusal); the demo, the SDK and the pricing code run for real. The network package is
replaced by a double recording up() and deploy_chaincode(). test_demo_on_contract.py runs the same story
on the real contract.
"""

from __future__ import annotations

import json
import socket
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import click
import grpc
import pytest
from click.testing import CliRunner

from cli import connection, demo_commands
from client.gateway.errors import EndorseError, ErrorDetail, SubmitError
from client.receivables import ReceivablesClient
from network.topology import DEFAULT_TOPOLOGY

from . import fakes
from .fakes import BANK, CORE, TIER1, TIER2, FakeContract
from .test_cli import profile

R, MOVED, KEPT = "R-00000000000000a1", "R-00000000000000a1.1", "R-00000000000000a1.2"
DISPUTED = "R-00000000000000d2"  # the second delivery's claim
BANK2 = demo_commands.SECOND_BANK_CODE_BODY + "X"
# the business date the story runs on, held still: the demo and the doubles each read "today" many times, and a
# run straddling midnight in China Standard Time (16:00 UTC) saw the claim paid on one day and due 90 days from another
TODAY = date(2026, 3, 2)


def refusal(rule: str) -> EndorseError:
    return EndorseError("failed to endorse", transaction_id=f"tx-{rule}",
                        details=[ErrorDetail("peer0:7051", "SupplierMSP", f"chaincode response 500, RULE {rule}: no")])


class Ledger:
    """Shared answers for every session's contract double, with per-session WhoAmI."""

    def __init__(self, second_bank_party: str = BANK2):
        self.contracts: dict[tuple, FakeContract] = {}
        self.second_bank_party = second_bank_party
        self.frozen: dict[str, dict] = {}  # receivable id -> its freeze order in effect
        self.queued: dict[str, list[dict]] = {}  # receivable id -> the orders queued behind it
        self.invoices: list[str] = []
        self.requests = 0

    def tx(self, name: str) -> dict:
        return fakes.action(name, tx=f"{name}-tx".ljust(64, "0"))

    def answers(self, who: tuple) -> dict:
        org, user, admin = who
        me = {("bank", "officer1"): fakes.party(uscc=BANK, msp_id="BankMSP", role="financier"),
              ("bank", "officer2"): fakes.party(uscc=self.second_bank_party, msp_id="BankMSP", role="financier")}
        today = demo_commands.business_today()
        due = (today + timedelta(days=90)).isoformat()
        kept = fakes.receivable(id=KEPT, due_date=due, outstanding=8_300_000, face_amount=8_300_000, parent_id=R,
                                status="CONFIRMED", last=self.tx("TransferReceivable"))
        moved = fakes.receivable(id=MOVED, due_date=due, holder=TIER2, outstanding=3_000_000, face_amount=3_000_000, parent_id=R,
                                 last=self.tx("TransferReceivable"))

        disputed = fakes.receivable(id=DISPUTED, root_id=DISPUTED, due_date=due, face_amount=2_260_000,
                                    outstanding=2_260_000, last=self.tx("ConfirmReceivable2"))

        def register(args):
            number = json.loads(args[0])["invoices"][0]["number"]
            if number in self.invoices:
                raise refusal("invoice-already-financed")
            self.invoices.append(number)
            first = len(self.invoices) == 1
            return {**(fakes.receivable() if first else disputed), "status": "REGISTERED",
                    "last": self.tx("RegisterReceivable" + ("" if first else "2"))}

        def confirm(args):
            return fakes.receivable(last=self.tx("ConfirmReceivable")) if args[0] == R else disputed

        def request(_args):
            self.requests += 1
            if self.requests > 1:
                raise refusal("financing-already-live")
            return fakes.financing(status="REQUESTED", receivable_id=KEPT, accepted_offer_id=None, financier=None,
                                   financier_msp=None, last=self.tx("RequestFinancing"))

        def offer(_args):
            bank2 = user == "officer2"
            return fakes.offer(id="O-2" if bank2 else "O-1", financier=BANK2 if bank2 else BANK, receivable_id=KEPT,
                               last=self.tx("MakeFinancingOffer" + ("2" if bank2 else "1")))

        def freeze(args):
            order = {"order_reference": args[1], "by": "reg", "date": "2026-03-05", "tx_id": "f" * 64}
            if args[0] in self.frozen:   # 轮候冻结: a later order queues behind the one in effect
                self.queued.setdefault(args[0], []).append(order)
            else:
                self.frozen[args[0]] = order
            return {**disputed, "frozen": self.frozen[args[0]], "queued_freezes": self.queued.get(args[0], []),
                    "last": self.tx("FreezeReceivable" + ("2" if args[0] in self.queued else ""))}

        def unfreeze(args):
            lifts = args[2] if len(args) > 2 else self.frozen[args[0]]["order_reference"]
            binding = [self.frozen[args[0]], *self.queued.get(args[0], [])]
            rest = [o for o in binding if o["order_reference"] != lifts]
            if len(rest) == len(binding):
                raise refusal("freeze-order-not-found")
            if rest:
                self.frozen[args[0]], self.queued[args[0]] = rest[0], rest[1:]
            else:
                del self.frozen[args[0]]
                self.queued.pop(args[0], None)
            return {**disputed, "frozen": self.frozen.get(args[0]), "queued_freezes": self.queued.get(args[0], []),
                    "last_unfreeze": {"order_reference": args[1], "lifted": lifts, "by": "reg",
                                      "date": "2026-03-05", "tx_id": "u" * 64},
                    "last": self.tx("UnfreezeReceivable")}

        def pay(args):
            if args[0] in self.frozen:
                raise refusal("receivable-frozen")
            return fakes.receivable(id=KEPT, outstanding=0, status="SETTLED", last=self.tx("RecordPayment"),
                                    payments=[{"amount": int(args[1]), "payee": BANK2, "payee_role": "financier",
                                               "date": today.isoformat(), "tx_id": "p" * 64}],
                                    allocations=[{"receivable_id": KEPT, "amount": int(args[1]), "payee": BANK2,
                                                  "outstanding": 0}])

        def stored_terms(args):
            """An offer's terms as its bank quoted them (demo_commands.QUOTES, as a test may change them)."""
            quote = demo_commands.QUOTES["bank2" if args[0] == "O-2" else "bank"]
            return fakes.terms(advance_rate=str(quote["advance_rate"]), discount_rate=str(quote["discount_rate"]),
                               fees=int(quote["fees"] * 100), recourse=quote["recourse"])

        financed = fakes.financing(receivable_id=KEPT, accepted_offer_id="O-2", financier=BANK2)
        return {
            "WhoAmI": me.get((org, user), fakes.party()),
            "RegisterParty": lambda args: fakes.party(**{k: json.loads(args[0])[k] for k in ("uscc", "name", "role")},
                                                      registered=self.tx("RegisterParty")),
            "RegisterReceivable": register,
            "ConfirmReceivable": confirm,
            "TransferReceivable": fakes.receivable(status="SPLIT", children=[MOVED, KEPT], outstanding=0,
                                                   last=self.tx("TransferReceivable"),
                                                   children_records=[moved, kept]),
            "RequestFinancing": request,
            "GetFinancing": {**financed, "status": "REQUESTED", "offers": []},
            "MakeFinancingOffer": offer,
            "AcceptFinancingOffer": {**financed, "last": self.tx("AcceptFinancingOffer")},
            "GetOfferTerms": stored_terms,
            "GetReceivable": lambda args: {R: fakes.receivable(status="SPLIT", outstanding=0, children=[MOVED, KEPT]),
                                           MOVED: moved, KEPT: kept,
                                           DISPUTED: {**disputed, "frozen": self.frozen.get(DISPUTED)}}[args[0]],
            "RecordDisbursement": {**financed, "status": "DISBURSED", "notice_id": "N-1",
                                   "last": self.tx("RecordDisbursement")},
            "AcknowledgeAssignment": fakes.notice(status="ACKNOWLEDGED", last=self.tx("AcknowledgeAssignment")),
            "PublishDiscountOffer": fakes.discount_offer(receivable_ids=[MOVED], last=self.tx("PublishDiscountOffer")),
            "AcceptDiscountOffer": {**moved, "status": "SETTLED", "outstanding": 0, "last": self.tx("AcceptDiscountOffer"),
                                    "payments": [{"amount": 2_962_500, "payee": TIER2, "payee_role": "holder",
                                                  "date": "2026-03-03", "tx_id": "d" * 64, "method": "dynamic-discount",
                                                  "discount": 37_500}]},
            "GetStatistics": fakes.statistics(),
            "FreezeReceivable": freeze,
            "UnfreezeReceivable": unfreeze,
            "RecordPayment": pay,
            "RecordRepayment": {**financed, "status": "REPAID", "last": self.tx("RecordRepayment")},
            "GetProvenance": {"id": R, "root_id": R, "ancestors": [],
                              "tree": {"id": R, "status": "SPLIT", "holder": TIER1, "face_amount": 11_300_000,
                                       "outstanding": 0, "parent_id": None, "children": []}},
        }

    def contract(self, who: tuple) -> FakeContract:
        if who not in self.contracts:
            self.contracts[who] = FakeContract(responses=self.answers(who))
        return self.contracts[who]

    def calls(self, name: str) -> list[tuple[tuple, list]]:
        return [(who, c.arguments) for who, k in self.contracts.items() for c in k.calls if c.name == name]


class FakeNetwork:
    instances: list["FakeNetwork"] = []

    def __init__(self, topology, *, data_root=None, say=None, **_):
        self.data_root, self.say, self.calls = data_root, say, []
        FakeNetwork.instances.append(self)

    def up(self):
        self.calls.append("up")
        return []

    def deploy_chaincode(self):
        self.calls.append("deploy_chaincode")
        from network.control import DeployResult
        return DeployResult("receivables", "1.0", 1, False, {})


@pytest.fixture
def ledger(monkeypatch):
    state = Ledger()

    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        p = profile(org)
        names = {n for key, _, _, users in demo_commands.PARTIES if demo_commands.ACTORS[key][0] == org for n in users}
        users = {n: p.users["u1"].model_copy(update={"name": n, "cert": f"{org}/{n}.pem"}) for n in names}
        p = p.model_copy(update={"msp_id": {"bank": "BankMSP", "coreenterprise": "CoreEnterpriseMSP",
                                             "regulator": "RegulatorMSP"}.get(org, "SupplierMSP"),
                                 "users": {**p.users, **users}})
        u = p.users["u1"].model_copy(update={"attrs": {} if org in ("regulator",) or user == "officer2" else
                                             {"recfin.enterprise": {"coreenterprise": CORE, "bank": BANK}.get(
                                                 org, TIER2 if user == "supplier2" else TIER1)}})
        yield connection.Session(ReceivablesClient(state.contract((org, user, admin))), p, u)

    monkeypatch.setattr(connection, "open_session", open_session)
    monkeypatch.setattr("client.receivables.client_id_of", lambda cert: f"x509::CN={cert}::CN=ca")
    FakeNetwork.instances = []
    monkeypatch.setattr("network.Network", FakeNetwork)
    monkeypatch.setattr(demo_commands, "business_today", lambda: TODAY)
    return state


def run_demo(*args):
    return CliRunner().invoke(demo_commands.demo, list(args))


# a step's text wider than its column goes on under the column, its tx id after its last line
STEP_TEXT_GOES_ON = " " * len(f"[ 1] {'':<{demo_commands.ACTOR_WIDTH}} ")


def one_line_per_step(output: str) -> list[str]:
    """The lines of the demo's ``output``, each step's on one line: its text's lines joined by a space, as in the
    step's ``what`` (its --json), followed by its tx id and facts."""
    lines: list[str] = []
    for line in output.splitlines():
        if line.startswith(STEP_TEXT_GOES_ON) and lines and lines[-1].startswith("["):
            lines[-1] += " " + line.removeprefix(STEP_TEXT_GOES_ON)
        else:
            lines.append(line)
    return lines


def test_the_story_compares_two_offers_freezes_and_settles(ledger, tmp_path):
    res = run_demo("--json", "--data-root", str(tmp_path))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    # the network is brought up and the chaincode deployed (both idempotent), on the given data root
    assert [n.calls for n in FakeNetwork.instances] == [["up", "deploy_chaincode"]]
    assert FakeNetwork.instances[0].data_root == tmp_path
    # two banks offered, the cheaper (Second Bank: 3.27% all-in against 4.79%) was accepted and disbursed
    assert [who for who, _ in ledger.calls("MakeFinancingOffer")] == [("bank", "officer1", False),
                                                                      ("bank", "officer2", False)]
    assert ledger.calls("AcceptFinancingOffer") == [(("supplier", "supplier1", False), ["O-2"])]
    assert [who for who, _ in ledger.calls("RecordDisbursement")] == [("bank", "officer2", False)]
    assert out["chosen_offer"] == "O-2" and [p["offer_id"] for p in out["proposals"]] == ["O-2", "O-1"]
    # a second delivery's claim was registered on its own invoice and confirmed; the regulator froze it under an
    # order and never lifted that order: the one it lifted was a second order, queued behind it
    registered = [json.loads(args[0]) for _, args in ledger.calls("RegisterReceivable")]
    assert [r["face_amount"] for r in registered] == [11_300_000, 11_300_000, 2_260_000]
    assert registered[2]["invoices"][0]["number"] != registered[0]["invoices"][0]["number"]
    assert [args[0] for _, args in ledger.calls("ConfirmReceivable")] == [R, DISPUTED]
    (who, (rid, order)), (who2, (rid2, queued)) = ledger.calls("FreezeReceivable")
    assert who[0] == who2[0] == "regulator" and rid == rid2 == DISPUTED and order.startswith("DEMO-")
    assert queued.startswith(order.split()[0] + "-2 ")
    (who, (rid, lifting, lifts)), = ledger.calls("UnfreezeReceivable")
    assert who[0] == "regulator" and rid == DISPUTED and lifts == queued and lifting not in (order, queued)
    assert ledger.frozen[DISPUTED]["order_reference"] == order and ledger.queued[DISPUTED] == []
    (lifted,) = [s for s in out["steps"] if s["what"].startswith("unfreeze ")]
    assert (lifted["actor"], lifted["lifted"], lifted["frozen"]) == ("regulator", queued, True)
    assert lifted["tx_id"] == "UnfreezeReceivable-tx".ljust(64, "0")
    # at maturity the financed part was paid to the bank and repaid; the payment on the frozen claim was refused
    payments = ledger.calls("RecordPayment")
    assert [args[:2] for _, args in payments] == [[KEPT, "8300000"], [DISPUTED, "2260000"]]
    assert [s["actor"] for s in out["steps"] if s["what"].startswith("record repayment")] == ["bank2"]
    refusals = {s["rule"]: s for s in out["steps"] if "rule" in s}
    assert set(refusals) == {"invoice-already-financed", "financing-already-live", "receivable-frozen"}
    assert refusals["receivable-frozen"]["what"] == f"pay {DISPUTED} while it is frozen -> refused"
    # paid ahead of maturity, and the step says when it was paid and when it was due
    (paid,) = [s for s in out["steps"] if s["what"].startswith("pay CNY 83,000.00 to the bank")]
    assert (paid["paid_on"], paid["due"], paid["late"]) == (TODAY.isoformat(), (TODAY + timedelta(days=90)).isoformat(),
                                                            False)
    # the second bank is its own party, with its own valid credit code
    parties = [json.loads(args[0]) for _, args in ledger.calls("RegisterParty")]
    assert {p["name"]: p["uscc"] for p in parties if p["role"] == "financier"} == {"First Bank": BANK,
                                                                                   "Second Bank": BANK2}
    # the integration suite's contract: steps with actor/what/tx_id, the ids, the ledger state
    assert {"core", "tier1", "tier2", "bank", "bank2", "regulator"} <= {s["actor"] for s in out["steps"]}
    assert all({"actor", "what", "tx_id"} <= set(s) for s in out["steps"])
    assert out["receivable_id"] == R and out["financing_id"] == "F-00000000000000b1"
    assert out["disputed_receivable_id"] == DISPUTED
    assert [row["id"] for row in out["ledger"]] == [R, MOVED, KEPT, DISPUTED]
    assert [row["id"] for row in out["ledger"] if row["frozen"]] == [DISPUTED]
    assert out["statistics"] == fakes.statistics()


def test_the_json_document_has_the_documented_keys_and_amounts_in_fen(ledger):
    res = run_demo("--skip-setup", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    # docs/sdk-receivables.md, `recfin demo`: the people's tables are not part of it
    assert set(out) == {"steps", "receivable_id", "financing_id", "chosen_offer", "chosen_bank", "disputed_receivable_id",
                        "proposals", "ledger", "statistics", "provenance"}
    assert [row["outstanding"] for row in out["ledger"]] == [0, 3_000_000, 8_300_000, 2_260_000]  # as the doubles answer
    assert all(type(row["outstanding"]) is int for row in out["ledger"])


def test_the_json_document_names_the_bank_whose_offer_was_taken(ledger):
    res = run_demo("--skip-setup", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    (accepted,) = [s["what"] for s in out["steps"] if s["what"].startswith("accept ")]
    (disbursed,) = [s["actor"] for s in out["steps"] if s["what"].startswith("disburse")]
    assert out["chosen_bank"] == "bank2" == disbursed and accepted.startswith("accept bank2's offer")


@pytest.mark.parametrize("skip_setup", [True, False])
def test_another_topology_is_run_and_read_in_its_own_data_folder(ledger, monkeypatch, tmp_path, skip_setup):
    """`--topology X` (or RECFIN_TOPOLOGY): the network and every profile come from X's data folder."""
    import yaml
    from network.topology import load
    opened = []
    open_session = connection.open_session

    def recording(org, user=None, data_root=None, *, admin=False):
        opened.append(data_root)
        return open_session(org, user, data_root, admin=admin)

    monkeypatch.setattr(connection, "open_session", recording)
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({**load().model_dump(mode="json", exclude_none=True),
                                     "data_root": str(tmp_path / "other-data")}))
    res = run_demo("--topology", str(other), *(["--skip-setup"] if skip_setup else []))
    assert res.exit_code == 0, res.output
    assert opened and set(opened) == {tmp_path / "other-data"}
    assert [n.data_root for n in FakeNetwork.instances] == ([] if skip_setup else [tmp_path / "other-data"])


def test_people_get_steps_with_tx_ids_and_the_ledger_state(ledger):
    res = run_demo("--skip-setup")
    assert res.exit_code == 0, res.output
    assert FakeNetwork.instances == []  # --skip-setup: no network management
    assert "accept bank2's offer, the cheaper" in res.output and "AcceptFinancingOffer-tx" in res.output
    assert "Ledger state" in res.output and "CNY 83,000.00" in res.output and "TOTAL" in res.output
    # the steps' amounts read as money on the console (--json carries them as integer fen), ratios as percentages
    assert "face=CNY 113,000.00" in res.output and "frozen=yes" in res.output and "all-in, CNY " in res.output
    assert "split CNY 30,000.00 to its tier-2 supplier" in res.output
    assert "exposure=CNY 113,000.00  financed_share=25.00%" in res.output   # the doubles' statistics: 0.2500
    # the early settlement is said to be early, and the frozen claim is shown frozen and unpaid at the end (the
    # notes are wrapped: read as one line)
    said = " ".join(res.output.split())
    assert "pays now, ahead of the due date" in said and "90 days before the due date" in said
    assert f"{DISPUTED} stays frozen under order DEMO-" in said and "CNY 22,600.00 unpaid" in said


def test_the_closing_table_shows_the_disputed_claim_frozen_and_the_others_not(ledger):
    res = run_demo("--skip-setup")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    header, *rows = lines[lines.index("Ledger state (read by the regulator):") + 1:][:5]
    assert header.split() == ["ID", "HOLDER", "STATUS", "OUTSTANDING", "FROZEN"]
    assert {row.split()[0]: row.split()[-1] for row in rows} == {R: "no", MOVED: "no", KEPT: "no", DISPUTED: "yes"}


def test_people_see_the_second_order_queued_then_lifted_and_the_court_s_order_holding(ledger):
    res = run_demo("--skip-setup")
    assert res.exit_code == 0, res.output
    lines = one_line_per_step(res.output)
    (court,) = [line for line in lines if f"freeze {DISPUTED} under order DEMO-" in line and "queued" not in line]
    order = court.split(" under order ")[1].split()[0]
    (queued,) = [line for line in lines if f"freeze {DISPUTED} under order {order}-2: queued" in line]
    (lifted,) = [line for line in lines if f"unfreeze {DISPUTED}: lift order {order}-2 " in line]
    assert queued.endswith(f"queued behind {order}") and "FreezeReceivable2-tx" in queued
    assert lifted.endswith(f"still frozen under {order}") and "UnfreezeReceivable-tx" in lifted
    said = " ".join(res.output.split())
    assert "queues behind the court's (轮候冻结)" in said and f"the regulator lifts order {order}-2" in said


def _answering_unfreeze(ledger, answer) -> None:
    """Every session's UnfreezeReceivable answers ``answer(the double's own document)``."""
    answers = ledger.answers

    def changed(who):
        own = answers(who)
        return {**own, "UnfreezeReceivable": lambda args: answer(own["UnfreezeReceivable"](args))}
    ledger.answers = changed


def test_a_lifting_of_the_queued_order_that_frees_the_claim_stops_the_story_before_the_payments(ledger):
    _answering_unfreeze(ledger, lambda doc: {**doc, "frozen": None})
    res = run_demo("--skip-setup", "--json")
    assert res.exit_code == 1, res.output
    said = " ".join(res.stderr.split())
    assert "lifting the queued order DEMO-" in said and f"left {DISPUTED} free: the court's order" in said, said
    assert "no longer held it" in said and ledger.calls("RecordPayment") == []
    stopped = json.loads(res.stdout)["stopped"]
    assert (stopped["actor"], stopped["call"]) == ("regulator", "unfreeze")


def test_a_second_order_that_takes_effect_at_once_stops_the_story_before_any_lifting(ledger):
    answers = ledger.answers

    def changed(who):
        own = answers(who)
        return {**own, "FreezeReceivable": lambda args: {**own["FreezeReceivable"](args), "queued_freezes": []}}
    ledger.answers = changed
    res = run_demo("--skip-setup")
    assert res.exit_code == 1, res.output
    said = " ".join(res.output.split())
    assert f"a second order on frozen {DISPUTED} took effect at once" in said, said
    assert ledger.calls("UnfreezeReceivable") == [] and ledger.calls("RecordPayment") == []


def test_a_ledger_where_officer2_acts_for_first_bank_still_tells_the_story(ledger):
    ledger.second_bank_party = BANK  # an older ledger bound officer2 to First Bank
    ledger.contracts.clear()
    res = run_demo("--skip-setup", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [who for who, _ in ledger.calls("MakeFinancingOffer")] == [("bank", "officer1", False)]
    assert any(s["what"].startswith("second bank unavailable") for s in out["steps"])
    assert out["chosen_offer"] == "O-1"


CONNECTION_REFUSED = "failed to connect to all addresses; last error: UNKNOWN: ipv4:{address}: Failed to connect to " \
                     "remote host: Connection refused"


@pytest.fixture
def closed_address() -> str:
    """An address nothing listens at: a port taken from the system, then let go."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def open_address():
    """An address a listening socket takes connections at (a peer that answers)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"127.0.0.1:{s.getsockname()[1]}"


def peers_at(monkeypatch, ledger: Ledger, address: str, error: Exception) -> None:
    """Every session's gateway peer at ``address``; registering a party fails with ``error``."""
    inner = connection.open_session

    @contextmanager
    def at(org, user=None, data_root=None, *, admin=False):
        with inner(org, user, data_root, admin=admin) as session:
            ledger.contract((org, user, admin)).errors["RegisterParty"] = error
            gateway = session.profile.gateway.model_copy(update={"address": address})
            yield replace(session, profile=session.profile.model_copy(update={"gateway": gateway}))

    monkeypatch.setattr(connection, "open_session", at)


def unavailable(kind, address: str):
    message = CONNECTION_REFUSED.format(address=address) if kind is EndorseError else "Socket closed"
    return kind(message, transaction_id="7" * 64, code=grpc.StatusCode.UNAVAILABLE)


def test_skip_setup_on_a_network_that_is_down_says_the_peer_is_not_answering_and_how_to_start_it(
        ledger, monkeypatch, closed_address):
    peers_at(monkeypatch, ledger, closed_address, unavailable(EndorseError, closed_address))
    res = run_demo("--skip-setup")
    assert res.exit_code == 1
    said = " ".join(res.output.split())
    assert f"Error: the coreenterprise peer at {closed_address} is not answering (nothing accepts connections " \
           "there): start the network with `recfin network up` (or run the demo without --skip-setup, which starts " \
           "it), and see its nodes with `recfin network status`" in said, said
    assert "[tx " not in said     # the proposal that failed was never sent: no transaction to name


def test_skip_setup_on_another_data_folder_that_is_down_names_it_and_the_topology_its_commands_need(
        ledger, monkeypatch, closed_address, tmp_path):
    # `recfin network up|status` take no --data-root: bare, they would act on the topology's own folder
    peers_at(monkeypatch, ledger, closed_address, unavailable(EndorseError, closed_address))
    res = run_demo("--skip-setup", "--data-root", str(tmp_path))
    assert res.exit_code == 1
    said = " ".join(res.output.split())
    assert f"Error: the coreenterprise peer at {closed_address} is not answering (nothing accepts connections " \
           f"there): start the network in {tmp_path} with `recfin network up --topology FILE` (or run the demo " \
           "without --skip-setup, which starts it), and see its nodes with `recfin network status --topology " \
           "FILE`. Those commands act on the data folder of their topology, not on --data-root: FILE is a topology " \
           f"like {DEFAULT_TOPOLOGY} whose data_root is {tmp_path}" in said, said


def test_a_peer_down_right_after_setup_is_named_with_where_to_look(ledger, monkeypatch, closed_address, tmp_path):
    peers_at(monkeypatch, ledger, closed_address, unavailable(EndorseError, closed_address))
    topology = tmp_path / "t.yaml"
    topology.write_text(Path(DEFAULT_TOPOLOGY).read_text())
    res = run_demo("--topology", str(topology))
    assert res.exit_code == 1
    said = " ".join(res.output.split())
    assert f"the coreenterprise peer at {closed_address} is not answering (nothing accepts connections there), " \
           f"though the network was just brought up: see which node stopped with `recfin network status --topology " \
           f"{topology}`, and why with `recfin network logs NODE --topology {topology}`" in said, said


def test_a_peer_down_right_after_setup_on_another_data_folder_names_it_and_the_topology_to_look_with(
        ledger, monkeypatch, closed_address, tmp_path):
    peers_at(monkeypatch, ledger, closed_address, unavailable(EndorseError, closed_address))
    topology = tmp_path / "t.yaml"
    topology.write_text(Path(DEFAULT_TOPOLOGY).read_text())
    data = tmp_path / "data"
    res = run_demo("--topology", str(topology), "--data-root", str(data))
    assert res.exit_code == 1
    said = " ".join(res.output.split())
    assert f"the coreenterprise peer at {closed_address} is not answering (nothing accepts connections there), " \
           f"though the network in {data} was just brought up: see which node stopped with `recfin network status " \
           "--topology FILE`, and why with `recfin network logs NODE --topology FILE`. Those commands act on the " \
           f"data folder of their topology, not on --data-root: FILE is a topology like {topology} whose data_root " \
           f"is {data}" in said, said


@pytest.mark.parametrize("given", [True, False])
def test_the_bench_s_parties_without_a_credit_code_are_named_with_the_profiles_folder(ledger, monkeypatch, tmp_path,
                                                                                       given):
    from bench.network_session import ensure_parties
    from network import profiles
    inner = connection.open_session

    @contextmanager
    def without_code(org, user=None, data_root=None, *, admin=False):
        with inner(org, user, data_root, admin=admin) as session:
            yield replace(session, user=session.user.model_copy(update={"name": user, "attrs": {}})) \
                if user == "supplier2" else session

    monkeypatch.setattr(connection, "open_session", without_code)
    data_root = tmp_path if given else None
    with pytest.raises(click.ClickException) as refused:
        ensure_parties(data_root, print)
    folder = (data_root or profiles.default_data_root()) / "profiles"
    said = " ".join(refused.value.message.split())
    assert f"in the connection profiles in {folder}, supplier/supplier2 has no recfin.enterprise attribute" in said
    assert "in the topology's users (attrs:), then `recfin network up` writes it into the profiles" in said
    assert ledger.calls("RegisterParty") == []


@pytest.mark.parametrize("kind, peer", [
    (EndorseError, "open_address"),    # the peer answered UNAVAILABLE itself (an endorser or orderer it needs)
    (SubmitError, "closed_address"),   # the transaction may have been ordered: its id is what to look up
])
def test_other_unavailable_errors_keep_their_own_line(ledger, monkeypatch, request, kind, peer):
    address = request.getfixturevalue(peer)
    error = unavailable(kind, address)
    peers_at(monkeypatch, ledger, address, error)
    res = run_demo("--skip-setup")
    assert res.exit_code == 1
    said = " ".join(res.output.split())
    # the error's own line, in the line naming the step it failed (the first party's registration)
    assert (f"Error: step [1] of the story failed (coreenterprise-admin acting): {error.without_advice()}"
            in said), said
    assert "not answering" not in said
    assert "new_commit" not in said   # the SDK's advice: the line says what to do with the CLI's commands
