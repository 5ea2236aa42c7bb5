"""Every business command of `recfin`, as an operator runs it, on the real network.

Each command runs through click (``CliRunner`` over ``cli.main``) with ``--as ORG/USER`` and ``--json``,
the way a script would drive it; the event follower runs as its own process, stopped and started
again on its checkpoint file. Then the inputs an operator gets wrong: an unknown receivable, an amount
with more than two decimals or below zero, and an org that may not act. Each exits non-zero with one line
naming what was wrong, and the ledger afterwards shows that nothing changed: not the claim, and not
one block more on any peer.
"""
from __future__ import annotations

import json
import secrets
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bench.network_session import ensure_parties
from cli.demo_commands import business_today
from cli.main import main
from client.invoices.credit_code import credit_code_check_digit
from client.pricing import bank_config_path

from .conftest import peers_caught_up

REPO = Path(__file__).resolve().parents[2]
_CONSOLE_SCRIPT = Path(sys.executable).with_name("recfin")
RECFIN_PROCESS = [str(_CONSOLE_SCRIPT)] if _CONSOLE_SCRIPT.is_file() else [
    sys.executable, "-c", "from cli.main import main; main()"]
PROCESS_TIMEOUT = 120
FACE, INVOICE_AMOUNT, INVOICE_TAX = "113,000.00", "100000.00", "13000.00"
FACE_FEN = 11_300_000


@dataclass
class Recfin:
    """`recfin` on the suite's network: ledger commands get ``--data-root`` and ``--json``; commands that
    take ``--topology`` find the suite's through RECFIN_TOPOLOGY."""

    data_root: Path
    topology: Path

    def run(self, *args: str) -> Result:
        """The command, then a wait until every peer has its change (if it made one): each command opens its own
        connection, so the block it wrote is known to its own org's peer first, and the next command may be
        another org's, simulated on that org's peer."""
        result = CliRunner(env={"RECFIN_TOPOLOGY": str(self.topology)}).invoke(main, list(args))
        peers_caught_up()
        return result

    def ledger_args(self, *args: str, as_: str | None = None) -> list[str]:
        return [*args, *(["--as", as_] if as_ else []), "--data-root", str(self.data_root), "--json"]

    def json(self, *args: str, as_: str | None = None):
        """The command's JSON output; the test fails with the command's own words if it did not succeed."""
        result = self.run(*self.ledger_args(*args, as_=as_))
        assert result.exit_code == 0, f"recfin {' '.join(args)} --as {as_}: {result.output}"
        return json.loads(result.stdout)

    def fails(self, *args: str, as_: str | None = None, exit_code: int) -> str:
        """The one error line of a command that must fail (not crash) with ``exit_code``."""
        result = self.run(*self.ledger_args(*args, as_=as_))
        assert result.exit_code == exit_code, result.output
        assert isinstance(result.exception, SystemExit), result.exception   # handled, not a traceback
        assert result.stdout == ""
        return error_line(result.stderr, alone=exit_code != 2)

    def process(self, *args: str, as_: str | None = None) -> subprocess.CompletedProcess:
        """The command as its own process (a follower that is stopped and started again); then every peer has
        what it wrote, as after ``run``."""
        done = subprocess.run([*RECFIN_PROCESS, *self.ledger_args(*args, as_=as_)], capture_output=True, text=True,
                              timeout=PROCESS_TIMEOUT, cwd=REPO)
        peers_caught_up()
        return done


def error_line(stderr: str, *, alone: bool) -> str:
    """The single ``Error:`` line of a failed command; ``alone``: nothing else was printed (a refusal). A usage
    error (exit 2) prints the usage and a hint above it, as click does; a separate process may have library
    warnings around it."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    if alone:
        assert lines == errors, stderr
    return errors[0]


@pytest.fixture(scope="module")
def recfin(receivables_deployed, topology_file) -> Recfin:
    return Recfin(receivables_deployed.data_root, topology_file)


@pytest.fixture(scope="module")
def codes(recfin) -> dict[str, str]:
    """The demo's parties (core, tier1, tier2, bank, bank2, regulator), registered unless they are: credit codes."""
    return ensure_parties(recfin.data_root, say=print)


