"""Which orgs must endorse the next change of every public key each step of the lifecycle writes.

One claim's whole life, and its parts', across five orgs: a claim registered by a supplier of SupplierMSP on a core
enterprise, split to a supplier of another org (Supplier2MSP), a part split again back across, financed by the bank
of one bank org while another bank org's offer lapses, disbursed, its notice acknowledged, frozen and lifted while
financed, marked overdue and repaid; a second claim moved whole to the other org and back, financed and cancelled;
a third financed with recourse and taken back by its holder; a claim frozen twice and lifted order by order, then
settled early at the debtor's discount; one backed by a goods receipt, moved to the other org, its invoice's paper
identity linked, financed and cancelled, requested again and withdrawn; claims rejected and withdrawn; payments
direct and through a split claim; a claim paid to its bank in two parts, then repaid; a split claim paid through
its parent while a part is financed by another bank org; a financing accepted, never disbursed, ended by the
payment on the due date; a party renamed, and an identity bound to it and unbound.

After each step, the key-level policy of every key it wrote (a value, a deletion or a policy) is compared with
what docs/receivables.md ("Endorsement policies and collections") says the key requires, worked out here from the
records as they stand after the step, not from the contract's own functions: a claim's key its debtor's and holder's
orgs, the bank's while a financing of it is live, the regulator's while it is frozen; never a stale holder's or a
bank's whose financing ended, never fewer than two orgs. Beside it, the claims' orgs each step must leave are
written out by hand in the table. A key type the rules below do not know fails the test, so a new kind of record
is given its rule here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.testing._policies import policy_orgs

from .support import BANK, BANK2, CORE, REGULATOR, SUPPLIER, Net, client_identity, transient_terms

SUPPLIER2 = "Supplier2MSP"
# an invoice numbered in the digital form whose first 12 digits are no code, and its paper form's code and number
DIGITAL_NUMBER, PAPER_CODE, PAPER_NUMBER = "26990000000000000001", "144031900111", "00012345"
RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}
CONFIG = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, SUPPLIER2: ("supplier",), BANK2: ("financier",)})

# public keys the contract leaves without a key-level policy (any two orgs' peers write them, as the
# chaincode-level policy says): a claim's holder and status entries, an offer's record and its entries
UNGUARDED = {keys.BY_HOLDER, keys.BY_STATUS, keys.OFFER, keys.BY_FINANCING, keys.OFFER_BY_BANK, keys.OPEN_OFFER}
# a financing's stages from the acceptance of a bank's offer on: its record is the holder's and the bank's
BANK_NAMED = {"ACCEPTED", "DISBURSED", "REPAID", "CANCELLED", "RECOURSED"}


def _parts(key: str) -> list[str]:
    """A composite key's object type and attributes."""
    return key[1:-1].split("\x00")


