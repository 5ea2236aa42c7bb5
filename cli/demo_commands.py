"""`recfin demo`: one receivable through its whole life on the running network, across the four orgs.

It uses the connection profiles `recfin network up` wrote, and prints every step
with its transaction id. Dates come from the transaction timestamp (China
Standard Time business dates), so the receivable is issued today and falls due
in 90 days; it is settled before maturity, which the contract allows (a payment
before the due date is simply not late), and one part is paid early under the
debtor's dynamic-discount offer.

Steps: the org admins register the parties; the tier-1 supplier registers a
receivable backed by an invoice; the core enterprise confirms it; the holder
splits part off to a tier-2 supplier; the holder requests financing on the part
it kept, the bank offers, the holder accepts, the bank disburses, the debtor
acknowledges the assignment notice; a second receivable on the same invoice and
a second financing of the same claim are refused; the tier-2 supplier takes
early payment at a discount; the debtor pays the bank and the bank records
repayment; the regulator reads the statistics.
"""
from __future__ import annotations

import secrets
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import click

from client.invoices.credit_code import credit_code_check_digit
from client.receivables import (
    DiscountOfferRequest,
    FinancingTerms,
    InvoiceInput,
    ReceivableRegistration,
    RuleViolation,
    to_fen,
    to_yuan,
)

from . import connection
from .output import emit, progress

CHINA = timezone(timedelta(hours=8))
REGULATOR_CODE_BODY = "11110000MB000001X"  # a synthetic credit code for the demo's regulator (GB 32100 form)

# who acts: (org, user) as in network/topology.yaml
ACTORS = {
    "core": ("coreenterprise", "treasurer"),
    "tier1": ("supplier", "supplier1"),
    "tier2": ("supplier", "supplier2"),
    "bank": ("bank", "officer1"),
    "regulator": ("regulator", "inspector1"),
}
PARTIES = [  # (actor key, party name, role, users acting for it)
    ("core", "Core Manufacturing Co.", "core_enterprise", ("treasurer", "accountant")),
    ("tier1", "Tier-1 Parts Co.", "supplier", ("supplier1",)),
    ("tier2", "Tier-2 Castings Co.", "supplier", ("supplier2",)),
    ("bank", "First Bank", "financier", ("officer1", "officer2")),
    ("regulator", "Receivables Regulator", "regulator", ("inspector1", "inspector2")),
]


@dataclass
class Run:
    say: Callable[[str], None]
    steps: list[dict[str, Any]] = field(default_factory=list)

    def step(self, actor: str, what: str, tx_id: str | None, **facts: Any) -> None:
        n = len(self.steps) + 1
        self.steps.append({"step": n, "actor": actor, "what": what, "tx_id": tx_id, **facts})
        extra = "  ".join(f"{k}={v}" for k, v in facts.items())
        self.say(f"[{n:2d}] {actor:<9} {what:<46} tx {tx_id or '-'}  {extra}".rstrip())

    def refused(self, actor: str, what: str, error: RuleViolation) -> None:
        self.step(actor, what + " -> refused", error.transaction_id, rule=error.rule)


def credit_code_of(session: connection.Session, fallback_body: str) -> str:
    """The enterprise a user acts for (its `recfin.enterprise` attribute in the topology), or a synthetic code."""
    code = session.user.attrs.get("recfin.enterprise")
    return code or fallback_body + credit_code_check_digit(fallback_body)


def business_today() -> date:
    return datetime.now(CHINA).date()


@click.command()
@click.option("--data-root", type=click.Path(file_okay=False, path_type=Path),
              help="Network data folder holding profiles/ (default: the topology's).")
@click.option("--json", "as_json", is_flag=True, help="Print the steps as JSON (progress goes to stderr).")
@connection.reports_ledger_errors
def demo(data_root: Path | None, as_json: bool) -> None:
    """Take one receivable through its life on the running network, printing each step's tx id."""
    run = Run(progress(as_json))
    with ExitStack() as stack:
        s = {key: stack.enter_context(connection.open_session(org, user, data_root)) for key, (org, user) in ACTORS.items()}
        codes = {key: credit_code_of(s[key], REGULATOR_CODE_BODY) for key in ACTORS}
        register_parties(run, stack, s, codes, data_root)
        summary = lifecycle(run, s, codes)
    if as_json:
        emit({"steps": run.steps, **summary}, as_json=True)


