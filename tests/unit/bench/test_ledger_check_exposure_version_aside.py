"""The fault suite's ledger check on a bank's exposure version moved aside: where two other orgs sealed the version's
fixed key ``recfin.exposure-version [bank, debtor]``, the bank's offers (and an UpgradeLedger page restoring its
entries) move the version to an entry ``[bank, debtor, holder org, tx id]`` with a private copy in the holder's and
the bank's terms collection, and GetFinancierExposure's ``version`` is that entry's from then on. The check compares
the version the contract reads in the replay with the query's, and counts the keys the query does not read. The
ledgers here are written by the contract itself, in process, as the hostile tests write them."""
import asyncio
import hashlib
from contextlib import contextmanager

import pytest
from fabric_protos.peer import transaction_pb2

from chaincode.receivables import keys
from chaincode.receivables.store_base import org_policy
from chaincode.testing._memory_peer import Write, WriteRecord
from tests.unit.bench.test_ledger_check import ChainPeer, block, envelope, sealed
from tests.unit.hostile.test_exposure_version_two_orgs_sealed import (
    _a_bank_yet_to_offer_on_the_debtor, _a_loan_an_earlier_version_left_out_of_the_banks_figures,
    _committed_by_the_debtor_and_a_supplier, _offer_committed_by_the_holder_and_the_bank,
    _upgrade_page_committed_by)
from tests.unit.receivables.support import BANK, CORE, SUPPLIER

VERSION = "recfin.exposure-version"


def _sealed_by_the_debtor_and_a_supplier(forged: bytes, *, offers: int):
    """A bank whose version's fixed key the debtor's org and a supplier's wrote (``forged``) and sealed before its
    first offer on the debtor; then ``offers`` offers of the bank there, each priced on the version it read."""
    async def written():
        net, version, requests = await _a_bank_yet_to_offer_on_the_debtor()
        seal = (Write(WriteRecord.PUT_STATE, "", version, forged),
                Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy([CORE, SUPPLIER])))
        assert await _committed_by_the_debtor_and_a_supplier(net, *seal) == "VALID"
        for request in requests[:offers]:
            read = await net.ok(net.actors["bank"], "GetFinancierExposure", net.actors["core"].uscc, "",
                                evaluate=True)
            assert await _offer_committed_by_the_holder_and_the_bank(net, request, str(read["version"])) == "VALID"
        return net, version

    return asyncio.run(written())


def _moved_aside(net, version: str) -> list[str]:
    return [key for key in net.ledger.state if key.startswith(version) and key != version]


def _blocks(net, state: dict, private: dict, policies: dict) -> list:
    """The blocks of a peer that replay to ``state`` with each key's policy as ``policies`` has it, and to the hashes
    of ``private`` (collection -> key -> value) as the peers commit them."""
    public = [envelope([(key, value)], policies=[(key, policies[key])] if key in policies else [])
              for key, value in state.items()]
    hashed = [(collection, hashlib.sha256(key.encode()).digest(), hashlib.sha256(value).digest())
              for collection, values in private.items() for key, value in values.items()]
    return sealed([block([*public, envelope([], hashed=hashed)], [transaction_pb2.VALID] * (len(public) + 1))])


def _checked(net, state: dict | None = None, private: dict | None = None, msp_id: str = "RegulatorMSP",
             policies: dict | None = None):
    """check_peer on a peer of ``msp_id`` whose blocks replay to ``state``, ``private`` and ``policies`` (the world
    state's when not given) and whose world state is ``net``'s ledger, read through the contract as the regulator."""
    from bench.ledger_check import check_peer
    from client.business_dates import business_date
    from tests.unit.ledger_contract import LedgerContract

    blocks = _blocks(net, dict(net.ledger.state) if state is None else state,
                     net.ledger.private_state if private is None else private,
                     net.ledger.validation_parameters if policies is None else policies)
    reader = LedgerContract(net.ledger, net.actors["regulator"].identity, lambda: net.now)
    return check_peer(f"peer0.{msp_id}", ChainPeer(blocks, None), reader, "receivables", "receivables", msp_id,
                      [], [], today=lambda: business_date(net.now))


def _names(net) -> tuple[str, str]:
    return net.actors["bank"].uscc, net.actors["core"].uscc


@pytest.mark.parametrize("forged, read", [(b"7", 7), (b"not a count", 0), (b"9" * 15, 0)])
def test_a_version_moved_aside_from_a_sealed_key_is_compared_where_the_contract_reads_it(forged, read):
    net, version = _sealed_by_the_debtor_and_a_supplier(forged, offers=2)
    [aside] = _moved_aside(net, version)
    assert net.ledger.state[aside] == str(read + 2).encode() and net.ledger.state[version] == forged
    ledger = _checked(net)
    assert ledger.state_mismatches == []
    # the query reads the entry: the sealed fixed key beside it is counted, not compared
    assert ledger.not_read_back[VERSION] == 1


