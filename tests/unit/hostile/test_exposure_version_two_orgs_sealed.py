"""A bank's ``recfin.exposure-version`` on a debtor is read and written by each of its offers on the debtor's claims.
Under the chaincode-level policy alone (any two orgs' peers), the debtor's org and a supplier's, running altered
chaincode, could commit a write giving it a key-level policy of their own, or a value no count parses to, and every
later offer of the bank on that debtor would fail (ENDORSEMENT_POLICY_FAILURE, or refused record-unreadable) for as
long as they liked: a bank shut out of a debtor by the two parties it would lend against. The bank's offer writes the
version under the bank's org alone, so from its first offer on the debtor no two other orgs can seal or rewrite it,
and its later offers commit with the holder's and the bank's peers."""

from __future__ import annotations

import dataclasses
import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG
from chaincode.receivables.store_base import org_policy
from chaincode.testing._memory_peer import Write, WriteRecord

from tests.unit.receivables.support import BANK, CORE, REGULATOR, SUPPLIER, standard_net, transient_terms


async def _committed_by_the_debtor_and_a_supplier(net, *writes: Write) -> str:
    """Commit ``writes`` in a transaction the debtor's and the supplier's peers endorse, as altered chaincode would."""
    carrier = await net.ledger.endorse(net.actors["core"].identity, "receivables:WhoAmI", transient={},
                                       timestamp=net.now)
    return net.ledger.commit(dataclasses.replace(carrier, writes=writes), endorsers=(CORE, SUPPLIER))


async def _offer_committed_by_the_holder_and_the_bank(net, request_id: str, version: str = "") -> str:
    args = (request_id, version) if version else (request_id,)
    endorsement = await net.ledger.endorse(net.actors["bank"].identity, "receivables:MakeFinancingOffer", *args,
                                           transient=transient_terms(), timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    return net.ledger.commit(endorsement, endorsers=(SUPPLIER, BANK))


async def _a_bank_that_offered_once():
    net, version, (offered_on, request) = await _a_bank_yet_to_offer_on_the_debtor()
    assert await _offer_committed_by_the_holder_and_the_bank(net, offered_on) == "VALID"
    return net, version, request


async def test_the_debtor_and_a_supplier_cannot_seal_the_version_of_a_bank_that_offered_on_the_debtor():
    net, version, request = await _a_bank_that_offered_once()
    seal = Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy([CORE, SUPPLIER]))
    assert await _committed_by_the_debtor_and_a_supplier(net, seal) == "ENDORSEMENT_POLICY_FAILURE"
    # the bank's next offer on the debtor, priced on the figures it read, commits with the holder's and its peers
    read = await net.ok(net.actors["bank"], "GetFinancierExposure", net.actors["core"].uscc, "", evaluate=True)
    assert await _offer_committed_by_the_holder_and_the_bank(net, request, str(read["version"])) == "VALID"
    assert net.ledger.state[version] == b"2"


async def test_the_debtor_and_a_supplier_cannot_rewrite_the_version_of_a_bank_that_offered_on_the_debtor():
    net, version, request = await _a_bank_that_offered_once()
    for forged in (b"not a count", b"999999"):
        rewrite = Write(WriteRecord.PUT_STATE, "", version, forged)
        assert await _committed_by_the_debtor_and_a_supplier(net, rewrite) == "ENDORSEMENT_POLICY_FAILURE"
    assert net.ledger.state[version] == b"1"
    assert await _offer_committed_by_the_holder_and_the_bank(net, request, "1") == "VALID"


async def _a_bank_yet_to_offer_on_the_debtor():
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    tier1, core = net.actors["tier1"], net.actors["core"]
    requests = [await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core, 1000_00))["id"])
                for _ in range(2)]
    return net, net._key(keys.EXPOSURE_VERSION, net.actors["bank"].uscc, core.uscc), [r["id"] for r in requests]


async def _exposure_version(net) -> int:
    read = await net.ok(net.actors["bank"], "GetFinancierExposure", net.actors["core"].uscc, "", evaluate=True)
    return read["version"]


@pytest.mark.parametrize("forged, read", [(b"7", 7), (b"not a count", 0), (b"9" * 12, 10 ** 12 - 1),
                                          (b"1" + b"0" * 12, 0), (b"9" * 15, 0)])