def register(recfin: Recfin, codes: dict[str, str], holder: str = "supplier/supplier1") -> dict:
    """A new receivable of 113,000.00 on a new invoice, issued today and due in 90 days."""
    today = business_today()
    number = f"{today:%y%m%d}{secrets.randbelow(10**14):014d}"
    return recfin.json(
        "receivable", "register", "--debtor", codes["core"], "--face", FACE, "--issue", today.isoformat(),
        "--due", (today + timedelta(days=90)).isoformat(),
        "--invoice", f"{number},{today.isoformat()},{INVOICE_AMOUNT},{INVOICE_TAX}",
        "--contract-hash", secrets.token_hex(32), as_=holder)


def confirmed(recfin: Recfin, codes: dict[str, str]) -> dict:
    claim = register(recfin, codes)
    return recfin.json("receivable", "confirm", claim["id"], as_="coreenterprise/treasurer")


def peer_heights(recfin: Recfin) -> dict[str, int]:
    result = recfin.run("network", "status", "--json")
    assert result.exit_code == 0, result.output
    return {node["name"]: node["height"] for node in json.loads(result.stdout) if node["kind"] == "peer"}


def settled_heights(recfin: Recfin) -> dict[str, int]:
    """Every peer's block height, all one: ``Recfin.run`` has let every peer catch up with the newest block."""
    heights = peer_heights(recfin)
    assert len(set(heights.values())) == 1, f"the peers are at different heights after catching up: {heights}"
    return heights


# ---- the network and the chaincode -----------------------------------------------------------------------


def test_network_status_shows_every_node_healthy_at_one_height(recfin):
    result = recfin.run("network", "status", "--json")
    assert result.exit_code == 0, result.output
    nodes = json.loads(result.stdout)
    assert {n["kind"] for n in nodes} >= {"orderer", "peer", "chaincode"}
    assert all(n["healthy"] and n["pid"] for n in nodes if n["kind"] != "chaincode")
    assert any(n["pid"] for n in nodes if n["kind"] == "chaincode")
    assert min(settled_heights(recfin).values()) > 1            # genesis and the chaincode definitions



def test_network_up_on_the_running_network_leaves_every_node_alone(recfin):
    before = {n["name"]: n["pid"] for n in json.loads(recfin.run("network", "status", "--json").stdout)}
    heights = settled_heights(recfin)
    result = recfin.run("network", "up", "--json")
    assert result.exit_code == 0, result.output
    assert {n["name"]: n["pid"] for n in json.loads(result.stdout)} == before
    assert settled_heights(recfin) == heights

