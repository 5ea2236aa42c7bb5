"""Which late-payment model artefact recfin ships and scores with unless told otherwise, in a module that loads
nothing more: `recfin risk score --help` and `recfin finance quote --help` name it without loading the risk model's
pydantic and numeric libraries (``client.risk.model`` names these too)."""
from __future__ import annotations

from pathlib import Path

# bumped whenever the features change: an artefact fits only the code that computes its features
# (v3: the season ahead counts a claim due on the last day of last year's window that is still unpaid;
#  v4: the all-time rejection rate and the freeze count are no longer inputs, and no input that rises with bad
#  news may carry a negative weight;
#  v5: timeliness counts once per original claim, not once per part of a split one; examples leave out claims
#  settled by the as-of date and due after the history ends, and as-of dates are a horizon apart;
#  v6: examples leave out claims not yet confirmed on the as-of date, and a claim paid in part before it was split
#  is settled at its face, not at what its parts add up to;
#  v7: the 30/90/180/365-day late shares leave out every claim due on the as-of date, not only the unpaid ones;
#  v8: the late shares weigh each claim by its amount, smoothed with pseudo-observations of a claim the
#  debtor's size that no claim paid late can make lower a share, days late enter as the most of any claim, the
#  90-day rejection rate counts the confirmations beside the rejections by amount too, and the
#  confirmations of the last 365 days are no longer an input: padding with small claims buys no better grade;
#  v9: a claim that fell due under a freeze order, which the contract let no one pay, counts in no timeliness
#  measure, on time, late or overdue;
#  v10: the history dates the lifting of freeze orders: a claim whose every order was lifted before it fell
#  due counts as any other, one lifted after it is to be paid by the day of the lifting, and only one an
#  order still binds is left out; the training labels leave out what the features do;
#  v11: trained on a simulator that lifts its freeze orders, most after some weeks, before or after the due
#  date, a few never, so the model learns from claims paid after a lifting; features and labels are v10's;
#  v12: trained on a simulator that finances no claim on a day a freeze order binds it, as the contract
#  refuses: the day after the lifting instead, or not at all; features and labels are v11's;
#  v13: examples are the claims due in the horizon by the due date the debtor confirmed, and none a freeze
#  order binds on the as-of date, so which claims are labelled no longer depends on when an order is lifted
#  after it; features are v12's;
#  v14: trained on a simulator whose holders split claims down the supply chain and whose debtors pay some claims
#  and parts in instalments, some late, so the late shares by amount meet what was still owed when a claim fell
#  due, each part once, as on a ledger; features and labels are v13's;
#  v15: the late shares weigh each claim by the square root of its face, not its face, so a few large claims
#  no longer decide them (features.claim_weight); labels are v14's;
#  v16: a new input, the days late of recent claims against the claims paid on time, each halved every 15 days
#  since it fell due (features.recent_days_late); the other inputs and the labels are v15's;
#  v17: a claim due on a Saturday, Sunday or public holiday is on time when paid on the next working day, and its
#  days late and overdue count from that day, in the features and the labels alike (client.risk.working_days);
#  trained on a simulator whose debtors pay such a claim on that day, and on 1,000 simulated debtors, not 300;
#  v18: the late share of all time and the smoothing of the late shares count a claim paid before its due date
#  from the day after it falls due, as the windows count it, not from its payment; the labels are v17's;
#  v19: a claim a freeze order bound when it fell due and binds still stays among the claims not yet due, and with
#  them in the size a clean record is smoothed with, until the order is lifted; the labels are v18's)
VERSION = "v19"
MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_MODEL = MODELS_DIR / f"late_payment-{VERSION}.json"