@pytest.mark.parametrize("forged", [b"not a count", b"9" * 15])
def test_a_sealed_fixed_key_that_holds_no_count_is_compared_as_the_contract_reads_it(forged):
    # before the bank's first offer on the debtor the query answers such a value as 0: the replay holding the same
    # value is no difference
    net, version = _sealed_by_the_debtor_and_a_supplier(forged, offers=0)
    ledger = _checked(net)
    assert ledger.state_mismatches == []
    assert VERSION not in ledger.not_read_back


def test_a_version_an_upgrade_page_moved_aside_is_compared_where_the_contract_reads_it():
    async def written():
        net, version, _ = await _a_loan_an_earlier_version_left_out_of_the_banks_figures()
        page, committed = await _upgrade_page_committed_by(net, SUPPLIER, BANK)
        assert committed == "VALID" and page["financier_entries"] == 1
        return net, version

    net, version = asyncio.run(written())
    [aside] = _moved_aside(net, version)
    assert (net.ledger.state[version], net.ledger.state[aside]) == (b"5", b"6")
    ledger = _checked(net)
    assert ledger.state_mismatches == []
    assert ledger.not_read_back[VERSION] == 1


def test_entries_two_orgs_wrote_without_the_private_copy_are_counted_not_compared():
    async def written():
        net, version, requests = await _a_bank_yet_to_offer_on_the_debtor()
        bank, core = _names(net)
        writes = (Write(WriteRecord.PUT_STATE, "", version, b"3"),
                  Write(WriteRecord.PUT_STATE_METADATA, "", version, org_policy([CORE, SUPPLIER])),
                  Write(WriteRecord.PUT_STATE, "", net._key(keys.EXPOSURE_VERSION, bank, core, SUPPLIER, "O-forged"),
                        b"40"),
                  Write(WriteRecord.PUT_STATE, "", net._key(keys.EXPOSURE_VERSION, bank, core, "NoSuchMSP", "O-x"),
                        b"50"),
                  Write(WriteRecord.PUT_STATE, "", net._key(keys.EXPOSURE_VERSION, bank, core, "three"), b"60"))
        assert await _committed_by_the_debtor_and_a_supplier(net, *writes) == "VALID"
        assert await _offer_committed_by_the_holder_and_the_bank(net, requests[0], "3") == "VALID"
        return net

    net = asyncio.run(written())
    ledger = _checked(net)
    assert ledger.state_mismatches == []
    # the query reads the bank's entry (4): the fixed key and the three forged keys are counted
    assert ledger.not_read_back[VERSION] == 4
    # on a peer of an org that holds none of the bank's private data, none is compared
    assert _checked(net, msp_id="SupplierMSP").not_read_back[VERSION] == 5


@contextmanager
def _private_copy_and_policy_gone(net, aside: str):
    """The world state without the private copy of the entry ``aside``, and without its key-level policy, for the
    while."""
    collection = next(c for c, values in net.ledger.private_state.items() if aside in values)
    kept = net.ledger.private_state[collection].pop(aside), net.ledger.validation_parameters.pop(aside)
    try:
        yield
    finally:
        net.ledger.private_state[collection][aside], net.ledger.validation_parameters[aside] = kept


def test_a_difference_in_the_version_moved_aside_is_named_by_its_entry():
    net, version = _sealed_by_the_debtor_and_a_supplier(b"7", offers=2)
    [aside] = _moved_aside(net, version)
    bank, debtor = _names(net)
    holder, named_after = aside.split("\x00")[4:6]
    entry = f"exposure-version {bank}/{debtor}/{holder}/{named_after} (the version moved aside)"
    # the blocks hold another count in the entry than the world state
    ledger = _checked(net, {**net.ledger.state, aside: b"12"})
    assert ledger.state_mismatches == [f"{entry}: 12 in the replayed blocks, 9 as GetFinancierExposure answers it"]
    # the blocks carry no private copy of the entry, under the bank's org alone: it raises the fixed key's count
    # as an UpgradeLedger page's would, so they say what the query answers
    assert _checked(net, private={}).state_mismatches == []
    # nor its policy: they say the fixed key holds the version, the query the entry
    ledger = _checked(net, private={}, policies={k: v for k, v in net.ledger.validation_parameters.items()
                                                 if k != aside})
    assert ledger.state_mismatches == [
        f"exposure-version {bank}/{debtor}: 7 in the replayed blocks, 9 as GetFinancierExposure answers it"]
    # the world state lost the entry's private copy and policy, which the blocks carry: the query falls back to the
    # fixed key
    replayed_private = {collection: dict(values) for collection, values in net.ledger.private_state.items()}
    replayed_policies = dict(net.ledger.validation_parameters)
    with _private_copy_and_policy_gone(net, aside):
        ledger = _checked(net, private=replayed_private, policies=replayed_policies)
    assert ledger.state_mismatches == [f"{entry}: 9 in the replayed blocks, 7 as GetFinancierExposure answers it"]
