"""`recfin org add` run again for an org the channel took, whose spec membership.yaml records (an add
stopped after its update went in, at its peer or its chaincode, or one that finished): it goes on with the
recorded spec, the one the admins signed. A --role or --enterprise other than that spec's is refused naming
the first ones, not passed over with the org reported added as what it was not.
"""
from __future__ import annotations

import pytest

from network import membership
from network.errors import NetworkError

from .channel_fixtures import channel_config
from .scripted_channel import BANK2_CODE, ScriptedChannel, host, with_org_recorded

OTHER_CODE = "91310000MA1K00008F"


@pytest.fixture
def members(fake_fabric, topology, data_root, monkeypatch):
    """bank2 added as a bank acting for BANK2_CODE: in the channel's config and recorded here, its steps
    after the update stopped (they are what a run again does, recorded instead)."""
    bank2 = membership.new_org_spec(topology, "bank2", "bank", BANK2_CODE)
    grown = with_org_recorded(topology, data_root, bank2)
    members = host(membership.effective(topology, data_root), data_root,
                   ScriptedChannel(grown, channel_config(grown, data_root)))
    members.finished = []
    monkeypatch.setattr(members, "_after_add", lambda spec, _grown: members.finished.append(spec))
    return members


@pytest.mark.parametrize("role, enterprise, given", [
    ("supplier", OTHER_CODE, "--role supplier"),
    ("supplier", None, "--role supplier"),
    ("bank", OTHER_CODE, f"--enterprise {OTHER_CODE}"),
])
def test_an_add_run_again_with_another_role_or_enterprise_than_recorded_is_refused(members, data_root, role,
                                                                                    enterprise, given):
    recorded = membership.load_state(data_root)
    for attempt in (lambda: members.add("bank2", role, enterprise),
                    lambda: members.plan_add("bank2", role, enterprise, throwaway_crypto=True)):   # --dry-run
        with pytest.raises(NetworkError) as refused:
            attempt()
        message = str(refused.value)
        assert message.startswith(f"bank2 was added to the channel as a bank org whose users act for "
                                  f"{BANK2_CODE} ({membership.state_path(data_root)} records the spec the "
                                  f"admins signed), not with {given}: "), message
        finish = f"Run `recfin org add bank2 --role bank --enterprise {BANK2_CODE}` to finish its add here"
        assert finish in message
    assert members.finished == [] and membership.load_state(data_root) == recorded


@pytest.mark.parametrize("enterprise", [BANK2_CODE, None])
def test_an_add_run_again_as_recorded_goes_on_with_the_recorded_spec(members, enterprise):
    assert members.add("bank2", "bank", enterprise) is None       # the update is in: only the steps after it
    [spec] = members.finished
    assert spec.role == "financier" and membership.enterprises_of(spec) == [BANK2_CODE]
