"""Small builders for hand-made receivable histories."""
from datetime import date, timedelta

from client.risk.history import LedgerEvent

DEBTOR = "91310000MA1FL00000"


def ev(rid, kind, on, due, *, face=100_000, holder="S1", settled=None, debtor=DEBTOR, amount=None):
    return LedgerEvent(receivable_id=rid, debtor=debtor, holder=holder, face_amount=face, kind=kind,
                       event_date=on, due_date=due, settled_date=settled, amount=amount)


def lifecycle(rid, confirmed_on, due, *, paid=None, face=100_000, holder="S1", financed=False):
    """registered the day before confirmation; settled on ``paid`` (late ones marked overdue first)."""
    out = [ev(rid, "registered", confirmed_on - timedelta(days=1), due, face=face, holder=holder),
           ev(rid, "confirmed", confirmed_on, due, face=face, holder=holder)]
    if financed:
        out.append(ev(rid, "financed", confirmed_on + timedelta(days=1), due, face=face, holder=holder))
    if paid is not None:
        if paid > due:
            out.append(ev(rid, "overdue", due + timedelta(days=1), due, face=face, holder=holder))
        out.append(ev(rid, "settled", paid, due, face=face, holder=holder, settled=paid))
    return out


D = date
