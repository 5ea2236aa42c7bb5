"""An org definition is a JSON document: a key its org does not take (most often misspelt) is named with the keys the
org takes as a JSON object's, not in the words of the YAML topology ("is no key of this block")."""
import json

import pytest

from network import org_definition_file
from network.org_definition_file import OrgDefinitionError
from network.topology import PeerOrgSpec


def test_a_misspelt_key_of_the_org_is_no_key_of_its_object(tmp_path):
    path = tmp_path / "bank3.json"
    path.write_text(json.dumps({"format": org_definition_file.FORMAT,
                                "org": {"name": "bank3", "msp_id": "Bank3MSP", "domain": "bank3.example.com",
                                        "role": "financier", "chaincode_server_port": 9999,
                                        "peers": [{"name": "peer0", "port": 7051}], "users": [], "peerz": []}}))
    with pytest.raises(OrgDefinitionError) as refused:
        org_definition_file.read(path)
    said = str(refused.value)
    assert (f"{path} org: peerz: Extra inputs are not permitted: peerz is no key of this object, which takes "
            f"{', '.join(PeerOrgSpec.model_fields)}") in said, said
    assert "block" not in said, said
