"""`org remove` refuses a removal after which the orgs that stay could never again meet the Application
group's `MAJORITY Admins`: with orgs whose own CRL locks their admins out (one without an Authority Key
Identifier, which fails every identity of the MSP), the leaving org's admin may be one of the few that
count, and once it has gone no org could be added or removed again, the locked-out ones never repaired."""
from __future__ import annotations

import pytest

from network import membership
from network.org_change import OrgChangeError
from network.org_membership import ClaimsCheck

from .channel_fixtures import channel_config, crl_without_aki, with_crls
from .scripted_channel import ScriptedChannel, host, with_org_recorded
from .test_org_membership import _removal_file

CODE = "91110000MA1K00007E"


@pytest.fixture
def grown(topology, data_root):
    """bank2 added and recorded here: the channel's fifth org."""
    return with_org_recorded(topology, data_root, membership.new_org_spec(topology, "bank2", "bank", CODE))


def _locked(topology, data_root, config, *names):
    for name in names:
        pem = crl_without_aki(topology, data_root, name, 12345)
        config = with_crls(config, topology.org(name).msp_id, [pem])
    return config


def test_a_removal_leaving_too_few_admins_able_to_sign_is_refused_before_it_is_sent(
        grown, topology, data_root, fake_fabric, tmp_path):
    # supplier and coreenterprise locked out: bank, regulator and bank2 are the 3 of 5 that count today
    current = _locked(grown, data_root, channel_config(grown, data_root), "supplier", "coreenterprise")
    channel = ScriptedChannel(grown, current)
    channel.after = _locked(topology, data_root, channel_config(topology, data_root), "supplier",
                            "coreenterprise")
    members = host(grown, data_root, channel)
    assert members.fetch_config("bank") == current
    for attempt in (lambda: members.remove("bank2", claims=ClaimsCheck(skipped=True)),
                    lambda: members.plan_remove("bank2", claims=ClaimsCheck(skipped=True))):
        with pytest.raises(OrgChangeError) as refused:
            attempt()
        message = str(refused.value)
        assert message.startswith("once Bank2MSP has left the channel, its orgs could never change again: "
                                  "one level up, /Channel/Application/Admins (MAJORITY Admins) could "
                                  "remove and add "), message
        assert "Stopped before anything was sent: while Bank2MSP's admin still counts, repair" in message
        assert "it needs 3 of 4 org admins and only 2 other org(s) can sign" in message, message
        assert "repair CoreEnterpriseMSP, SupplierMSP first" in message, message
    assert channel.updates == [] and membership.load_state(data_root)["removed"] == []

    # a removal file written before the CRLs landed is refused where it is submitted
    path = _removal_file(members, channel_config(grown, data_root), "bank2", tmp_path)
    never_again = "once Bank2MSP has left the channel, its orgs could never change again"
    with pytest.raises(OrgChangeError, match=never_again):
        members.submit_update_file(path, channel_only=True, claims=ClaimsCheck(skipped=True))
    assert channel.updates == []


def test_a_removal_that_leaves_enough_admins_able_to_sign_goes_on(grown, topology, data_root, fake_fabric):
    current = _locked(grown, data_root, channel_config(grown, data_root), "supplier")      # 4 of 5 count
    members = host(grown, data_root, ScriptedChannel(grown, current))
    assert members.plan_remove("bank2", claims=ClaimsCheck(skipped=True)).verdict.ok
