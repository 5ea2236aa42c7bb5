"""Which failures of the Node client's install say the machine lacks Node.js (NodeUnavailableError: the integration
test skips on it alone) and which are failures of something that should have worked (a plain NodeClientError: a
failing `npm ci` on bench/node's own lock file fails the test)."""
import pytest

from bench import node_compare

from .test_bench_network_checks import a_path_holding


def a_node_folder(tmp_path):
    """bench/node as install() finds it before its first run: a lock file, no node_modules."""
    folder = tmp_path / "node"
    folder.mkdir()
    (folder / "package-lock.json").write_text("{}")
    return folder


@pytest.mark.parametrize("tools, named", [
    ({}, "node not found on PATH"),
    ({"node": "echo v18.19.0"}, "is Node.js v18.19.0; the Node client needs 20 or later"),
    ({"node": "echo v20.11.1"}, "npm not found on PATH"),
], ids=["no node", "node too old", "no npm"])
def test_no_node_an_old_node_or_no_npm_is_node_unavailable(tmp_path, monkeypatch, tools, named):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", **tools))
    with pytest.raises(node_compare.NodeUnavailableError, match=named):
        node_compare.install(a_node_folder(tmp_path))


def test_a_failing_npm_is_a_node_client_error_but_not_node_unavailable(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", a_path_holding(tmp_path / "bin", node="echo v20.11.1",
                                              npm="echo 'npm error Invalid package-lock.json' >&2; exit 1"))
    with pytest.raises(node_compare.NodeClientError, match="npm ci in .* failed") as caught:
        node_compare.install(a_node_folder(tmp_path))
    assert not isinstance(caught.value, node_compare.NodeUnavailableError)