async def test_a_version_the_debtor_and_a_supplier_sealed_before_the_banks_first_offer_stops_none_of_its_offers(
        forged, read):
    """The version's key has a fixed name, so the two orgs can write it before the bank ever offers on the debtor,
    under a policy of their own. The bank's offers leave it and move the version aside to an entry of the bank's own,
    named after its first offer there (no one could write that key first), which they cannot rewrite either."""
    net, version, requests = await _a_bank_yet_to_offer_on_the_debtor()
    seal = (Write(WriteRecord.PUT_STATE, "", version, forged),
            Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy([CORE, SUPPLIER])))
    assert await _committed_by_the_debtor_and_a_supplier(net, *seal) == "VALID"
    # a count the next move can still write is taken as it is; anything else reads as 0
    assert await _exposure_version(net) == read

    assert await _offer_committed_by_the_holder_and_the_bank(net, requests[0], str(read)) == "VALID"
    assert await _exposure_version(net) == read + 1
    moved = [k for k in net.ledger.state
             if k.startswith(version) and k != version]
    assert len(moved) == 1 and net.ledger.state[moved[0]] == str(read + 1).encode()
    assert net.ledger.state[version] == forged    # left as they wrote it
    # the entry is the bank's alone: the two orgs can neither rewrite it nor seal it
    for write in (Write(WriteRecord.PUT_STATE, "", moved[0], b"0"),
                  Write(WriteRecord.PUT_STATE_METADATA, "", moved[0], org_policy([CORE, SUPPLIER]))):
        assert await _committed_by_the_debtor_and_a_supplier(net, write) == "ENDORSEMENT_POLICY_FAILURE"
    assert await _offer_committed_by_the_holder_and_the_bank(net, requests[1], str(read + 1)) == "VALID"
    assert await _exposure_version(net) == read + 2 and net.ledger.state[moved[0]] == str(read + 2).encode()


async def test_an_entry_the_debtor_and_a_supplier_write_beside_the_banks_says_nothing_once_the_bank_has_its_own():
    """An entry of the bank's moved version is a new key until written: the two orgs can write one under any name and
    policy, the bank's org alone included, but not its private copy in the holder's and the bank's collection. Before
    the bank's own entry, one under the bank's org alone raises the version (as an UpgradeLedger page's does), which
    the two orgs, holding the fixed key, could set as they liked anyway; none lowers it, and from the bank's first
    offer on, one without its copy says nothing."""
    net, version, requests = await _a_bank_yet_to_offer_on_the_debtor()
    bank, core = net.actors["bank"].uscc, net.actors["core"].uscc

    def forged(name: str, count: bytes, orgs: list[str]) -> tuple[Write, Write]:
        key = net._key(keys.EXPOSURE_VERSION, bank, core, SUPPLIER, name)
        return (Write(WriteRecord.PUT_STATE, "", key, count),
                Write(WriteRecord.PUT_STATE_METADATA, "", key, org_policy(orgs)))

    writes = (Write(WriteRecord.PUT_STATE, "", version, b"3"),
              Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy([CORE, SUPPLIER])),
              *forged("O-theirs", b"60", [CORE, SUPPLIER]),   # under their own orgs: they could lower it again
              *forged("O-past-the-top", b"9" * 13, [BANK]),  # a count the bank's entries would soon run past
              Write(WriteRecord.PUT_STATE, "", net._key(keys.EXPOSURE_VERSION, bank, core, "NoSuchMSP", "O-x"),
                    b"50"))
    assert await _committed_by_the_debtor_and_a_supplier(net, *writes) == "VALID"
    assert await _exposure_version(net) == 3
    assert await _committed_by_the_debtor_and_a_supplier(net, *forged("O-forged", b"40", [BANK])) == "VALID"
    assert await _exposure_version(net) == 40
    assert await _offer_committed_by_the_holder_and_the_bank(net, requests[0], "40") == "VALID"
    assert await _exposure_version(net) == 41
    assert await _committed_by_the_debtor_and_a_supplier(net, *forged("O-later", b"70", [BANK])) == "VALID"
    assert await _exposure_version(net) == 41
    assert await _offer_committed_by_the_holder_and_the_bank(net, requests[1], "41") == "VALID"
    assert await _exposure_version(net) == 42


async def _a_loan_an_earlier_version_left_out_of_the_banks_figures():
    """A loan of the bank on the debtor, disbursed, as an earlier version left it: no ``recfin.by-financier`` entry
    (UpgradeLedger restores it, and so moves the bank's version there), and no version yet under the bank's org;
    then the debtor's org and a supplier's seal the version's fixed key under a policy of their own. Also a request
    of the same holder on the debtor, for the bank's next offer."""
    net, version, requests = await _a_bank_yet_to_offer_on_the_debtor()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    lent = (await net.confirmed(tier1, core, 1000_00, due_in=60))["id"]
    await net.financed(tier1, lent)
    entry = net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, lent)
    for written in [entry, *(k for k in net.ledger.state if k.startswith(version))]:   # the version, and any aside
        del net.ledger.state[written]
        net.ledger.validation_parameters.pop(written, None)
    seal = (Write(WriteRecord.PUT_STATE, "", version, b"5"),
            Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy([CORE, SUPPLIER])))
    assert await _committed_by_the_debtor_and_a_supplier(net, *seal) == "VALID"
    return net, version, requests[0]


