"""Small builders for hand-made receivable histories, and for the model card of a hand-made artefact."""
import json
from datetime import date, timedelta
from pathlib import Path

from client.risk.history import LedgerEvent
from client.risk.working_days import next_working_day
from client.risk.model import CARD_TITLE, DIGEST_LABEL, artefact_digest, card_path

DEBTOR = "91310000MA1FL00000"


def ev(rid, kind, on, due, *, face=100_000, holder="S1", settled=None, debtor=DEBTOR, amount=None, parent=None):
    return LedgerEvent(receivable_id=rid, debtor=debtor, holder=holder, face_amount=face, kind=kind,
                       event_date=on, due_date=due, settled_date=settled, amount=amount, parent_id=parent)


def lifecycle(rid, confirmed_on, due, *, paid=None, face=100_000, holder="S1", financed=False):
    """registered the day before confirmation; settled on ``paid`` (late ones marked overdue first)."""
    out = [ev(rid, "registered", confirmed_on - timedelta(days=1), due, face=face, holder=holder),
           ev(rid, "confirmed", confirmed_on, due, face=face, holder=holder)]
    if financed:
        out.append(ev(rid, "financed", confirmed_on + timedelta(days=1), due, face=face, holder=holder))
    return out + settle(rid, due, paid, face=face, holder=holder)


BIG = 50_000_000_00   # 50 million yuan, in fen


def big_late_claims():
    """Four claims of 50 million yuan each, confirmed from 2026-01-01, paid 30 days late (after the last day each
    was on time: two fall due on a weekend)."""
    events = []
    for k in range(4):
        confirmed = date(2026, 1, 1) + timedelta(days=20 * k)
        due = confirmed + timedelta(days=59)
        events += lifecycle(f"B{k}", confirmed, due, face=BIG, paid=next_working_day(due) + timedelta(days=30))
    return events


def six_claims_paid_on_time():
    """Six claims of 1,000 yuan confirmed from 2025-09-01, each paid on its due date (a Monday), the last on
    2025-12-15: a clean record of small claims."""
    return [event for k in range(6) for event in lifecycle(
        f"S{k}", date(2025, 9, 1) + timedelta(days=20 * k), date(2025, 11, 3) + timedelta(days=14 * k),
        paid=date(2025, 11, 3) + timedelta(days=14 * k))]


def tiny_claims_on_time(count=60):
    """``count`` claims of 1 fen each, confirmed from 2025-08-01, all held by one supplier and paid on their
    due date: what a debtor pads its record with through a supplier it controls."""
    events = []
    for k in range(count):
        confirmed = date(2025, 8, 1) + timedelta(days=5 * k)
        events += lifecycle(f"T{k}", confirmed, confirmed + timedelta(days=30), face=1, holder="SHELL",
                            paid=confirmed + timedelta(days=30))
    return events


D = date
DAY = timedelta(days=1)
# the claim split_claim makes
CONFIRMED, SPLIT_ON, DUE = date(2026, 1, 5), date(2026, 2, 1), date(2026, 3, 31)
FACE = 800_000


def settle(rid, due, paid, *, face, holder, parent=None):
    """A settlement on ``paid`` (None: none), marked overdue the day after ``due`` first when late."""
    if paid is None:
        return []
    marked = [ev(rid, "overdue", due + DAY, due, face=face, holder=holder, parent=parent)] if paid > due else []
    return marked + [ev(rid, "settled", paid, due, face=face, holder=holder, settled=paid, parent=parent)]


