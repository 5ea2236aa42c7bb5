"""An invoice of the fully digitalised platform delivered on paper (数电纸质发票) carries its 20-digit number and the
paper form's code and 8-digit number, which fingerprint apart. A registration naming both (``paper_code``,
``paper_number``) holds the invoice under each, so a later claim naming either, or the other spelling of the
paper identity, is refused invoice-already-financed while the first stands; and one naming both is refused
while an earlier claim holds either. The second entry is guarded and released as the first is."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import fingerprint, keys
from chaincode.receivables.model import Invoice
from chaincode.shim._peer_options import PeerOptions

from . import test_invoice_check_reads_with_what_is_read_anyway as counted
from chaincode.receivables.config import DEFAULT_CONFIG

from .support import BANK, CORE, REGULATOR, SUPPLIER, standard_net
from .test_claim_policy_never_one_org import CORE_ALSO_SUPPLIES, one_org_net
from .test_registry_and_attestation_policies import DEBTOR_AND_CREDITOR, policy_orgs, written_keys

NUMBER = "26990000000000000001"           # its first 12 digits are no code: the number has no other spelling
PAPER_CODE, PAPER_NUMBER = "144031900111", "00012345"
RUN_TOGETHER_CODE = "261010012345"        # a paper code whose other spelling is a 20-digit number
PLANTED = "R-00000000000000ff"

reads = counted.reads   # the fixture: the world-state keys of each point read, in order


def _registration(net, tier1, core, *, number: str = NUMBER, code: str = "", paper: tuple[str, str] | None = None,
                  face: int = 1000_00) -> dict:
    req = net.registration(tier1, core, face, invoice_no=number)
    req["invoices"][0]["code"] = code
    if paper is not None:
        req["invoices"][0]["paper_code"], req["invoices"][0]["paper_number"] = paper
    return req


async def _paper_claim(paper: tuple[str, str] = (PAPER_CODE, PAPER_NUMBER)):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core, paper=paper))
    return net, tier1, core, claim


def _entry(net, tier1, code: str, number: str) -> str:
    return net._key(keys.FINGERPRINT, fingerprint.invoice_fingerprint(tier1.uscc, code, number))


async def test_a_registration_naming_the_paper_identity_holds_the_invoice_under_both_fingerprints():
    net, tier1, core, claim = await _paper_claim()
    (invoice,) = claim["invoices"]
    paper_fp = fingerprint.invoice_fingerprint(tier1.uscc, PAPER_CODE, PAPER_NUMBER)
    assert (invoice["paper_code"], invoice["paper_number"], invoice["paper_fingerprint"]) == \
        (PAPER_CODE, PAPER_NUMBER, paper_fp)
    assert json.loads(net.ledger.state[net._key(keys.FINGERPRINT, paper_fp)])["receivable_id"] == claim["id"]
    found = await net.ok(core, "FindInvoice", paper_fp, evaluate=True)
    assert found == {"fingerprint": paper_fp, "used": True, "receivable_id": claim["id"], "live": True}


@pytest.mark.parametrize("later", [
    {"paper": None},                                           # the 20-digit number alone
    {"number": PAPER_NUMBER, "code": PAPER_CODE},              # the paper code and number alone
], ids=["twenty-digits-alone", "paper-identity-alone"])
async def test_a_later_claim_naming_either_identity_alone_is_refused(later):
    net, tier1, core, claim = await _paper_claim()
    message = await net.refused(tier1, "RegisterReceivable", _registration(net, tier1, core, **later),
                                rule="invoice-already-financed")
    assert f"already backs receivable {claim['id']}" in message
    assert "withdraw it (WithdrawReceivable)" in message


@pytest.mark.parametrize("earlier", [
    {"number": PAPER_NUMBER, "code": PAPER_CODE},              # the paper identity registered on its own
    {},                                                        # the 20-digit number registered on its own
], ids=["paper-identity-first", "twenty-digits-first"])
async def test_a_claim_naming_both_identities_is_refused_while_either_backs_a_claim(earlier):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    held = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core, **earlier))
    both = _registration(net, tier1, core, paper=(PAPER_CODE, PAPER_NUMBER))
    message = await net.refused(tier1, "RegisterReceivable", both, rule="invoice-already-financed")
    assert f"already backs receivable {held['id']}" in message
    if earlier:
        assert f"invoices[0]'s paper identity, code {PAPER_CODE} and number {PAPER_NUMBER} (fingerprint " in message
    await net.ok(tier1, "WithdrawReceivable", held["id"], "registered under one identity only")
    await net.ok(tier1, "RegisterReceivable", both)


async def test_the_other_spelling_of_the_paper_identity_is_read_both_ways():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    run_together = await net.ok(tier1, "RegisterReceivable", _registration(
        net, tier1, core, number=RUN_TOGETHER_CODE + PAPER_NUMBER))
    both = _registration(net, tier1, core, paper=(RUN_TOGETHER_CODE, PAPER_NUMBER))
    message = await net.refused(tier1, "RegisterReceivable", both, rule="invoice-already-financed")
    assert f"is the invoice registered as number {RUN_TOGETHER_CODE + PAPER_NUMBER} with no code" in message
    assert f"already backs receivable {run_together['id']}" in message
    await net.ok(tier1, "WithdrawReceivable", run_together["id"], "the paper form's identity run together")
    await net.ok(tier1, "RegisterReceivable", both)
    await net.refused(tier1, "RegisterReceivable", _registration(net, tier1, core,
                                                                 number=RUN_TOGETHER_CODE + PAPER_NUMBER),
                      rule="invoice-already-financed")


async def test_the_paper_entry_is_guarded_as_the_invoices_own():
    net, tier1, core, claim = await _paper_claim()
    own, paper = _entry(net, tier1, "", NUMBER), _entry(net, tier1, PAPER_CODE, PAPER_NUMBER)
    claim_policy = net.ledger.validation_parameters[net._key(keys.RECEIVABLE, claim["id"])]
    assert net.ledger.validation_parameters[paper] == net.ledger.validation_parameters[own] == claim_policy
    assert policy_orgs(net, paper) == DEBTOR_AND_CREDITOR
    assert net.writes_not_endorsed(SUPPLIER, BANK) == []       # new keys


@pytest.mark.parametrize("who, release", [("tier1", "WithdrawReceivable"), ("core", "RejectReceivable")])
async def test_a_rejection_or_withdrawal_releases_the_paper_entry_with_the_invoices_own(who, release):
    net, tier1, core, claim = await _paper_claim()
    entries = {_entry(net, tier1, "", NUMBER), _entry(net, tier1, PAPER_CODE, PAPER_NUMBER)}
    await net.ok(net.actors[who], release, claim["id"], "not owed")
    assert entries <= set(written_keys(net)) and not entries & net.ledger.state.keys()
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core, number=PAPER_NUMBER, code=PAPER_CODE))


@pytest.mark.parametrize("release", ["WithdrawReceivable", "RejectReceivable"])
async def test_a_planted_claim_naming_another_claims_paper_identity_releases_nothing_of_it(release):
    net, tier1, core, claim = await _paper_claim()
    await net.ok(core, "ConfirmReceivable", claim["id"])
    paper = _entry(net, tier1, PAPER_CODE, PAPER_NUMBER)
    held = net.ledger.state[paper]
    net.plant(net.registered_copy(claim["id"], id=PLANTED, root_id=PLANTED), keys.RECEIVABLE, PLANTED)
    await net.ok(tier1 if release == "WithdrawReceivable" else core, release, PLANTED, "planted")
    assert net.ledger.state[paper] == held
    await net.refused(tier1, "RegisterReceivable", _registration(net, tier1, core, number=PAPER_NUMBER,
                                                                 code=PAPER_CODE), rule="invoice-already-financed")


@pytest.mark.parametrize("paper, rule, said", [
    ((PAPER_CODE, ""), "invoice-code-invalid", "given without paper_number"),
    (("", PAPER_NUMBER), "invoice-code-invalid", "given without paper_code"),
    ((PAPER_CODE, "1234567"), "invoice-number-invalid", "paper_number: paper number '1234567' is not the 8 digits"),
    ((PAPER_CODE, NUMBER), "invoice-number-invalid", "is a 20-digit number"),
    (("１４４０３１９００１１１", PAPER_NUMBER), "invoice-code-invalid", "paper_code: invoice code '１４４０３１９００１１１' holds characters"),
    (("003100204130", PAPER_NUMBER), "invoice-code-invalid", "paper_code: invoice code '003100204130' does not start its region"),
], ids=["code-alone", "number-alone", "short-number", "twenty-digit-number", "full-width-code", "padded-code"])
async def test_a_paper_identity_is_checked_as_an_invoice_code_and_number_are(paper, rule, said):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    message = await net.refused(tier1, "RegisterReceivable", _registration(net, tier1, core, paper=paper), rule=rule)
    assert said in message and "invoices[0]" in message


async def test_an_invoice_with_a_code_names_no_paper_identity():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = _registration(net, tier1, core, number="12345678", code="3100204130", paper=(PAPER_CODE, PAPER_NUMBER))
    message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-code-invalid")
    assert "invoices[0] (number 12345678): paper_code and paper_number name the paper form" in message
    assert "leave both paper fields out" in message


@pytest.mark.parametrize("second", [
    {"number": "26990000000000000002", "paper_code": PAPER_CODE, "paper_number": PAPER_NUMBER},
    {"number": PAPER_NUMBER, "code": PAPER_CODE},
], ids=["the-same-paper-identity-twice", "another-invoices-identity"])
async def test_one_paper_identity_listed_twice_is_refused(second):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = _registration(net, tier1, core, paper=(PAPER_CODE, PAPER_NUMBER))
    req["invoices"].append({**req["invoices"][0], "paper_code": "", "paper_number": "", **second})
    req["face_amount"] = 2 * req["face_amount"]
    message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-listed-twice")
    assert f"is the same invoice as invoices[0]'s paper identity, code {PAPER_CODE}" in message


async def test_an_invoice_naming_its_own_other_spelling_as_its_paper_identity_is_refused():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = _registration(net, tier1, core, number=RUN_TOGETHER_CODE + PAPER_NUMBER,
                        paper=(RUN_TOGETHER_CODE, PAPER_NUMBER))
    await net.refused(tier1, "RegisterReceivable", req, rule="invoice-listed-twice")


async def test_an_invoice_without_a_paper_identity_is_stored_as_before_and_a_legacy_record_reads():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.registered(tier1, core, 1000_00, invoice_no=NUMBER)
    stored = net.doc(claim["id"])["invoices"][0]
    assert not {"paper_code", "paper_number", "paper_fingerprint"} & stored.keys()
    assert not {"paper_code", "paper_number", "paper_fingerprint"} & claim["invoices"][0].keys()
    legacy = Invoice.model_validate(stored)
    assert (legacy.paper_code, legacy.paper_number, legacy.paper_fingerprint) == ("", "", "")
    await net.ok(core, "ConfirmReceivable", claim["id"])


async def test_confirming_a_claim_sees_another_live_claim_holding_its_paper_identitys_other_spelling():
    # two claims an earlier contract version could take: the paper code run together registered first, its
    # entry out of sight when the claim naming both registered
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    first = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core,
                                                                    number=RUN_TOGETHER_CODE + PAPER_NUMBER))
    run_together = _entry(net, tier1, "", RUN_TOGETHER_CODE + PAPER_NUMBER)
    hidden = net.ledger.state.pop(run_together)
    both = await net.ok(tier1, "RegisterReceivable",
                        _registration(net, tier1, core, paper=(RUN_TOGETHER_CODE, PAPER_NUMBER)))
    net.ledger.state[run_together] = hidden
    message = await net.refused(core, "ConfirmReceivable", both["id"], rule="invoice-already-financed")
    assert f"registered as number {RUN_TOGETHER_CODE + PAPER_NUMBER} with no code too" in message
    assert f"for receivable {first['id']}" in message


async def test_an_upgrade_page_passes_over_nothing_of_a_claim_naming_a_paper_identity():
    net, tier1, core, claim = await _paper_claim()
    pages = await net.upgrade_pages()
    assert all(not page["collisions"] and not page["unreadable"] and not page["newer_version"]
               and not page["without_current_spelling"] for page in pages)
    assert sum(page["fingerprint_entries"] for page in pages) == 0
    assert json.loads(net.ledger.state[_entry(net, tier1, PAPER_CODE, PAPER_NUMBER)])["receivable_id"] == claim["id"]


async def test_confirming_reads_the_paper_entries_with_the_callers_party_in_no_round_trip_more(reads):
    net = await standard_net()
    net.ledger.peer_options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.ok(tier1, "RegisterReceivable",
                         _registration(net, tier1, core, paper=(RUN_TOGETHER_CODE, PAPER_NUMBER)))
    reads.clear()
    await net.ok(core, "ConfirmReceivable", claim["id"])
    assert len(reads) == 2   # as for a claim naming none: its record; the caller's party with the entries
    assert counted._read_with(reads, _entry(net, tier1, RUN_TOGETHER_CODE, PAPER_NUMBER)) == [
        net._key(keys.PARTY, core.uscc), _entry(net, tier1, RUN_TOGETHER_CODE, PAPER_NUMBER),
        _entry(net, tier1, "", RUN_TOGETHER_CODE + PAPER_NUMBER)]


async def test_the_upgrade_seals_a_paper_entry_left_without_a_policy():
    net, tier1, core, claim = await _paper_claim()
    paper = _entry(net, tier1, PAPER_CODE, PAPER_NUMBER)
    del net.ledger.validation_parameters[paper]        # as written while no policy guarded it
    await net.upgrade_pages()
    assert policy_orgs(net, paper) == DEBTOR_AND_CREDITOR


async def test_a_reseal_moves_the_paper_entry_with_the_invoices_own():
    new_regulator = "NewRegulatorMSP"
    net = await one_org_net()
    core_sup, core = net.actors["core_sup"], net.actors["core"]
    claim = await net.ok(core_sup, "RegisterReceivable",
                         _registration(net, core_sup, core, paper=(PAPER_CODE, PAPER_NUMBER)))
    paper = _entry(net, core_sup, PAPER_CODE, PAPER_NUMBER)
    assert policy_orgs(net, paper) == [CORE, REGULATOR]
    roles = {**CORE_ALSO_SUPPLIES, REGULATOR: (), new_regulator: ("regulator",)}
    net.contract.config = DEFAULT_CONFIG.model_copy(update={"org_roles": roles})
    await net.ok(core, "ResealReceivable", claim["id"])
    assert policy_orgs(net, paper) == policy_orgs(net, _entry(net, core_sup, "", NUMBER)) == [CORE, new_regulator]


async def test_an_upgrade_page_reads_the_paper_entry_with_the_pages_other_entries(reads):
    net, tier1, core, claim = await _paper_claim()
    net.ledger.peer_options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
    reads.clear()
    await net.ok(net.admins["RegulatorMSP"], "UpgradeLedger", "100", "")
    paper = _entry(net, tier1, PAPER_CODE, PAPER_NUMBER)
    assert counted._read_with(reads, paper) != [paper]   # in the page's one read of its entries, not its own
    assert _entry(net, tier1, "", NUMBER) in counted._read_with(reads, paper)


async def test_a_withdrawal_reads_the_entries_it_releases_in_one_read(reads):
    net, tier1, core, claim = await _paper_claim()
    net.ledger.peer_options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
    reads.clear()
    await net.ok(tier1, "WithdrawReceivable", claim["id"], "registered in error")
    own, paper = _entry(net, tier1, "", NUMBER), _entry(net, tier1, PAPER_CODE, PAPER_NUMBER)
    assert counted._read_with(reads, paper) == [own, paper]
