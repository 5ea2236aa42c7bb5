"""Every SDK call taking the id of a record the contract makes (a claim's, a financing's, an offer's, a notice's),
as (argument, call): ``call(client, the_id)`` makes it, on the blocking or the async client. The checks of an id
given empty or blank and of one with spaces around it both read this table, so a new call taking an id is added
here once and both cover it."""

from . import fakes
from .test_client_calls import TERMS

R, F, O, N = "R-00000000000000a1", "F-00000000000000b1", "O-00000000000000c1", "N-00000000000000d1"
D = "D-00000000000000e1"

RECORD_ID_CALLS = [
    ("receivable_id", lambda c, x: c.get_receivable(x)),
    ("receivable_id", lambda c, x: c.history(x)),
    ("receivable_id", lambda c, x: c.provenance(x)),
    ("receivable_id", lambda c, x: c.receivable_endorsers(x)),
    ("receivable_id", lambda c, x: c.confirm(x)),
    ("receivable_id", lambda c, x: c.confirm(x, endorsing_organizations=["CoreEnterpriseMSP", "SupplierMSP"])),
    ("receivable_id", lambda c, x: c.reject(x, "not owed")),
    ("receivable_id", lambda c, x: c.withdraw(x, "mistake")),
    ("receivable_id", lambda c, x: c.transfer(x, fakes.TIER2, 100)),
    ("receivable_id", lambda c, x: c.record_payment(x, 100)),
    ("receivable_id", lambda c, x: c.record_overdue(x)),
    ("receivable_id", lambda c, x: c.freeze(x, "ORDER-1")),
    ("receivable_id", lambda c, x: c.unfreeze(x, "ORDER-2")),
    ("receivable_id", lambda c, x: c.reseal_receivable(x)),
    ("receivable_id", lambda c, x: c.request_financing(x)),
    ("receivable_id", lambda c, x: c.accept_discount_offer(D, x)),
    ("offer_id", lambda c, x: c.accept_discount_offer(x, R)),
    ("offer_id", lambda c, x: c.get_discount_offer(x)),
    ("offer_id", lambda c, x: c.withdraw_discount_offer(x)),
    ("financing_id", lambda c, x: c.withdraw_financing(x)),
    ("financing_id", lambda c, x: c.make_offer(x, TERMS)),
    ("financing_id", lambda c, x: c.record_disbursement(x)),
    ("financing_id", lambda c, x: c.record_repayment(x)),
    ("financing_id", lambda c, x: c.cancel_financing(x, "no longer needed")),
    ("financing_id", lambda c, x: c.demand_recourse(x, "unpaid")),
    ("financing_id", lambda c, x: c.exercise_recourse(x, "unpaid")),
    ("financing_id", lambda c, x: c.get_financing(x)),
    ("financing_id", lambda c, x: c.get_disbursement(x)),
    ("offer_id", lambda c, x: c.accept_offer(x)),
    ("offer_id", lambda c, x: c.withdraw_offer(x, "repriced")),
    ("offer_id", lambda c, x: c.get_offer_terms(x)),
    ("notice_id", lambda c, x: c.acknowledge_assignment(x)),
    ("notice_id", lambda c, x: c.get_assignment_notice(x)),
]

# an id of each kind, as the contract makes it
IDS = {"receivable_id": R, "financing_id": F, "offer_id": O, "notice_id": N}