def register_parties(run: Run, stack: ExitStack, s: dict, codes: dict, data_root: Path | None) -> None:
    admins: dict[str, connection.Session] = {}
    for key, name, role, users in PARTIES:
        org = ACTORS[key][0]
        if org not in admins:
            admins[org] = stack.enter_context(connection.open_session(org, None, data_root, admin=True))
        admin = admins[org]
        client_ids = [connection.client_id_of(admin.profile.user(u).cert) for u in users]
        try:
            party = admin.client.register_party(codes[key], name, role, admin.profile.msp_id, client_ids)
            run.step(f"{org}-admin", f"register party {name}", party.tx_id, uscc=codes[key])
        except RuleViolation as error:
            if error.rule not in ("party-already-registered", "identity-already-bound"):
                raise
            run.step(f"{org}-admin", f"party {name} already registered", None, uscc=codes[key])


def lifecycle(run: Run, s: dict, codes: dict) -> dict[str, Any]:
    core, tier1, tier2, bank, regulator = (s[k].client for k in ("core", "tier1", "tier2", "bank", "regulator"))
    today = business_today()
    invoice = InvoiceInput(number=f"{today:%y%m%d}{secrets.randbelow(10**14):014d}", date=today,
                           amount=Decimal("100000.00"), tax=Decimal("13000.00"),
                           seller_tax_id=codes["tier1"], buyer_tax_id=codes["core"])
    registration = ReceivableRegistration(
        debtor=codes["core"], face_amount=Decimal("113000.00"), issue_date=today, due_date=today + timedelta(days=90),
        invoices=[invoice], contract_hash=secrets.token_hex(32))

    r = tier1.register_receivable(registration)
    run.step("tier1", "register receivable (invoice " + invoice.number + ")", r.tx_id, id=r.id,
             face=f"{to_yuan(r.face_amount)}", due=r.due_date.isoformat())
    r = core.confirm(r.id)
    run.step("core", "confirm (确权)", r.tx_id, status=r.status)
    split = tier1.transfer(r.id, codes["tier2"], Decimal("30000.00"))
    moved, kept = split.children_records
    run.step("tier1", "split 30000.00 to tier-2 supplier", split.tx_id, moved=moved.id, kept=kept.id)

    f = tier1.request_financing(kept.id)
    run.step("tier1", f"request financing on {kept.id}", f.tx_id, financing=f.id)
    terms = FinancingTerms(advance_rate=Decimal("0.9"), discount_rate=Decimal("0.036"), fees=Decimal("200.00"),
                           recourse=False, expires_on=today + timedelta(days=14))
    o = bank.make_offer(f.id, terms)
    run.step("bank", "offer 90% advance at 3.6% ACT/360", o.tx_id, offer=o.id, terms_hash=o.terms_hash[:12])
    f = tier1.accept_offer(o.id)
    run.step("tier1", "accept the offer", f.tx_id, status=f.status)
    f = bank.record_disbursement(f.id)
    run.step("bank", "disburse; assignment notice issued", f.tx_id, notice=f.notice_id)
    n = core.acknowledge_assignment(f.notice_id)
    run.step("core", "acknowledge the assignment notice", n.tx_id, status=n.status)

    try:
        tier1.register_receivable(registration.model_copy(update={"contract_hash": secrets.token_hex(32)}))
        raise click.ClickException("a second receivable on the same invoice was accepted: anti double-financing failed")
    except RuleViolation as error:
        run.refused("tier1", "register again with the same invoice", error)
    try:
        tier1.request_financing(kept.id)
        raise click.ClickException("a second financing of one claim was accepted: anti double-financing failed")
    except RuleViolation as error:
        run.refused("tier1", f"request financing again on {kept.id}", error)

    offer = core.publish_discount_offer(DiscountOfferRequest(apr=Decimal("0.05"), expires_on=today + timedelta(days=7),
                                                             receivable_ids=[moved.id]))
    run.step("core", "publish early-payment offer, 5% APR", offer.tx_id, offer=offer.id)
    early = tier2.accept_discount_offer(offer.id, moved.id)
    paid = early.payments[-1]
    run.step("tier2", f"take early payment on {moved.id}", early.tx_id, paid=f"{to_yuan(paid.amount)}",
             discount=f"{to_yuan(paid.discount)}", status=early.status)

    owed = tier1.get_receivable(kept.id).outstanding
    payment = core.record_payment(kept.id, to_fen(owed))
    run.step("core", f"pay {to_yuan(owed)} to the bank (before maturity)", payment.tx_id,
             payee=payment.allocations[0].payee if payment.allocations else "-", status=payment.status)
    f = bank.record_repayment(f.id)
    run.step("bank", "record repayment; financing closed", f.tx_id, status=f.status)

    stats = regulator.statistics()
    run.step("regulator", "read statistics", None, exposure=f"{to_yuan(stats.total.exposure)}",
             financed_share=str(stats.total.financed_share),
             **{k.lower(): v for k, v in stats.count_by_status.items() if v})
    return {"receivable_id": r.id, "financing_id": f.id, "statistics": stats.to_json(),
            "provenance": regulator.provenance(r.id).to_json()}
