"""A topology file refused is named as every message names a path: quoted with escapes where it begins or ends with
a space or holds a line break. The error line is trimmed, so ' topology.yaml' was named 'topology.yaml', a file of
another name, and 'topology.yaml ' looked like the file beside it."""

from __future__ import annotations

import pytest

from network import topology
from network.errors import TopologyError


@pytest.mark.parametrize("name", [" topology.yaml", "topology.yaml ", "topo\nlogy.yaml"])
def test_a_file_that_is_no_topology_is_named_quoted(tmp_path, name):
    path = tmp_path / name
    path.write_text("orgs: 3\n", encoding="utf-8")
    with pytest.raises(TopologyError) as refused:
        topology.load(path)
    lines = str(refused.value).splitlines()   # one a problem
    assert len(lines) == 3 and all(line.startswith(f"{name!r}: ") for line in lines), str(refused.value)


def test_a_file_that_is_not_valid_yaml_is_named_quoted(tmp_path):
    path = tmp_path / " topology.yaml"
    path.write_text("orgs: [\n", encoding="utf-8")
    with pytest.raises(TopologyError, match=r"^' topology\.yaml': not valid YAML"):
        topology.load(path)


def test_a_file_that_cannot_be_read_is_named_quoted(tmp_path):
    path = tmp_path / "topology.yaml "
    with pytest.raises(TopologyError) as refused:
        topology.load(path)
    assert str(refused.value) == f"cannot read topology {str(path)!r}: No such file or directory"