async def _upgrade_page_committed_by(net, *endorsers: str) -> tuple[dict, str]:
    endorsement = await net.ledger.endorse(net.admins["RegulatorMSP"].identity, "receivables:UpgradeLedger", "100",
                                           "", transient={}, timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    return json.loads(endorsement.result.payload), net.ledger.commit(endorsement, endorsers=endorsers)


async def test_a_version_two_orgs_sealed_does_not_hold_up_the_upgrade_page_that_restores_the_banks_entries():
    """The page that restores the bank's loan moves its version, as an offer would: written to the fixed key the
    two orgs sealed, it needed their peers, and the page, and every page after it, failed for as long as they
    withheld them. It leaves the key and moves the version aside as the bank's offers do, under the bank's org
    alone, with its copy in the holder's and the bank's terms collection: the page commits with those orgs' peers,
    a quote priced before it is refused, and the bank's offers go on from the entry."""
    net, version, request = await _a_loan_an_earlier_version_left_out_of_the_banks_figures()
    read = await _exposure_version(net)
    assert read == 5
    page, committed = await _upgrade_page_committed_by(net, SUPPLIER, BANK)
    assert committed == "VALID" and page["financier_entries"] == 1
    assert net.ledger.state[version] == b"5"    # left as they wrote it
    moved = [k for k in net.ledger.state if k.startswith(version) and k != version]
    assert len(moved) == 1 and net.ledger.state[moved[0]] == b"6"
    assert await _exposure_version(net) == 6
    # the entry is the bank's alone: the two orgs can neither rewrite it nor seal it
    for write in (Write(WriteRecord.PUT_STATE, "", moved[0], b"5"),
                  Write(WriteRecord.PUT_STATE_METADATA, "", moved[0], org_policy([CORE, SUPPLIER]))):
        assert await _committed_by_the_debtor_and_a_supplier(net, write) == "ENDORSEMENT_POLICY_FAILURE"
    # a quote priced on the figures read before the loan came back is refused; priced again, it commits
    refused = await net.ledger.endorse(net.actors["bank"].identity, "receivables:MakeFinancingOffer", request,
                                       str(read), transient=transient_terms(), timestamp=net.now)
    assert "RULE exposure-changed" in refused.result.message
    assert await _offer_committed_by_the_holder_and_the_bank(net, request, "6") == "VALID"
    # the bank's first offer there moves it aside to an entry of its own, with its copy, which holds it from then on
    [offered] = [k for k in net.ledger.state if k.startswith(version) and k not in (version, moved[0])]
    assert await _exposure_version(net) == 7 and net.ledger.state[offered] == b"7"


@pytest.mark.parametrize("endorsers", [(REGULATOR, BANK), (REGULATOR, CORE)])
async def test_the_holder_org_among_the_orgs_that_sealed_the_version_does_not_hold_up_the_upgrade_page(endorsers):
    """The holder's org is one of the two that sealed the version (the supplier's, with the debtor's): a page whose
    version moved aside needed the holder's peer (its copy in the holder's and the bank's terms collection), so that
    org, withholding it, kept the bank's loan out of its figures and every page after it waiting. The page moves it
    aside to an entry of the bank's without a copy, which any two orgs' peers commit; the bank's offers go on from
    it."""
    net, version, request = await _a_loan_an_earlier_version_left_out_of_the_banks_figures()
    assert await _exposure_version(net) == 5
    page, committed = await _upgrade_page_committed_by(net, *endorsers)
    assert committed == "VALID" and page["financier_entries"] == 1
    assert net.ledger.state[version] == b"5"    # left as they wrote it
    assert await _exposure_version(net) == 6
    refused = await net.ledger.endorse(net.actors["bank"].identity, "receivables:MakeFinancingOffer", request, "5",
                                       transient=transient_terms(), timestamp=net.now)
    assert "RULE exposure-changed" in refused.result.message
    assert await _offer_committed_by_the_holder_and_the_bank(net, request, "6") == "VALID"
    assert await _exposure_version(net) == 7


async def test_a_count_the_debtor_and_a_supplier_seal_near_the_top_does_not_bring_an_old_version_back():
    """The two orgs seal the fixed key at a count just under the top the version may hold (15 digits). Taken as it
    is, the bank's entry moved aside started there and, two offers on, held a count past 15 digits that no read
    takes: the version fell back to what the two orgs wrote, and the next offer brought back a version read before,
    so a quote priced on it, before two offers of the bank on the debtor, committed. A count two orgs could write
    is taken only far below the top (else read as 0), so the bank's versions only ever rise."""
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    tier1, core = net.actors["tier1"], net.actors["core"]
    requests = [(await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core, 1000_00))["id"]))["id"]
                for _ in range(4)]
    version = net._key(keys.EXPOSURE_VERSION, net.actors["bank"].uscc, core.uscc)
    seal = (Write(WriteRecord.PUT_STATE, "", version, b"9" * 14 + b"8"),
            Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy([CORE, SUPPLIER])))
    assert await _committed_by_the_debtor_and_a_supplier(net, *seal) == "VALID"
    read = [await _exposure_version(net)]
    assert await _offer_committed_by_the_holder_and_the_bank(net, requests[0], str(read[-1])) == "VALID"
    read.append(await _exposure_version(net))
    priced_before_two_offers = read[-1]
    for request in requests[1:3]:
        assert await _offer_committed_by_the_holder_and_the_bank(net, request, str(read[-1])) == "VALID"
        read.append(await _exposure_version(net))
    assert read == sorted(set(read)), read
    refused = await net.ledger.endorse(net.actors["bank"].identity, "receivables:MakeFinancingOffer", requests[3],
                                       str(priced_before_two_offers), transient=transient_terms(), timestamp=net.now)
    assert "RULE exposure-changed" in refused.result.message


