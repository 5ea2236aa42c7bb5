"""`recfin org remove` of an org whose parties are those of live claims: the key-level policy of every claim
names the orgs of its debtor and holder (and of its bank while a financing is live), so once the org has
left, its peer endorsing nothing, no change of such a claim (payment, repayment, transfer, settlement)
could ever be endorsed again. The removal reads the live claims first, as a regulator's user, and is
refused naming them.

The channel has two supplier orgs, supplier (topology.yaml's) and supplier2 (added), so that supplier may
leave as far as roles go; the claims are read from the real receivables contract on MemoryLedger, as in
test_org_remove_claims.
"""
from __future__ import annotations

import pytest

from network import contract_config, membership
from network.org_change import OrgChangeError
from network.org_membership import ClaimsCheck

from .channel_fixtures import channel_config
from .scripted_channel import ScriptedChannel, host, with_org_recorded
from .test_org_membership import _removal_file
from .test_org_remove_claims import assert_nothing_sent, claim, claims_read, ledger_of


@pytest.fixture
def grown(topology, data_root):
    """supplier2 added and recorded here: the channel's fifth org, its second supplier org."""
    supplier2 = membership.new_org_spec(topology, "supplier2", "supplier", "91310000MA1K00008F")
    return with_org_recorded(topology, data_root, supplier2)


@pytest.fixture
def channel(fake_fabric, grown, data_root):
    return ScriptedChannel(grown, channel_config(grown, data_root))


def test_an_org_whose_parties_hold_live_claims_is_not_removed_naming_them(
        channel, grown, topology, data_root, tmp_path, monkeypatch):
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    held = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    registered = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000002", confirmed=False)
    rejected = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000003", confirmed=False)
    parties.core.client.reject(rejected, "no such delivery")           # ended: never written again
    members = host(membership.effective(topology, data_root), data_root, channel)

    for attempt in (lambda: members.remove("supplier", claims=claims_read(members)),
                    lambda: members.plan_remove("supplier", claims=claims_read(members))):  # --dry-run too
        with pytest.raises(OrgChangeError) as refused:
            attempt()
        message = str(refused.value)
        assert message.startswith(f"supplier (SupplierMSP) is the org of parties of 2 live claims, whose "
                                  f"key-level policy names it: 2 held by its parties "
                                  f"({registered}, {held})"), message
        assert rejected not in message
        assert "could ever be endorsed again" in message and "Stopped before anything was sent" in message
        assert "transferred by its holder to a party of another org" in message
    assert parties.opened[0] == "regulator"              # read as a regulator's user, who reads them all
    assert_nothing_sent(channel, data_root)

    # a removal written elsewhere is refused where it is submitted
    path = _removal_file(members, members.fetch_config("bank"), "supplier", tmp_path)
    with pytest.raises(OrgChangeError, match=f"2 held by its parties \\({registered}, {held}\\)"):
        members.submit_update_file(path, channel_only=True, claims=claims_read(members))
    assert_nothing_sent(channel, data_root)


def test_an_org_whose_parties_owe_a_live_claim_is_not_removed(channel, grown, topology, data_root,
                                                               monkeypatch):
    """The debtor of a claim never changes: only its settlement (or, before confirmation, its rejection or
    withdrawal) frees the debtor's org."""
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    owed = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    with_org_recorded(grown, data_root, membership.new_org_spec(grown, "core2", "core-enterprise",
                                                                "91310000MA1K00009H"))
    now = membership.effective(topology, data_root)
    members = host(now, data_root, ScriptedChannel(now, channel_config(now, data_root)))
    with pytest.raises(OrgChangeError) as refused:
        members.plan_remove("coreenterprise", claims=claims_read(members))
    message = str(refused.value)
    assert f"1 owed by its parties ({owed})" in message, message
    assert "settled" in message


def test_no_live_claim_of_its_parties_lets_the_org_go_and_claims_not_read_refuse_it(
        channel, grown, topology, data_root, monkeypatch):
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    members = host(membership.effective(topology, data_root), data_root, channel)
    assert members.plan_remove("supplier", claims=claims_read(members)).verdict.ok
    with pytest.raises(OrgChangeError, match="The claims could not be read to find them \\(as bank: no "
                                             "connection profile of bank\\).*--no-claim-check"):
        members.remove("supplier", claims=_unreadable(members))
    assert_nothing_sent(channel, data_root)
    said = []
    members.net.say = said.append
    assert members.plan_remove("supplier", claims=ClaimsCheck(skipped=True)).verdict.ok
    assert any("claims not read (--no-claim-check)" in line and "SupplierMSP" in line for line in said)
    assert parties.opened == ["regulator", "bank"]          # --no-claim-check: nothing more read


def _unreadable(members):
    from cli.org_commands import _claims_check
    return _claims_check(members.root, "bank", False)
