"""`recfin org bundle ORG --data-root DIR` on a folder without the network's crypto said to run `recfin network prepare
--hostnames`, which writes the default hosts folder, not DIR: run as said, the next bundle met the same refusal. It
names DIR in the command, and the other way out: giving --data-root the folder that was prepared."""
from __future__ import annotations

import pytest

from network import bundle
from network.errors import NetworkError


def test_the_prepare_said_is_of_the_folder_given(hosts, tmp_path):
    root = tmp_path / "not prepared"
    root.mkdir()
    with pytest.raises(NetworkError) as refused:
        bundle.write(hosts, root, "supplier", tmp_path / "out")
    said = str(refused.value)
    assert f"run `recfin network prepare --hostnames --data-root '{root}'`" in said, said
    assert "give --data-root the folder it was prepared in" in said
    assert not (tmp_path / "out").exists()