@pytest.mark.parametrize("policy", [None, [BANK]], ids=["without a policy", "sealed under the bank's org"])
async def test_a_count_two_orgs_write_at_the_top_does_not_make_the_banks_first_offer_read_back_as_0(policy):
    """Before the bank's first offer on the debtor, the debtor's org and a supplier's write the fixed key at the
    highest count a read takes from it (12 digits). The first offer wrote one more there, which reads as 0 (any two
    orgs could have written such a count), so a quote priced at 0 before they wrote it, on figures that did not
    count that offer, committed after it. The offer moves the version aside to an entry of its own instead, which
    reads back as written."""
    net, version, requests = await _a_bank_yet_to_offer_on_the_debtor()
    priced_on_an_untouched_key = await _exposure_version(net)
    assert priced_on_an_untouched_key == 0
    top = (Write(WriteRecord.PUT_STATE, "", version, b"9" * 12),
           *([Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy(policy))] if policy else []))
    assert await _committed_by_the_debtor_and_a_supplier(net, *top) == "VALID"
    assert await _exposure_version(net) == 10 ** 12 - 1
    assert await _offer_committed_by_the_holder_and_the_bank(net, requests[0]) == "VALID"
    assert await _exposure_version(net) == 10 ** 12
    refused = await net.ledger.endorse(net.actors["bank"].identity, "receivables:MakeFinancingOffer", requests[1],
                                       str(priced_on_an_untouched_key), transient=transient_terms(), timestamp=net.now)
    assert "RULE exposure-changed" in refused.result.message
    assert await _offer_committed_by_the_holder_and_the_bank(net, requests[1], str(10 ** 12)) == "VALID"
    assert await _exposure_version(net) == 10 ** 12 + 1


@pytest.mark.parametrize("policy", [None, [BANK]], ids=["without a policy", "sealed under the bank's org"])
async def test_an_upgrade_page_on_a_count_two_orgs_write_at_the_top_does_not_bring_version_0_back(policy):
    """Before the bank's first offer on the debtor, the debtor's org and a supplier's write the fixed key at the
    highest count a read takes from it (12 digits). The page restoring the bank's loan wrote one more there, which
    reads as 0: a quote priced at 0 before they wrote it, on figures without the loan, committed after the page. No
    count the page can write without the bank's and the holder's peers reads back above the top, so it leaves the
    version there, and only a quote priced on a read of the count those orgs wrote commits after it."""
    net, version, request = await _a_loan_an_earlier_version_left_out_of_the_banks_figures()
    del net.ledger.state[version]
    net.ledger.validation_parameters.pop(version, None)
    priced_before_the_loan_came_back = await _exposure_version(net)
    assert priced_before_the_loan_came_back == 0
    top = (Write(WriteRecord.PUT_STATE, "", version, b"9" * 12),
           *([Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy(policy))] if policy else []))
    assert await _committed_by_the_debtor_and_a_supplier(net, *top) == "VALID"
    page, committed = await _upgrade_page_committed_by(net, SUPPLIER, BANK)
    assert committed == "VALID" and page["financier_entries"] == 1
    assert await _exposure_version(net) == 10 ** 12 - 1
    refused = await net.ledger.endorse(net.actors["bank"].identity, "receivables:MakeFinancingOffer", request,
                                       str(priced_before_the_loan_came_back), transient=transient_terms(),
                                       timestamp=net.now)
    assert "RULE exposure-changed" in refused.result.message
    # the bank's first offer there moves the version aside to an entry of its own, which reads back as written
    assert await _offer_committed_by_the_holder_and_the_bank(net, request, str(10 ** 12 - 1)) == "VALID"
    assert await _exposure_version(net) == 10 ** 12
