"""`org remove --dry-run` / `--update-out` of an org already gone from the channel (removed from another host,
or a removal that stopped after its update went in) has no update to show or write: it is refused saying
that `org remove` itself finishes the removal here, rather than naming the channel's orgs and nothing to
do."""
from __future__ import annotations

import pytest

from network import crypto, membership
from network.org_change import OrgChangeError
from network.org_membership import ClaimsCheck

from . import test_org_remove_claims
from .channel_fixtures import channel_config
from .scripted_channel import ScriptedChannel, host
from .test_org_membership import _removal_file

grown = test_org_remove_claims.grown     # regulator2 added and recorded here


def test_a_dry_run_of_an_org_gone_from_the_channel_says_how_to_finish_its_removal(grown, topology, data_root,
                                                                                    fake_fabric):
    channel = ScriptedChannel(grown, channel_config(topology, data_root))       # without regulator2
    members = host(grown, data_root, channel)
    with pytest.raises(OrgChangeError) as refused:
        members.plan_remove("regulator2", claims=ClaimsCheck(skipped=True))
    assert str(refused.value) == (
        "Regulator2MSP is not in receivables's config (gone already): there is no update to show or sign. "
        "`recfin org remove regulator2` (without --dry-run and --update-out) finishes its removal here: it "
        "stops regulator2's chaincode servers and peers, deploys the chaincode without it and records it as "
        "removed")
    assert channel.updates == [] and membership.load_state(data_root)["removed"] == []

    said = []
    members.net.say = said.append
    assert members.remove("regulator2", claims=ClaimsCheck(skipped=True)) is None      # as the refusal says
    assert "regulator2" in membership.load_state(data_root)["removed"] and channel.updates == []
    assert any("is not in receivables's config: update skipped" in line for line in said)


@pytest.mark.parametrize("name, again", [("regulator2", "recfin org add regulator2 --role ROLE"),
                                          ("Regulator2MSP", "recfin org add regulator2 --role ROLE"),
                                          ("bank", "recfin org add bank --role bank")])
def test_an_org_whose_removal_finished_is_said_to_have_left(grown, topology, data_root, fake_fabric, name,
                                                            again):
    """Run again after its last step (or after a run whose end the operator did not see), `org remove` says
    the removal is finished and how the org comes back, not that the network knows no such org."""
    membership.record_removed(data_root, "regulator2")
    if name == "bank":
        bank2 = membership.new_org_spec(topology, "bank2", "bank", "91110000MA1K00007E")
        membership.record_added(data_root, bank2)
        membership.record_removed(data_root, "bank")
    now = membership.effective(topology, data_root)
    crypto.generate(now, data_root)
    channel = ScriptedChannel(now, channel_config(now, data_root))
    members = host(topology, data_root, channel)
    for attempt in (lambda: members.remove(name, claims=ClaimsCheck(skipped=True)),
                    lambda: members.plan_remove(name, claims=ClaimsCheck(skipped=True))):
        with pytest.raises(OrgChangeError) as refused:
            attempt()
        message = str(refused.value)
        assert f"has left the channel and {data_root} records it as removed: its removal is finished" \
            in message
        assert f"`{again}` brings it back" in message
    assert channel.updates == []


def test_submitting_a_removal_that_finished_says_so_as_org_remove_does(grown, topology, data_root,
                                                                       fake_fabric, tmp_path):
    """Submitted again once it went in and was recorded here, the file's removal is said to be finished, as
    `org remove` of the org says, not that --channel-only would submit it."""
    channel = ScriptedChannel(grown, channel_config(grown, data_root))
    channel.after = channel_config(topology, data_root)                 # the channel once regulator2 is gone
    members = host(topology, data_root, channel)
    path = _removal_file(members, members.fetch_config("bank"), "regulator2", tmp_path)
    members.submit_update_file(path, claims=ClaimsCheck(skipped=True))
    assert len(channel.updates) == 1 and "regulator2" in membership.load_state(data_root)["removed"]

    again = host(topology, data_root, channel)                          # the command run again
    refusals = []
    for attempt in (lambda: again.submit_update_file(path, claims=ClaimsCheck(skipped=True)),
                    lambda: again.remove("regulator2", claims=ClaimsCheck(skipped=True))):
        with pytest.raises(OrgChangeError) as refused:
            attempt()
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1]
    assert (f"Regulator2MSP) has left the channel and {data_root} records it as removed: its removal is "
            f"finished and nothing is left to do") in refusals[0]
    assert len(channel.updates) == 1