class Ledger:
    """The records of ``net`` as they stand, read as any org's client would read the state."""

    def __init__(self, net: Net) -> None:
        self.net = net
        self.msp_of = {p["uscc"]: p["msp_id"] for p in self.records(keys.PARTY)}

    def record(self, object_type: str, *attrs: str) -> dict | None:
        raw = self.net.ledger.state.get(self.net._key(object_type, *attrs))
        return json.loads(raw) if raw else None

    def records(self, object_type: str) -> list[dict]:
        prefix = f"\x00{object_type}\x00"
        return [json.loads(v) for k, v in self.net.ledger.state.items() if k.startswith(prefix)]

    def claim_orgs(self, claim_id: str) -> set[str]:
        c = self.record(keys.RECEIVABLE, claim_id)
        orgs = {c["debtor_msp"], c["holder_msp"]}
        if c["financing_id"] is not None and c["financier_msp"] is not None:   # a loan accepted, not yet ended
            orgs.add(c["financier_msp"])
        if c["frozen"] is not None:
            orgs.add(REGULATOR)
        return orgs

    def registered_orgs(self, claim_id: str) -> set[str]:
        """The debtor's org and the creditor's: the orgs the claim's key had at registration."""
        c = self.record(keys.RECEIVABLE, claim_id)
        return {c["debtor_msp"], self.msp_of[c["creditor"]]}

    def banks_of_lineage(self, root_id: str) -> set[str]:
        """The orgs of every bank whose offer on a claim of the root's lineage was accepted, its loan ended or not."""
        return {f["financier_msp"] for f in self.records(keys.FINANCING)
                if f["status"] in BANK_NAMED
                and self.record(keys.RECEIVABLE, f["receivable_id"])["root_id"] == root_id}

    def due(self, key: str) -> list[str] | None:
        """The orgs docs/receivables.md says the key's policy names after the step; None: no policy."""
        if key not in self.net.ledger.state:
            return None   # a deleted key: Fabric deletes its policy with it, and its next writer starts afresh
        object_type, *attrs = _parts(key)
        if object_type in UNGUARDED:
            return None
        if object_type == keys.RECEIVABLE:
            orgs = self.claim_orgs(attrs[0])
        elif object_type in (keys.FINGERPRINT, keys.GOODS_RECEIPT):
            root = json.loads(self.net.ledger.state[key])["receivable_id"]
            orgs = self.registered_orgs(root) | self.banks_of_lineage(root)
        elif object_type == keys.BY_DEBTOR:
            orgs = self.registered_orgs(attrs[1])
        elif object_type == keys.BY_FINANCIER:
            c = self.record(keys.RECEIVABLE, attrs[2])
            orgs = {c["debtor_msp"], c["holder_msp"], c["financier_msp"]}
        elif object_type == keys.FINANCING:
            f = self.record(keys.FINANCING, attrs[0])
            orgs = ({f["holder_msp"], f["financier_msp"]} if f["status"] in BANK_NAMED
                    else {self.record(keys.RECEIVABLE, f["receivable_id"])["debtor_msp"], f["holder_msp"]})
        elif object_type == keys.NOTICE:
            n = self.record(keys.NOTICE, attrs[0])
            orgs = {self.msp_of[n["debtor"]], self.msp_of[n["financier"]]}
        elif object_type in (keys.OFFER_MADE, keys.OFFER_MADE_DROPPED, keys.EXPOSURE_VERSION):
            orgs = {self.msp_of[attrs[0]]}   # the bank's own figures
        elif object_type in (keys.DISCOUNT, keys.DISCOUNT_PUBLISHER):
            orgs = {self.record(keys.DISCOUNT, attrs[0])["debtor_msp"]}
        elif object_type == keys.DISCOUNT_BY_DEBTOR:
            orgs = {self.msp_of[attrs[0]]}
        elif object_type in (keys.REQUEST, keys.PARTY):
            orgs = {self.msp_of[attrs[0]]}   # a party's own records
        elif object_type == keys.CLIENT:
            orgs = {attrs[0]}
        else:
            raise AssertionError(f"no rule here for the policy of {object_type} (key {attrs}): give it one")
        return sorted(orgs)


@dataclass
class Step:
    name: str
    actor: str                                   # an actor's name, or an MSP ID for that org's admin
    fn: str
    args: Callable[[dict], list[Any]]            # from what earlier steps answered
    claims: Callable[[dict], dict[str, list[str]]] = lambda seen: {}   # claim id -> its orgs after the step, by hand
    transient: dict | None = None
    advance: int = 0                             # days the clock moves before the step
    keep: str = ""                               # what to remember of the answer, by name


def _registration(net: Net, face: int, due_in: int = 30) -> Callable[[dict], list[Any]]:
    return lambda seen: [net.registration(net.actors["tier1"], net.actors["core"], face, due_in=due_in)]


