"""A split only changes who is owed: parts without a confirmation of their own, and a split parent whose parts the
history leaves out, still count as the claim the debtor confirmed; the faces of left-out originals in one pass."""
import random
from datetime import date

import pytest

from client.risk import ReceivableHistory, debtor_features
from client.risk import features as features_module
from client.risk.dataset import labelled_claims
from client.risk.features import _held_ancestor, _OriginalFaces, claim_states

from .risk_helpers import DAY, DEBTOR, DUE, SPLIT_ON, ev, split_claim
from .test_risk_timeliness import AS_OF_DATES, SETTLEMENTS

R_DUE = date(2025, 3, 1)
R_PAY_BY = date(2025, 3, 3)   # R_DUE is a Saturday: the last day on time, its label's date
AS_OF = date(2025, 6, 1)
CONFIRMED_R = [ev("R", "registered", date(2025, 1, 1), R_DUE), ev("R", "confirmed", date(2025, 1, 1), R_DUE)]
PARTS_REGISTERED_ONLY = [ev("R", "split", date(2025, 2, 1), R_DUE),
                         ev("R.1", "registered", date(2025, 2, 1), R_DUE, face=60_000, parent="R", holder="S2"),
                         ev("R.2", "registered", date(2025, 2, 1), R_DUE, face=40_000, parent="R")]


def features(events, as_of=AS_OF):
    return debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), as_of)


def test_an_unpaid_claim_split_into_parts_without_confirmed_events_stays_overdue():
    """R confirmed and never paid, split into R.1 and R.2 that the history shows only as registered: the debtor
    still owes all of R, overdue, and is scored as if R had never been split."""
    whole, split = features(CONFIRMED_R), features(CONFIRMED_R + PARTS_REGISTERED_ONLY)
    assert (split.confirmed_count, split.overdue_count, split.overdue_amount, split.open_amount) == (1, 1, 100_000,
                                                                                                     100_000)
    assert split.model_inputs() == whole.model_inputs()
    assert split.concentration == 0.6   # the parts' holders: S2 is owed 60,000 of 100,000


def test_a_split_claim_whose_parts_the_history_leaves_out_stays_payable_as_the_parent():
    whole, split = features(CONFIRMED_R), features(CONFIRMED_R + PARTS_REGISTERED_ONLY[:1])
    assert (split.overdue_count, split.overdue_amount, split.open_amount) == (1, 100_000, 100_000)
    assert split.model_inputs() == whole.model_inputs()


@pytest.mark.parametrize("parts", [PARTS_REGISTERED_ONLY, PARTS_REGISTERED_ONLY[:1]])
def test_such_a_split_claim_is_labelled_as_the_claim_unsplit(parts):
    as_of = date(2025, 2, 15)
    assert labelled_claims(ReceivableHistory(debtor=DEBTOR, events=CONFIRMED_R + parts), as_of,
                           history_ends=AS_OF) == [(R_PAY_BY, 1)]


@pytest.mark.parametrize("chained", [True, False])
@pytest.mark.parametrize("settlements", SETTLEMENTS)
def test_parts_without_their_own_confirmation_change_no_feature(settlements, chained):
    """The same splits with every part's 'confirmed' event left out: each part takes R's confirmation (through a
    part split again and unconfirmed too, when chained), so nothing changes."""
    complete = split_claim(settlements, chained=chained)
    bare = [e for e in complete if not (e.parent_id and e.kind == "confirmed")]
    for as_of in AS_OF_DATES:
        assert features(bare, as_of) == features(complete, as_of), as_of
    assert features(bare, SPLIT_ON - DAY).confirmed_count == 1


def test_a_part_of_a_claim_the_debtor_never_confirmed_is_not_confirmed():
    """Confirmation is only carried down from a confirmed ancestor: parts of an unconfirmed claim stay unconfirmed."""
    events = [e for e in split_claim([DUE, None], chained=False) if e.kind != "confirmed"]
    f = features(events, DUE + 30 * DAY)
    assert (f.confirmed_count, f.overdue_count, f.open_amount) == (0, 0, 0)