def test_chaincode_config_matches_what_is_deployed_and_committed(recfin):
    result = recfin.run("chaincode", "config", "--committed", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["chaincode"] == "receivables"
    assert report["deployed"] is True and report["committed"] is True
    assert report["approvals"] and all(report["approvals"].values())
    assert report["version"] == report["committed_version"]


def test_the_settings_each_peer_runs_are_the_configuration_the_definition_names(recfin):
    """`recfin chaincode settings` reads from a peer of the org --as names the rules its server runs, whose digest
    is the one the committed definition's version names; any member asks, a party or not."""
    version = json.loads(recfin.run("chaincode", "config", "--committed", "--json").stdout)["committed_version"]
    for org in ("supplier", "bank/officer1", "regulator"):
        settings = recfin.json("chaincode", "settings", as_=org)
        assert version.endswith(f"+cfg.{settings['config_digest'][:12]}"), (org, settings)
        assert settings["payment_term"]


def test_the_ledger_upgrade_finds_nothing_missing_on_a_ledger_the_deployed_contract_wrote(recfin, codes):
    """Every entry of records this contract version wrote is there: the upgrade reads the ledger to its end,
    as the regulator's org admin, and writes nothing and reports nothing; another org's admin is refused (its pages
    name every claim), and so is the regulator's user (the regulator changes only freeze state)."""
    confirmed(recfin, codes)
    refused = recfin.fails("chaincode", "upgrade-ledger", as_="supplier", exit_code=1)
    assert "RULE role-not-permitted" in refused, refused
    refused = recfin.fails("chaincode", "upgrade-ledger", as_="regulator/inspector1", exit_code=1)
    assert "RULE role-not-permitted" in refused and "changes only freeze state" in refused, refused
    report = recfin.json("chaincode", "upgrade-ledger", "--page-size", "5", as_="regulator")
    assert report["pages"] >= 2 and report["scanned"] >= 1, report     # receivables, then discount offers
    assert (report["financier_entries"], report["discount_offer_entries"], report["fingerprint_entries"]) == \
        (0, 0, 0), report
    assert report["collisions"] == [] and report["without_current_spelling"] == [], report



def test_restarted_chaincode_servers_serve_the_same_ledger(recfin, codes):
    claim = register(recfin, codes)
    before = {n["name"]: n["pid"] for n in json.loads(recfin.run("network", "status", "--json").stdout)
              if n["kind"] == "chaincode" and n["name"].startswith("receivables.")}
    result = recfin.run("chaincode", "restart", "--name", "receivables")
    assert result.exit_code == 0, result.output
    assert f"restarted {len(before)} chaincode server(s)" in result.output   # after a line per server started
    after = {n["name"]: n["pid"] for n in json.loads(recfin.run("network", "status", "--json").stdout)
             if n["name"] in before}
    assert all(after[name] and after[name] != pid for name, pid in before.items()), (before, after)
    # the peers dial the new servers on the next call: state from before is read and changed through them
    assert recfin.json("receivable", "get", claim["id"], as_="supplier/supplier1") == claim
    assert recfin.json("receivable", "confirm", claim["id"], as_="coreenterprise/treasurer")["status"] == "CONFIRMED"


def test_a_peers_log_shows_the_blocks_it_committed(recfin, codes):
    register(recfin, codes)   # at least one block committed since the network started
    result = recfin.run("network", "logs", "peer0.supplier", "-n", "400")
    assert result.exit_code == 0, result.output
    assert "Committed block [" in result.output
    assert len(result.output.splitlines()) <= 400
    unknown = recfin.run("network", "logs", "peer9.nobody")
    assert unknown.exit_code != 0 and "peer9.nobody" in unknown.output

# ---- parties ----------------------------------------------------------------------------------------------


def test_an_org_admin_registers_a_party_binds_a_user_unbinds_it_and_renames_it(recfin, codes):   # supplier1: a party
    body = f"91310000MA1K{secrets.randbelow(10**5):05d}"
    uscc = body + credit_code_check_digit(body)
    name = f"Tier-1 Wiring Co. {uscc[-4:]}"
    party = recfin.json("party", "register", "--uscc", uscc, "--name", name, "--role", "supplier",
                        "--client", "supplier3", as_="supplier")
    assert (party["uscc"], party["name"], party["role"], party["msp_id"]) == (uscc, name, "supplier", "SupplierMSP")
    assert len(party["client_ids"]) == 1

    bound = recfin.json("party", "bind", uscc, "--client", "supplier4", as_="supplier")
    assert len(bound["client_ids"]) == 2
    assert recfin.json("party", "get", uscc, as_="supplier/supplier1")["client_ids"] == bound["client_ids"]
    assert recfin.json("party", "whoami", as_="supplier/supplier4")["uscc"] == uscc

    # supplier4 leaves: its binding goes at once, supplier3 still acts, and the last identity stays
    left = recfin.json("party", "unbind", uscc, "--client", "supplier4", as_="supplier")
    assert left["client_ids"] == party["client_ids"]
    refusal = recfin.fails("party", "whoami", as_="supplier/supplier4", exit_code=1)
    assert refusal.startswith("Error: WhoAmI refused: RULE caller-not-a-party: ")
    assert recfin.json("party", "whoami", as_="supplier/supplier3")["client_ids"] == party["client_ids"]
    before = settled_heights(recfin)
    refusal = recfin.fails("party", "unbind", uscc, "--client", "supplier3", as_="supplier", exit_code=1)
    assert refusal.startswith("Error: UnbindPartyIdentity refused: RULE last-identity-of-party: ")
    assert peer_heights(recfin) == before

    # the enterprise changes its name: the record takes the new one, under the same credit code
    renamed = recfin.json("party", "rename", uscc, "--name", f"{name} Group", as_="supplier")
    assert (renamed["uscc"], renamed["name"], renamed["client_ids"]) == (uscc, f"{name} Group", party["client_ids"])
    assert recfin.json("party", "whoami", as_="supplier/supplier3")["name"] == f"{name} Group"


# ---- receivables ------------------------------------------------------------------------------------------


def test_a_receivable_is_registered_confirmed_split_and_looked_up(recfin, codes):
    claim = register(recfin, codes)
    assert (claim["status"], claim["face_amount"], claim["holder"], claim["debtor"]) == (
        "REGISTERED", FACE_FEN, codes["tier1"], codes["core"])
    assert recfin.json("receivable", "get", claim["id"], as_="supplier/supplier1") == claim

    confirmed_claim = recfin.json("receivable", "confirm", claim["id"], as_="coreenterprise/treasurer")
    assert confirmed_claim["status"] == "CONFIRMED" and confirmed_claim["confirmed_on"]

    split = recfin.json("receivable", "transfer", claim["id"], "--to", codes["tier2"], "--amount", "30,000.00",
                        as_="supplier/supplier1")
    moved, kept = split["children_records"]
    assert split["status"] == "SPLIT" and split["children"] == [moved["id"], kept["id"]]
    assert (moved["holder"], moved["outstanding"]) == (codes["tier2"], 3_000_000)
    assert (kept["holder"], kept["outstanding"]) == (codes["tier1"], 8_300_000)

    assert moved["id"] in [r["id"] for r in recfin.json("receivable", "list", "--all", as_="supplier/supplier2")]
    page = recfin.json("receivable", "list", "--debtor", codes["core"], "--page-size", "5", as_="coreenterprise")
    assert 1 <= len(page["records"]) <= 5 and page["fetched"] >= len(page["records"])

    history = recfin.json("receivable", "history", claim["id"], as_="supplier/supplier1")
    assert [(h["action"], h["status"]) for h in history] == [
        ("RegisterReceivable", "REGISTERED"), ("ConfirmReceivable", "CONFIRMED"), ("TransferReceivable", "SPLIT")]
    assert [h["tx_id"] for h in history] == [claim["last"]["tx_id"], confirmed_claim["last"]["tx_id"],
                                             split["last"]["tx_id"]]

    tree = recfin.json("receivable", "provenance", moved["id"], as_="regulator")
    assert tree["root_id"] == claim["id"] and [a["id"] for a in tree["ancestors"]] == [claim["id"]]

    lookup = recfin.json("receivable", "find-invoice", claim["invoices"][0]["fingerprint"], as_="bank/officer1")
    assert (lookup["used"], lookup["receivable_id"], lookup["live"]) == (True, claim["id"], True)


@pytest.mark.parametrize("command, actor, status, reason_field", [
    ("reject", "coreenterprise/treasurer", "REJECTED", "rejection_reason"),   # the debtor does not owe it
    ("withdraw", "supplier/supplier1", "WITHDRAWN", "withdrawal_reason"),     # the creditor registered it in error
])
def test_a_claim_the_debtor_rejects_or_the_creditor_withdraws_releases_its_invoice(recfin, codes, command, actor,
                                                                                     status, reason_field):
    claim = register(recfin, codes)
    ended = recfin.json("receivable", command, claim["id"], "--reason", "goods returned", as_=actor)
    assert (ended["status"], ended[reason_field]) == (status, "goods returned")
    lookup = recfin.json("receivable", "find-invoice", claim["invoices"][0]["fingerprint"], as_="supplier/supplier1")
    assert lookup["used"] is False


def test_the_creditor_links_a_confirmed_claims_paper_identity_which_the_registry_then_holds_for_it(recfin, codes):
    claim = confirmed(recfin, codes)
    paper_number = f"{secrets.randbelow(10**8):08d}"
    # only the claim's creditor, the invoice's seller, links: the registry holds the identity under its tax id
    linked = recfin.json("receivable", "link-paper", claim["id"], "--invoice", claim["invoices"][0]["number"],
                         "--paper-code", "144031900111", "--paper-number", paper_number, as_="supplier/supplier1")
    invoice = linked["invoices"][0]
    assert (invoice["paper_code"], invoice["paper_number"]) == ("144031900111", paper_number)
    lookup = recfin.json("receivable", "find-invoice", invoice["paper_fingerprint"], as_="supplier/supplier1")
    assert (lookup["used"], lookup["receivable_id"]) == (True, claim["id"])


# ---- financing, pricing and settlement ---------------------------------------------------------------------


def test_a_claim_is_financed_on_the_offer_that_costs_least_then_paid_and_repaid(recfin, codes):
    claim = confirmed(recfin, codes)
    financing = recfin.json("finance", "request", claim["id"], as_="supplier/supplier1")
    assert financing["status"] == "REQUESTED"

    # The debtor's grade is given: scoring it from the ledger is the demo suite's (few claims exist yet).
    quoted = recfin.json("finance", "quote", claim["id"], "--config", str(bank_config_path("bank")),
                         "--grade", "B", "--yes", as_="bank/officer1")
    first_bank = quoted["made_offer"]
    assert first_bank["financing_id"] == financing["id"] and first_bank["status"] == "OPEN"
    expires = (business_today() + timedelta(days=14)).isoformat()
    second_bank = recfin.json("finance", "offer", financing["id"], "--advance-rate", "0.85", "--discount-rate",
                              "0.032", "--fees", "0", "--expires", expires, as_="bank/officer2")
    assert second_bank["financier"] == codes["bank2"]
    banks = {first_bank["id"]: ("bank/officer1", codes["bank"], quoted["offer"]["advance_rate"]),
             second_bank["id"]: ("bank/officer2", codes["bank2"], "0.85")}

    view = recfin.json("finance", "get", financing["id"], as_="supplier/supplier1")
    assert {o["id"] for o in view["offers"]} == set(banks)
    compared = recfin.json("finance", "compare", claim["id"], as_="supplier/supplier1")
    bank_proposals = [p for p in compared["proposals"] if p["source"] == "bank"]  # by all-in annual cost
    assert {p["offer_id"] for p in bank_proposals} == set(banks)
    cheapest = bank_proposals[0]
    assert cheapest["eligible"] and cheapest["rank_by_cost"] == min(
        p["rank_by_cost"] for p in bank_proposals if p["eligible"])
    bank, bank_code, advance_rate = banks[cheapest["offer_id"]]

    accepted = recfin.json("finance", "accept", cheapest["offer_id"], as_="supplier/supplier1")
    assert (accepted["status"], accepted["accepted_offer_id"]) == ("ACCEPTED", cheapest["offer_id"])
    terms = recfin.json("finance", "terms", cheapest["offer_id"], as_="regulator")
    assert Decimal(str(terms["advance_rate"])) == Decimal(str(advance_rate))

    disbursed = recfin.json("finance", "disburse", financing["id"], as_=bank)
    assert disbursed["status"] == "DISBURSED" and disbursed["notice_id"]
    # the advance's private record, from the bank's own peer, which endorsed its write
    advance = recfin.json("finance", "disbursement", financing["id"], as_=bank)
    assert advance["financing_id"] == financing["id"]
    assert advance["net_amount"] == advance["principal"] - advance["interest"] - advance["fees"]
    notice = recfin.json("finance", "notice", disbursed["notice_id"], as_="coreenterprise")
    assert (notice["receivable_id"], notice["status"]) == (claim["id"], "ISSUED")
    acknowledged = recfin.json("finance", "acknowledge", disbursed["notice_id"], as_="coreenterprise/treasurer")
    assert acknowledged["status"] == "ACKNOWLEDGED"

    paid = recfin.json("receivable", "pay", claim["id"], "--amount", f"{FACE_FEN}fen", as_="coreenterprise/treasurer")
    assert paid["outstanding"] == 0 and paid["allocations"][0]["payee"] == bank_code
    assert recfin.json("finance", "repay", financing["id"], as_=bank)["status"] == "REPAID"
    assert recfin.json("receivable", "get", claim["id"], as_="coreenterprise")["status"] == "SETTLED"


def test_the_holder_withdraws_a_financing_request(recfin, codes):
    claim = confirmed(recfin, codes)
    financing = recfin.json("finance", "request", claim["id"], as_="supplier/supplier1")
    assert recfin.json("finance", "withdraw", financing["id"], as_="supplier/supplier1")["status"] == "WITHDRAWN"


def test_an_accepted_financing_the_bank_does_not_disburse_is_cancelled_and_the_claim_moves_on(recfin, codes):
    claim = confirmed(recfin, codes)
    financing = recfin.json("finance", "request", claim["id"], as_="supplier/supplier1")
    expires = (business_today() + timedelta(days=14)).isoformat()
    offer = recfin.json("finance", "offer", financing["id"], "--advance-rate", "0.9", "--discount-rate", "0.036",
                        "--expires", expires, as_="bank/officer1")
    recfin.json("finance", "accept", offer["id"], as_="supplier/supplier1")
    refusal = recfin.fails("finance", "withdraw", financing["id"], as_="supplier/supplier1", exit_code=1)
    assert "WithdrawFinancing refused: RULE invalid-state" in refusal

    cancelled = recfin.json("finance", "cancel", financing["id"], "--reason", "not disbursed",
                            as_="supplier/supplier1")
    assert (cancelled["status"], cancelled["cancellation_reason"]) == ("CANCELLED", "not disbursed")
    after = recfin.json("receivable", "get", claim["id"], as_="supplier/supplier1")
    assert (after["status"], after["financing_id"], after["financier"]) == ("CONFIRMED", None, None)
    # the financing is over: the bank's disbursement is refused by the disbursement's own rule (the read the
    # client makes first to choose endorsers is refused too, and stays quiet so that this rule is the one shown)
    refusal = recfin.fails("finance", "disburse", financing["id"], as_="bank/officer1", exit_code=1)
    assert "RecordDisbursement refused: RULE invalid-state" in refusal and "CANCELLED" in refusal
    moved = recfin.json("receivable", "transfer", claim["id"], "--to", codes["tier2"], "--amount", FACE,
                        as_="supplier/supplier1")
    assert moved["holder"] == codes["tier2"]


def test_a_bank_withdraws_its_offer_the_holder_cannot_accept_it_and_the_bank_offers_again(recfin, codes):
    claim = confirmed(recfin, codes)
    financing = recfin.json("finance", "request", claim["id"], as_="supplier/supplier1")
    expires = (business_today() + timedelta(days=14)).isoformat()
    offer_args = ("finance", "offer", financing["id"], "--advance-rate", "0.9", "--discount-rate", "0.036",
                  "--expires", expires)
    offer = recfin.json(*offer_args, as_="bank/officer1")
    withdrawn = recfin.json("finance", "withdraw-offer", offer["id"], "--reason", "terms revised",
                            as_="bank/officer1")
    assert (withdrawn["status"], withdrawn["withdrawal_reason"]) == ("WITHDRAWN", "terms revised")
    before = settled_heights(recfin)
    refusal = recfin.fails("finance", "accept", offer["id"], as_="supplier/supplier1", exit_code=1)
    assert "AcceptFinancingOffer refused: RULE invalid-state" in refusal
    assert peer_heights(recfin) == before
    again = recfin.json(*offer_args, as_="bank/officer1")
    shown = recfin.json("finance", "get", financing["id"], as_="supplier/supplier1")
    assert {o["id"]: o["status"] for o in shown["offers"]} == {offer["id"]: "WITHDRAWN", again["id"]: "OPEN"}
    assert recfin.json("finance", "accept", again["id"], as_="supplier/supplier1")["status"] == "ACCEPTED"


def test_recourse_before_the_due_date_is_refused_by_rule_and_nothing_changes(recfin, codes):
    """Recourse taken needs the claim past its due date, which today's network cannot reach in a run (the
    contract's unit tests take it there); the command reads the accepted terms back and the peers refuse."""
    claim = confirmed(recfin, codes)
    financing = recfin.json("finance", "request", claim["id"], as_="supplier/supplier1")
    expires = (business_today() + timedelta(days=14)).isoformat()
    offer = recfin.json("finance", "offer", financing["id"], "--advance-rate", "0.8", "--discount-rate", "0.036",
                        "--recourse", "--expires", expires, as_="bank/officer1")
    recfin.json("finance", "accept", offer["id"], as_="supplier/supplier1")
    disbursed = recfin.json("finance", "disburse", financing["id"], as_="bank/officer1")
    before = settled_heights(recfin)
    line = recfin.fails("finance", "recourse", financing["id"], "--reason", "unpaid", as_="bank/officer1",
                        exit_code=1)
    assert line.startswith("Error: ExerciseRecourse refused: RULE not-yet-due: ") and claim["due_date"] in line
    # the demand that comes before it is refused by the same rule
    line = recfin.fails("finance", "demand-recourse", financing["id"], "--reason", "repurchase within 10 days",
                        as_="bank/officer1", exit_code=1)
    assert line.startswith("Error: DemandRecourse refused: RULE not-yet-due: ") and claim["due_date"] in line
    shown = recfin.json("finance", "get", financing["id"], as_="bank/officer1")
    assert (shown["status"], shown["recourse_demands"]) == (disbursed["status"], [])
    assert peer_heights(recfin) == before


def test_the_debtor_offers_early_payment_and_the_holder_takes_it(recfin, codes, tmp_path):
    claim = confirmed(recfin, codes)
    moved = recfin.json("receivable", "transfer", claim["id"], "--to", codes["tier2"], "--amount", FACE,
                        as_="supplier/supplier1")
    assert moved["holder"] == codes["tier2"]
    expires = (business_today() + timedelta(days=7)).isoformat()
    offer = recfin.json("discount", "publish", "--apr", "0.05", "--expires", expires, "--receivable", moved["id"],
                        as_="coreenterprise/treasurer")
    read = recfin.json("discount", "get", offer["id"], as_="supplier/supplier2")
    assert read["receivable_ids"] == [moved["id"]]

    # no terminal to confirm in: accepted on the terms of that read, as a script does
    (as_read := tmp_path / "offer.json").write_text(json.dumps(read))
    settled = recfin.json("discount", "accept", offer["id"], moved["id"], "--as-read", str(as_read),
                          as_="supplier/supplier2")
    payment = settled["payments"][-1]
    assert (settled["status"], settled["outstanding"], payment["method"]) == ("SETTLED", 0, "dynamic-discount")
    assert payment["amount"] + payment["discount"] == FACE_FEN and payment["discount"] > 0


# ---- the regulator ----------------------------------------------------------------------------------------


def test_the_regulator_freezes_a_claim_reads_statistics_and_lifts_the_freeze(recfin, codes):
    claim = confirmed(recfin, codes)
    order = f"(2026) Hu 0101 Bao {secrets.randbelow(1000)}"
    frozen = recfin.json("regulator", "freeze", claim["id"], "--order", order, as_="regulator/inspector1")
    assert frozen["frozen"]["order_reference"] == order

    refusal = recfin.fails("receivable", "pay", claim["id"], "--amount", FACE, as_="coreenterprise/treasurer",
                           exit_code=1)
    assert "RecordPayment refused: RULE receivable-frozen" in refusal
    assert recfin.json("receivable", "get", claim["id"], as_="regulator")["outstanding"] == FACE_FEN

    statistics = recfin.json("regulator", "statistics", as_="regulator")
    assert statistics["per_debtor"][codes["core"]]["CNY"]["receivables"] >= 1
    assert statistics["total"]["CNY"]["exposure"] >= FACE_FEN
    assert statistics["count_by_status"].get("CONFIRMED", 0) >= 1
    assert claim["id"] in [r["id"] for r in recfin.json("regulator", "list", "CONFIRMED", "--all", as_="regulator")]

    # this version's freeze named the regulator's org on the key: a reseal, endorsed by the orgs the key names,
    # finds nothing to write, and the claim stays as it was
    refusal = recfin.fails("receivable", "reseal", claim["id"], as_="supplier/supplier1", exit_code=1)
    assert "ResealReceivable refused: RULE nothing-to-reseal" in refusal

    thawed = recfin.json("regulator", "unfreeze", claim["id"], "--order", f"{order} lifted", as_="regulator")
    assert thawed["frozen"] is None



def test_the_receivable_groups_regulator_commands_are_the_regulators(recfin, codes):
    claim = confirmed(recfin, codes)
    order = f"(2026) Hu 0101 Bao {secrets.randbelow(1000)}"
    frozen = recfin.json("receivable", "freeze", claim["id"], "--order", order, as_="regulator/inspector1")
    assert frozen["frozen"]["order_reference"] == order
    statistics = recfin.json("receivable", "stats", as_="regulator")
    assert statistics == recfin.json("regulator", "statistics", as_="regulator")
    thawed = recfin.json("receivable", "unfreeze", claim["id"], "--order", f"{order} lifted", as_="regulator")
    assert thawed["frozen"] is None and thawed["last"]["tx_id"] != frozen["last"]["tx_id"]


def test_a_claim_not_yet_due_cannot_be_marked_overdue_and_nothing_changes(recfin, codes):
    claim = confirmed(recfin, codes)
    before = settled_heights(recfin)
    line = recfin.fails("receivable", "overdue", claim["id"], as_="supplier/supplier1", exit_code=1)
    assert line.startswith("Error: RecordOverdue refused: RULE not-yet-due: ") and claim["due_date"] in line
    assert recfin.json("receivable", "get", claim["id"], as_="supplier/supplier1") == claim
    assert peer_heights(recfin) == before

# ---- events ----------------------------------------------------------------------------------------------


def test_the_event_follower_resumes_after_a_restart_from_its_checkpoint(recfin, codes, tmp_path):
    start = max(settled_heights(recfin).values())                  # the next block's number
    claim = register(recfin, codes)
    confirmed_claim = recfin.json("receivable", "confirm", claim["id"], as_="coreenterprise/treasurer")
    checkpoint = tmp_path / "events.checkpoint"

    def follow(*args: str) -> tuple[list[dict], str]:
        done = recfin.process("events", *args, "--checkpoint", str(checkpoint), "--limit", "1", as_="regulator")
        assert done.returncode == 0, done.stderr
        return [json.loads(line) for line in done.stdout.splitlines()], done.stderr

    first_run, _ = follow("--start-block", str(start))
    assert [(e["event"], e["receivable_id"], e["tx_id"]) for e in first_run] == [
        ("ReceivableRegistered", claim["id"], claim["last"]["tx_id"])]
    assert first_run[0]["block"] >= start

    second_run, said = follow()                                     # started again: the file says where
    assert "resuming at block" in said
    assert [(e["event"], e["tx_id"]) for e in second_run] == [
        ("ReceivableConfirmed", confirmed_claim["last"]["tx_id"])]

    moved = recfin.json("receivable", "transfer", claim["id"], "--to", codes["tier2"], "--amount", FACE,
                        as_="supplier/supplier1")
    third_run, _ = follow()
    assert [(e["event"], e["tx_id"]) for e in third_run] == [("ReceivableTransferred", moved["last"]["tx_id"])]

    # Without a checkpoint, the same blocks replay every event in ledger order (`receivable events` is the same
    # command).
    replay = recfin.process("receivable", "events", "--start-block", str(start), "--limit", "3", as_="bank/officer1")
    assert replay.returncode == 0, replay.stderr
    assert [json.loads(line)["tx_id"] for line in replay.stdout.splitlines()] == [
        claim["last"]["tx_id"], confirmed_claim["last"]["tx_id"], moved["last"]["tx_id"]]


# ---- bad input changes nothing --------------------------------------------------------------------------------


def test_an_unknown_receivable_exits_non_zero_naming_it_and_nothing_changes(recfin, codes):
    unknown = f"R-{secrets.token_hex(8)}"
    before = settled_heights(recfin)
    done = recfin.process("receivable", "confirm", unknown, as_="coreenterprise/treasurer")
    assert done.returncode == 1 and done.stdout == ""
    line = error_line(done.stderr, alone=False)
    # the client reads the claim first to choose the endorsing orgs, so the read is what names the unknown id
    assert "GetReceivable refused: RULE not-found" in line and unknown in line
    assert "not-found" in recfin.fails("receivable", "get", unknown, as_="regulator", exit_code=1)
    assert peer_heights(recfin) == before


@pytest.mark.parametrize("amount, reason", [("12.345", "more than two decimals"), ("-5", "amounts are not negative")])
def test_a_bad_amount_is_refused_before_anything_is_sent(recfin, codes, amount, reason):
    claim = confirmed(recfin, codes)
    before = settled_heights(recfin)
    line = recfin.fails("receivable", "transfer", claim["id"], "--to", codes["tier2"], f"--amount={amount}",
                        as_="supplier/supplier1", exit_code=2)
    assert "Invalid value for '--amount'" in line and reason in line and amount in line
    assert recfin.json("receivable", "get", claim["id"], as_="supplier/supplier1") == claim
    assert peer_heights(recfin) == before


def test_an_org_that_may_not_act_is_refused_and_nothing_changes(recfin, codes):
    claim = register(recfin, codes)
    before = settled_heights(recfin)
    line = recfin.fails("receivable", "confirm", claim["id"], as_="supplier/supplier1", exit_code=1)
    assert line.startswith("Error: ConfirmReceivable refused: RULE role-not-permitted: ")
    assert "core_enterprise" in line                                # says who may
    assert recfin.json("receivable", "get", claim["id"], as_="regulator") == claim
    assert peer_heights(recfin) == before