def lifecycle(net: Net) -> list[Step]:
    a = net.actors
    recourse = transient_terms(recourse=True)
    both = [CORE, SUPPLIER]
    return [
        # claim R: split across orgs, financed, frozen while financed, overdue, repaid
        Step("register R", "tier1", "RegisterReceivable", _registration(net, 1000_00), keep="R",
             claims=lambda s: {s["R"]["id"]: both}),
        Step("confirm R", "core", "ConfirmReceivable", lambda s: [s["R"]["id"]],
             claims=lambda s: {s["R"]["id"]: both}),
        Step("split R to another org", "tier1", "TransferReceivable",
             lambda s: [s["R"]["id"], a["s2"].uscc, "40000"], keep="split",
             claims=lambda s: {s["R"]["id"]: both, s["split"]["children"][0]: [CORE, SUPPLIER2],
                               s["split"]["children"][1]: both}),
        Step("split the other org's part back", "s2", "TransferReceivable",
             lambda s: [s["split"]["children"][0], a["tier2"].uscc, "10000"], keep="split2",
             claims=lambda s: {s["split2"]["children"][0]: both, s["split2"]["children"][1]: [CORE, SUPPLIER2]}),
        Step("request on the part", "s2", "RequestFinancing", lambda s: [s["split2"]["children"][1]], keep="F",
             claims=lambda s: {s["split2"]["children"][1]: [CORE, SUPPLIER2]}),
        Step("offer", "bank", "MakeFinancingOffer", lambda s: [s["F"]["id"]], transient=transient_terms(), keep="O"),
        Step("offer of another bank org", "bank2", "MakeFinancingOffer", lambda s: [s["F"]["id"]],
             transient=transient_terms()),
        Step("accept", "s2", "AcceptFinancingOffer", lambda s: [s["O"]["id"]],
             claims=lambda s: {s["split2"]["children"][1]: [BANK, CORE, SUPPLIER2]}),
        Step("disburse", "bank", "RecordDisbursement", lambda s: [s["F"]["id"]], transient=transient_terms(),
             keep="disbursed", claims=lambda s: {s["split2"]["children"][1]: [BANK, CORE, SUPPLIER2]}),
        Step("acknowledge", "core", "AcknowledgeAssignment", lambda s: [s["disbursed"]["notice_id"]]),
        Step("freeze financed", "regulator", "FreezeReceivable", lambda s: [s["split2"]["children"][1], "ORDER-1"],
             claims=lambda s: {s["split2"]["children"][1]: [BANK, CORE, REGULATOR, SUPPLIER2]}),
        Step("lift financed", "regulator", "UnfreezeReceivable", lambda s: [s["split2"]["children"][1], "LIFT-1"],
             claims=lambda s: {s["split2"]["children"][1]: [BANK, CORE, SUPPLIER2]}),
        # claim W: whole across orgs and back, financed and cancelled, paid in part
        Step("register W", "tier1", "RegisterReceivable", lambda s: [
            net.registration(a["tier1"], a["core"], 500_00, due_in=30), "req-w"], keep="W"),
        Step("confirm W", "core", "ConfirmReceivable", lambda s: [s["W"]["id"]]),
        Step("W whole to another org", "tier1", "TransferReceivable", lambda s: [s["W"]["id"], a["s2"].uscc, "50000"],
             claims=lambda s: {s["W"]["id"]: [CORE, SUPPLIER2]}),
        Step("W whole back", "s2", "TransferReceivable", lambda s: [s["W"]["id"], a["tier2"].uscc, "50000"],
             claims=lambda s: {s["W"]["id"]: both}),
        Step("request W", "tier2", "RequestFinancing", lambda s: [s["W"]["id"]], keep="FW"),
        Step("offer W", "bank2", "MakeFinancingOffer", lambda s: [s["FW"]["id"]], transient=transient_terms(),
             keep="OW"),
        Step("accept W", "tier2", "AcceptFinancingOffer", lambda s: [s["OW"]["id"]],
             claims=lambda s: {s["W"]["id"]: [BANK2, CORE, SUPPLIER]}),
        Step("cancel W", "bank2", "CancelFinancing", lambda s: [s["FW"]["id"], "terms revised"],
             claims=lambda s: {s["W"]["id"]: both}),
        Step("pay W in part", "core", "RecordPayment", lambda s: [s["W"]["id"], "10000"],
             claims=lambda s: {s["W"]["id"]: both}),
        # claim X: financed with recourse by a supplier of the other org, taken back after its due date
        Step("register X", "tier1", "RegisterReceivable", _registration(net, 300_00, due_in=10), keep="X"),
        Step("confirm X", "core", "ConfirmReceivable", lambda s: [s["X"]["id"]]),
        Step("X to another org", "tier1", "TransferReceivable", lambda s: [s["X"]["id"], a["s2"].uscc, "30000"]),
        Step("request X", "s2", "RequestFinancing", lambda s: [s["X"]["id"]], keep="FX"),
        Step("offer X", "bank", "MakeFinancingOffer", lambda s: [s["FX"]["id"]], transient=recourse, keep="OX"),
        Step("accept X", "s2", "AcceptFinancingOffer", lambda s: [s["OX"]["id"]],
             claims=lambda s: {s["X"]["id"]: [BANK, CORE, SUPPLIER2]}),
        Step("disburse X", "bank", "RecordDisbursement", lambda s: [s["FX"]["id"]], transient=recourse),
        Step("freeze twice: first", "regulator", "FreezeReceivable", lambda s: [s["split"]["children"][1], "ORD-A"],
             claims=lambda s: {s["split"]["children"][1]: [CORE, REGULATOR, SUPPLIER]}),
        Step("freeze twice: queued", "regulator", "FreezeReceivable", lambda s: [s["split"]["children"][1], "ORD-B"],
             claims=lambda s: {s["split"]["children"][1]: [CORE, REGULATOR, SUPPLIER]}),
        Step("lift the first, the second takes effect", "regulator", "UnfreezeReceivable",
             lambda s: [s["split"]["children"][1], "LIFT-A"],
             claims=lambda s: {s["split"]["children"][1]: [CORE, REGULATOR, SUPPLIER]}),
        Step("lift the second", "regulator", "UnfreezeReceivable", lambda s: [s["split"]["children"][1], "LIFT-B"],
             claims=lambda s: {s["split"]["children"][1]: both}),
        Step("publish an early-payment offer", "core", "PublishDiscountOffer",
             lambda s: [{"apr": "0.05", "expires_on": net.day(9)}], keep="D"),
        Step("settle early", "tier1", "AcceptDiscountOffer", lambda s: [s["D"]["id"], s["split"]["children"][1]],
             claims=lambda s: {s["split"]["children"][1]: both}),
        Step("withdraw the early-payment offer", "core", "WithdrawDiscountOffer", lambda s: [s["D"]["id"]]),
        Step("pay through the split claim", "core", "RecordPayment", lambda s: [s["R"]["id"], "5000"],
             claims=lambda s: {s["split2"]["children"][0]: both}),
        # claim G: an invoice with a paper identity and a goods receipt, held by the other org, financed, cancelled
        Step("register G", "tier1", "RegisterReceivable", lambda s: [net.registration(
            a["tier1"], a["core"], 200_00, invoice_no=DIGITAL_NUMBER, goods_receipts=[RECEIPT])], keep="G"),
        Step("confirm G", "core", "ConfirmReceivable", lambda s: [s["G"]["id"]]),
        Step("G to another org", "tier1", "TransferReceivable", lambda s: [s["G"]["id"], a["s2"].uscc, "20000"],
             claims=lambda s: {s["G"]["id"]: [CORE, SUPPLIER2]}),
        Step("link G's paper identity", "tier1", "LinkPaperIdentity",
             lambda s: [s["G"]["id"], DIGITAL_NUMBER, PAPER_CODE, PAPER_NUMBER],
             claims=lambda s: {s["G"]["id"]: [CORE, SUPPLIER2]}),
        Step("request G", "s2", "RequestFinancing", lambda s: [s["G"]["id"]], keep="FG"),
        Step("offer G", "bank", "MakeFinancingOffer", lambda s: [s["FG"]["id"]], transient=transient_terms(),
             keep="OG"),
        Step("accept G", "s2", "AcceptFinancingOffer", lambda s: [s["OG"]["id"]],
             claims=lambda s: {s["G"]["id"]: [BANK, CORE, SUPPLIER2]}),
        Step("cancel G", "s2", "CancelFinancing", lambda s: [s["FG"]["id"], "no longer needed"],
             claims=lambda s: {s["G"]["id"]: [CORE, SUPPLIER2]}),
        Step("request G again", "s2", "RequestFinancing", lambda s: [s["G"]["id"]], keep="FG2"),
        Step("offer G again", "bank2", "MakeFinancingOffer", lambda s: [s["FG2"]["id"]],
             transient=transient_terms(), keep="OG2"),
        Step("withdraw the offer", "bank2", "WithdrawFinancingOffer", lambda s: [s["OG2"]["id"], "repriced"]),
        Step("withdraw the request", "s2", "WithdrawFinancing", lambda s: [s["FG2"]["id"]],
             claims=lambda s: {s["G"]["id"]: [CORE, SUPPLIER2]}),
        # claims rejected and withdrawn keep the policy of their registration
        Step("register Y", "tier1", "RegisterReceivable", _registration(net, 100_00), keep="Y"),
        Step("freeze unconfirmed", "regulator", "FreezeReceivable", lambda s: [s["Y"]["id"], "ORD-Y"],
             claims=lambda s: {s["Y"]["id"]: [CORE, REGULATOR, SUPPLIER]}),
        Step("lift unconfirmed", "regulator", "UnfreezeReceivable", lambda s: [s["Y"]["id"], "LIFT-Y"],
             claims=lambda s: {s["Y"]["id"]: both}),
        Step("reject Y", "core", "RejectReceivable", lambda s: [s["Y"]["id"], "no delivery"],
             claims=lambda s: {s["Y"]["id"]: both}),
        Step("register Z", "tier1", "RegisterReceivable", _registration(net, 100_00), keep="Z"),
        Step("withdraw Z", "tier1", "WithdrawReceivable", lambda s: [s["Z"]["id"], "wrong amount"],
             claims=lambda s: {s["Z"]["id"]: both}),
        # past the due dates: overdue, repaid, recourse demanded and exercised
        Step("overdue", "bank", "RecordOverdue", lambda s: [s["split2"]["children"][1]], advance=31,
             claims=lambda s: {s["split2"]["children"][1]: [BANK, CORE, SUPPLIER2]}),
        Step("repay", "bank", "RecordRepayment", lambda s: [s["F"]["id"]],
             claims=lambda s: {s["split2"]["children"][1]: [CORE, SUPPLIER2]}),
        Step("demand recourse", "bank", "DemandRecourse", lambda s: [s["FX"]["id"], "unpaid"], transient=recourse),
        Step("exercise recourse", "bank", "ExerciseRecourse", lambda s: [s["FX"]["id"], "repurchased"],
             transient=recourse, claims=lambda s: {s["X"]["id"]: [CORE, SUPPLIER2]}),
        Step("pay the rest of W late", "core", "RecordPayment", lambda s: [s["W"]["id"], "40000"],
             claims=lambda s: {s["W"]["id"]: both}),
        # claim P: financed and disbursed, paid by its debtor to the bank in two parts, then repaid: the bank's org
        # stays on the key until the bank records the repayment, settled or not, and leaves it then
        Step("register P", "tier1", "RegisterReceivable", _registration(net, 600_00), keep="P"),
        Step("confirm P", "core", "ConfirmReceivable", lambda s: [s["P"]["id"]]),
        Step("request P", "tier1", "RequestFinancing", lambda s: [s["P"]["id"]], keep="FP"),
        Step("offer P", "bank", "MakeFinancingOffer", lambda s: [s["FP"]["id"]], transient=transient_terms(),
             keep="OP"),
        Step("accept P", "tier1", "AcceptFinancingOffer", lambda s: [s["OP"]["id"]],
             claims=lambda s: {s["P"]["id"]: [BANK, CORE, SUPPLIER]}),
        Step("disburse P", "bank", "RecordDisbursement", lambda s: [s["FP"]["id"]], transient=transient_terms(),
             claims=lambda s: {s["P"]["id"]: [BANK, CORE, SUPPLIER]}),
        Step("pay P's bank in part", "core", "RecordPayment", lambda s: [s["P"]["id"], "20000"],
             claims=lambda s: {s["P"]["id"]: [BANK, CORE, SUPPLIER]}),
        Step("settle P, paid to its bank", "core", "RecordPayment", lambda s: [s["P"]["id"], "40000"],
             claims=lambda s: {s["P"]["id"]: [BANK, CORE, SUPPLIER]}),
        Step("repay P", "bank", "RecordRepayment", lambda s: [s["FP"]["id"]],
             claims=lambda s: {s["P"]["id"]: both}),
        # claim Q: split to the other org, that part financed by the other bank org and disbursed, paid through
        # the split claim: the financed part keeps its bank's org, its sibling never had one
        Step("register Q", "tier1", "RegisterReceivable", _registration(net, 800_00), keep="Q"),
        Step("confirm Q", "core", "ConfirmReceivable", lambda s: [s["Q"]["id"]]),
        Step("split Q to another org", "tier1", "TransferReceivable",
             lambda s: [s["Q"]["id"], a["s2"].uscc, "30000"], keep="splitQ"),
        Step("request on Q's part", "s2", "RequestFinancing", lambda s: [s["splitQ"]["children"][0]], keep="FQ"),
        Step("offer on Q's part", "bank2", "MakeFinancingOffer", lambda s: [s["FQ"]["id"]],
             transient=transient_terms(), keep="OQ"),
        Step("accept on Q's part", "s2", "AcceptFinancingOffer", lambda s: [s["OQ"]["id"]],
             claims=lambda s: {s["splitQ"]["children"][0]: [BANK2, CORE, SUPPLIER2]}),
        Step("disburse on Q's part", "bank2", "RecordDisbursement", lambda s: [s["FQ"]["id"]],
             transient=transient_terms()),
        Step("settle Q through the split claim", "core", "RecordPayment", lambda s: [s["Q"]["id"], "80000"],
             claims=lambda s: {s["splitQ"]["children"][0]: [BANK2, CORE, SUPPLIER2],
                               s["splitQ"]["children"][1]: both}),
        Step("repay Q's part", "bank2", "RecordRepayment", lambda s: [s["FQ"]["id"]],
             claims=lambda s: {s["splitQ"]["children"][0]: [CORE, SUPPLIER2]}),
        # claim A: a financing accepted and never disbursed, ended by the debtor's payment on the due date
        Step("register A", "tier1", "RegisterReceivable", _registration(net, 100_00, due_in=2), keep="A"),
        Step("confirm A", "core", "ConfirmReceivable", lambda s: [s["A"]["id"]]),
        Step("request A", "tier1", "RequestFinancing", lambda s: [s["A"]["id"]], keep="FA"),
        Step("offer A", "bank", "MakeFinancingOffer", lambda s: [s["FA"]["id"]], transient=transient_terms(),
             keep="OA"),
        Step("accept A", "tier1", "AcceptFinancingOffer", lambda s: [s["OA"]["id"]],
             claims=lambda s: {s["A"]["id"]: [BANK, CORE, SUPPLIER]}),
        Step("pay A on its due date, ending its financing", "core", "RecordPayment",
             lambda s: [s["A"]["id"], "10000"], advance=2, claims=lambda s: {s["A"]["id"]: both}),
        # a party's changes: its record and its identities' bindings stay its own org's
        Step("rename a party", SUPPLIER, "RenameParty", lambda s: [a["tier2"].uscc, "Tier Two Renamed"]),
        Step("bind another identity", SUPPLIER, "BindPartyIdentity",
             lambda s: [a["tier2"].uscc, client_identity(SUPPLIER, "tier2-clerk").id]),
        Step("unbind it", SUPPLIER, "UnbindPartyIdentity",
             lambda s: [a["tier2"].uscc, client_identity(SUPPLIER, "tier2-clerk").id]),
    ]