def split_claim(settlements, *, chained=True):
    """Claim R (FACE fen, due DUE) confirmed on CONFIRMED and split on SPLIT_ON into one part per settlement date
    (None: unpaid), each part with a holder of its own. ``chained``: as successive partial transfers split it on the
    ledger (R into R.1 passed on and R.2 kept, R.2 into R.2.1 and R.2.2, ...); else straight into R.1 .. R.n."""
    n = len(settlements)
    faces = [FACE // n] * (n - 1) + [FACE - FACE // n * (n - 1)]
    events = [ev("R", "registered", CONFIRMED - DAY, DUE, face=FACE, holder="S0"),
              ev("R", "confirmed", CONFIRMED, DUE, face=FACE, holder="S0")]

    def part(rid, parent, face, holder, paid):
        return [ev(rid, "registered", SPLIT_ON, DUE, face=face, holder=holder, parent=parent),
                ev(rid, "confirmed", SPLIT_ON, DUE, face=face, holder=holder, parent=parent),
                *settle(rid, DUE, paid, face=face, holder=holder, parent=parent)]

    if n == 1:
        return events + settle("R", DUE, settlements[0], face=FACE, holder="S0")
    if not chained:
        events.append(ev("R", "split", SPLIT_ON, DUE, face=FACE, holder="S0"))
        return events + [e for k, (face, paid) in enumerate(zip(faces, settlements), 1)
                         for e in part(f"R.{k}", "R", face, f"S{k}", paid)]
    rest, rest_face, rest_parent = "R", FACE, None
    for k in range(n - 1):
        events.append(ev(rest, "split", SPLIT_ON, DUE, face=rest_face, holder="S0", parent=rest_parent))
        events += part(f"{rest}.1", rest, faces[k], f"S{k + 1}", settlements[k])
        rest_face -= faces[k]
        kept_paid = settlements[-1] if k == n - 2 else None   # the last part kept is paid as the last settlement
        kept = part(f"{rest}.2", rest, rest_face, "S0", kept_paid)
        events += kept if k == n - 2 else kept[:2]   # a part split again is never paid itself
        rest, rest_parent = f"{rest}.2", rest
    return events


# the part split_part_again makes
PART_CONFIRMED, PART_SPLIT_ON, PART_DUE = date(2026, 1, 5), date(2026, 1, 20), date(2026, 3, 1)


def split_part_again():
    """A history without the original P, only its part P.1: 100,000 fen confirmed on PART_CONFIRMED, 40,000 paid on
    2026-01-10, the 60,000 left split on PART_SPLIT_ON into P.1.1 and P.1.2, both paid on the due date."""
    events = [ev("P.1", kind, PART_CONFIRMED, PART_DUE, parent="P") for kind in ("registered", "confirmed")]
    events += [ev("P.1", "paid", date(2026, 1, 10), PART_DUE, amount=40_000, parent="P"),
               ev("P.1", "split", PART_SPLIT_ON, PART_DUE, parent="P")]
    for rid in ("P.1.1", "P.1.2"):
        events += [ev(rid, kind, PART_SPLIT_ON, PART_DUE, face=30_000, parent="P.1")
                   for kind in ("registered", "confirmed")]
        events += settle(rid, PART_DUE, PART_DUE, face=30_000, holder="S1", parent="P.1")
    return events


def write_card(artefact: Path, features: list[str] | None = None, model: str | None = None) -> Path:
    """The model card of the artefact written at ``artefact`` (a hand-changed copy of a trained one), with the
    lines of a trained model's card that loading checks: its title naming the model, the sha256 of its bytes,
    its features table and the Re-train line. ``features`` and ``model`` put other features or another
    NAME-VERSION on the card."""
    content = artefact.read_bytes()
    data = json.loads(content)
    listed = data["features"] if features is None else features
    rows = "\n".join(f"| `{f}` | +0.100 |" for f in listed)
    card = card_path(artefact)
    card.write_text(f"{CARD_TITLE}{model or data['name'] + '-' + data['version']}\n\n"
                    f"{DIGEST_LABEL}`{artefact_digest(content)}`\n\n"
                    "## Features (as of the scoring date)\n"
                    f"| feature | coefficient (standardised) |\n|---|---|\n{rows}\n\n"
                    "Re-train: `recfin risk train --replace` (a hand-changed model).\n")
    return card