def _generated_history(seed: int, originals: int = 60) -> list:
    """Claims split into parts and parts of parts, with some originals and some middle parts left out."""
    rng = random.Random(seed)
    events = []
    for k in range(originals):
        ids = [(f"P{k}", None)]
        for depth in range(rng.randint(0, 3)):
            parent = rng.choice(ids)[0]
            ids += [(f"{parent}.{n}", parent) for n in (1, 2)]
        faces: dict[str, int] = {}
        for rid, parent in ids:
            if rng.random() < 0.3:
                continue   # left out of the file
            face = rng.randint(1, 50) * 10_000
            # a split divides its claim's face, as the contract splits what is still owed (ids list parents first)
            face = faces[rid] = face if parent is None else faces_of_parts(faces, parent, rid)
            events += [ev(rid, kind, date(2025, 1, 1 + rid.count(".")), DUE, face=face, parent=parent)
                       for kind in ("registered", "confirmed")]
            if rng.random() < 0.5:
                events.append(ev(rid, "settled", DUE, DUE, face=face, settled=DUE, parent=parent))
    return events


def faces_of_parts(faces: dict[str, int], parent: str, rid: str) -> int:
    """The face of part ``rid`` of ``parent``: half of the parent's (a parent left out of the file counts as the
    face of the nearest claim above it the file holds, or 10,000.00 yuan), so the parts never add up to more."""
    above = parent
    while above not in faces and "." in above:
        above = above.rsplit(".", 1)[0]
    whole = faces.get(above, 1_000_000)
    return max(1, whole // 2 ** (rid.count(".") - above.count(".")))


class _FacesByScanning:
    """The definition of _OriginalFaces, a scan of every claim per original."""

    def __init__(self, claims):
        self.claims = claims

    def __call__(self, receivable_id):
        root = self.claims.get(receivable_id)
        if root is not None:
            return root.face
        return sum(c.face for c in self.claims.values()
                   if c.parent_id is not None and _held_ancestor(c.parent_id, self.claims) == receivable_id)


@pytest.mark.parametrize("seed", range(5))
def test_original_faces_in_one_pass_are_those_of_the_scan(seed, monkeypatch):
    history = ReceivableHistory(debtor=DEBTOR, events=_generated_history(seed))
    claims = claim_states(history, DUE + 30 * DAY)
    one_pass, scan = _OriginalFaces(claims), _FacesByScanning(claims)
    ids = set(claims) | {_held_ancestor(c.parent_id, claims) for c in claims.values() if c.parent_id}
    assert [one_pass(i) for i in sorted(ids)] == [scan(i) for i in sorted(ids)]
    got = debtor_features(history, DUE + 30 * DAY)
    monkeypatch.setattr(features_module, "_OriginalFaces", _FacesByScanning)
    assert got == debtor_features(history, DUE + 30 * DAY)


def test_parts_of_many_left_out_originals_are_grouped_in_linear_work(monkeypatch):
    """Parts P0.1 .. P399.1 of originals the file leaves out: the parent of each is looked up a few times, not once
    per pair of claims (which took seconds for thousands of parts)."""
    n = 400
    events = [ev(f"P{k}.1", "confirmed", date(2025, 1, 1), R_DUE, face=100, parent=f"P{k}") for k in range(n)]
    history = ReceivableHistory(debtor=DEBTOR, events=events)
    calls = []

    def counted(parent_id, claims):
        calls.append(parent_id)
        return _held_ancestor(parent_id, claims)
    monkeypatch.setattr(features_module, "_held_ancestor", counted)
    f = debtor_features(history, AS_OF)
    assert (f.confirmed_count, f.confirmed_amount, f.overdue_count) == (n, 100 * n, n)
    assert len(calls) <= 10 * n


# ---------------------------------------------------------------- parents in hand-written files

@pytest.mark.parametrize(("parents", "cycle"), [
    ({"A": "B", "B": "A"}, "A -> B -> A"),
    ({"X": "Y.5", "Y": "X.7"}, "X -> Y -> X"),                  # through parts the file leaves out, by their names
    ({"A": "B", "B": "C.2", "C": "A"}, "A -> B -> C -> A"),
    ({"X": "Y.5", "Y.5": "Z", "Y": "X.7"}, "X -> Y -> X"),      # Y.5 held but named a part of Y: before it is
])                                                              # registered, X resolves to Y
def test_a_history_in_which_a_claim_descends_from_itself_is_refused(parents, cycle):
    """Such a parent loop made the features count one claim as two originals, or never return; refused on the whole
    file, every earlier view of it (which holds fewer ids) is free of loops too."""
    events = [ev(rid, "confirmed", date(2025, 1, 1), R_DUE, parent=parent) for rid, parent in parents.items()]
    if "Y.5" in parents:
        events.append(ev("Y.5", "registered", date(2025, 1, 3), R_DUE, parent="Z"))
    with pytest.raises(ValueError) as info:
        ReceivableHistory(debtor=DEBTOR, events=events)
    message = info.value.errors()[0]["msg"]
    assert f"parent_id: the claims {cycle} are each split from the next" in message and "\n" not in message


class _BoundedClaims(dict):
    """Claims that fail a walk up the parents once it has looked up far more ids than there are claims."""

    def get(self, key, default=None):
        self.looked_up = getattr(self, "looked_up", 0) + 1
        assert self.looked_up < 100, "original_id keeps walking a parent loop"
        return super().get(key, default)


def test_original_id_ends_on_a_parent_loop_through_left_out_parts():
    """Whatever a history lets through: X's parent Y.5 resolves to Y and Y's X.7 to X; the walk stops there."""
    claims = _BoundedClaims(X=claim_states(ReceivableHistory(debtor=DEBTOR, events=CONFIRMED_R), AS_OF)["R"])
    claims["X"].parent_id = "Y.5"
    claims["Y"] = features_module._Claim(face=1, due=R_DUE, holder="S1", parent_id="X.7")
    assert features_module.original_id("X", claims) == "Y"


def test_parts_close_their_parent_whose_split_event_the_history_leaves_out_or_dates_later():
    """R's parts are owed instead of R from the day the history holds them, its 'split' event or not; a part
    registered after the as-of date does not close R on it (no look-ahead)."""
    parts = [e for e in PARTS_REGISTERED_ONLY if e.kind != "split"]
    split_later = parts + [ev("R", "split", date(2025, 5, 1), R_DUE)]
    for events in (CONFIRMED_R + parts, CONFIRMED_R + split_later):
        f = features(events)
        assert (f.confirmed_count, f.overdue_count, f.overdue_amount, f.open_amount) == (1, 1, 100_000, 100_000)
        assert f.concentration == 0.6   # owed to the parts' holders
        before = features(events, date(2025, 1, 31))
        assert (before.open_amount, before.concentration) == (100_000, 1.0)   # R itself, to S1
        assert labelled_claims(ReceivableHistory(debtor=DEBTOR, events=events), date(2025, 2, 15),
                               history_ends=AS_OF) == [(R_PAY_BY, 1)]


SPLIT_R = CONFIRMED_R + [ev("R", "split", date(2025, 2, 1), R_DUE)]


def _part_under_left_out_middle(due=R_DUE, face=50_000, on=date(2025, 2, 1)):
    """X, a part of M, a part of R (ids not following {parent}.{n}); M left out of the file."""
    return [ev("X", "confirmed", on, due, face=face, parent="M")]


def test_a_split_parent_is_not_reopened_beside_a_part_that_could_be_its():
    f = features(SPLIT_R + _part_under_left_out_middle())
    assert (f.overdue_count, f.overdue_amount, f.open_amount) == (1, 50_000, 50_000)   # X only, not R again
    labels = labelled_claims(ReceivableHistory(debtor=DEBTOR, events=SPLIT_R + _part_under_left_out_middle()),
                             date(2025, 2, 15), history_ends=AS_OF)
    assert labels == [(R_PAY_BY, 1)]


@pytest.mark.parametrize("part", [
    _part_under_left_out_middle(due=R_DUE + DAY),             # another due date: a part keeps its claim's
    _part_under_left_out_middle(face=150_000),                # a face larger than R's
    _part_under_left_out_middle(on=date(2025, 6, 2)),         # registered after the as-of date
])
def test_a_split_parent_is_reopened_beside_parts_that_cannot_be_its(part):
    f = features(SPLIT_R + part)
    assert f.open_amount == 100_000 + (part[0].face_amount if part[0].event_date <= AS_OF else 0)