async def _parties() -> Net:
    net = Net(CONFIG)
    for name, msp, role in [("core", CORE, "core_enterprise"), ("tier1", SUPPLIER, "supplier"),
                            ("tier2", SUPPLIER, "supplier"), ("s2", SUPPLIER2, "supplier"),
                            ("bank", BANK, "financier"), ("bank2", BANK2, "financier"),
                            ("regulator", REGULATOR, "regulator")]:
        await net.party(name, msp, role)
        # a party's record and its identity's binding: its own org's, from registration on
        assert net.last_writes and all(Ledger(net).due(key) == [msp] for key, _ in net.last_writes)
        assert all(policy_orgs(net.ledger.validation_parameters[key]) == [msp] for key, _ in net.last_writes)
    return net


def _held(net: Net, key: str) -> list[str] | None:
    held = net.ledger.validation_parameters.get(key)
    return None if held is None else sorted(policy_orgs(held))


async def test_every_key_each_step_writes_carries_the_orgs_its_parties_are_of():
    net = await _parties()
    seen: dict[str, Any] = {}
    written_types: set[str] = set()
    walked: list[str] = []
    for step in lifecycle(net):
        net.advance(days=step.advance)
        actor = net.actors.get(step.actor) or net.admins[step.actor]
        answer = await net.ok(actor, step.fn, *step.args(seen), transient=step.transient)
        if step.keep:
            seen[step.keep] = answer
        ledger = Ledger(net)
        wrong = {key.replace("\x00", "/"): {"held": _held(net, key), "due": ledger.due(key)}
                 for key in dict(net.last_writes) if _held(net, key) != ledger.due(key)}
        assert not wrong, f"{step.name}: keys whose policy is not the one due: {wrong}"
        for claim_id, orgs in step.claims(seen).items():
            assert _held(net, net._key(keys.RECEIVABLE, claim_id)) == orgs, f"{step.name}: {claim_id}"
        # GetReceivableEndorsers, which `recfin org remove` reads, names the orgs of every claim written as its key
        for key in dict(net.last_writes):
            if _parts(key)[0] == keys.RECEIVABLE and key in net.ledger.state:
                told = await net.ok(net.actors["regulator"], "GetReceivableEndorsers", _parts(key)[1], evaluate=True)
                assert told == _held(net, key), f"{step.name}: GetReceivableEndorsers of {_parts(key)[1]}: {told}"
        # the step did write those claims
        assert {net._key(keys.RECEIVABLE, c) for c in step.claims(seen)} <= set(dict(net.last_writes)), step.name
        written_types |= {_parts(key)[0] for key in dict(net.last_writes)}
        walked.append(step.fn)
    # the walk reached every kind of record a claim's lifecycle writes, and every step that changes one
    assert written_types >= {keys.RECEIVABLE, keys.FINGERPRINT, keys.BY_DEBTOR, keys.BY_HOLDER, keys.BY_STATUS,
                             keys.BY_FINANCIER, keys.FINANCING, keys.OFFER, keys.NOTICE, keys.OPEN_OFFER,
                             keys.OFFER_MADE, keys.EXPOSURE_VERSION, keys.DISCOUNT, keys.DISCOUNT_BY_DEBTOR,
                             keys.DISCOUNT_PUBLISHER, keys.REQUEST, keys.GOODS_RECEIPT}
    assert set(walked) >= {
        "RegisterReceivable", "ConfirmReceivable", "RejectReceivable", "WithdrawReceivable", "TransferReceivable",
        "RequestFinancing", "MakeFinancingOffer", "AcceptFinancingOffer", "RecordDisbursement",
        "AcknowledgeAssignment", "RecordRepayment", "CancelFinancing", "DemandRecourse", "ExerciseRecourse",
        "PublishDiscountOffer", "AcceptDiscountOffer", "WithdrawDiscountOffer", "RecordPayment", "RecordOverdue",
        "FreezeReceivable", "UnfreezeReceivable", "LinkPaperIdentity", "WithdrawFinancing", "WithdrawFinancingOffer",
        "RenameParty", "BindPartyIdentity", "UnbindPartyIdentity"}
    # no key of the claims' names a single org: its peer could rewrite it alone
    for key, held in net.ledger.validation_parameters.items():
        if _parts(key)[0] in (keys.RECEIVABLE, keys.FINGERPRINT, keys.GOODS_RECEIPT, keys.BY_DEBTOR,
                              keys.BY_FINANCIER, keys.FINANCING, keys.NOTICE):
            assert len(policy_orgs(held)) >= 2, key.replace("\x00", "/")
