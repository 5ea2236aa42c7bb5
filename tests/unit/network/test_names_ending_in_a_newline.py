"""Names and values Fabric, `ip` or a file path will see are matched whole: with re.match, "$" matches before a
final newline too, so "recfin\n" passed for "recfin" (Go's regexp, the peer's and the orderer's, refuses it)."""
import pytest

from network import namespaces, tuning
from network.errors import NamespaceError
from network.topology import listen_host_problem


def test_a_namespace_prefix_ending_in_a_newline_is_refused():
    with pytest.raises(NamespaceError, match="prefix"):
        namespaces.plan_orgs(["bank"], prefix="recfin\n")
    assert not namespaces.PREFIX_RE.match("recfin\n")    # what `recfin network netns` checks its --prefix by


def test_a_duration_ending_in_a_newline_is_refused():
    assert tuning.duration_seconds("2s") == 2
    with pytest.raises(ValueError, match="not a duration"):
        tuning.duration_seconds("2s\n")


def test_a_listen_host_ending_in_a_newline_is_refused():
    assert listen_host_problem("node.example.com") is None
    assert listen_host_problem("node.example.com\n") is not None
