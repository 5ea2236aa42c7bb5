"""What of a native data folder's path reaches Fabric as written, and what it would misread.

The native runtime hands Fabric the data folder's paths four ways: environment variables (the orderer's CA lists
among them, which its config parser splits at every comma), FABRIC_CFG_PATH (which the peer's viper, 1.20 in
Fabric 3, passes through Go's os.ExpandEnv), YAML values (core.yaml's external builder, configtx.yaml's MSP folders
and consenter certificates) and configtxgen's -configPath (joined to "configtx.yaml" as given). The chaincode
servers are recfin's own Python processes, which open the paths their environment names as they are.

A folder Fabric would misread is refused by `up` and `prepare` before anything is written: a refused one is left
as it was, not created, marked or given crypto material a later run would take as the network's."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli.network_commands import network as network_group
from network import builder, configtx, nodeconfig
from network.control import Network
from network.errors import NetworkError
from network.fabric_bin import FabricInstall

from .test_orderer_list_variables import as_fabric_reads

# Go's isShellSpecialVar: a `$` before one of these stands for that one-character variable.
_GO_SPECIAL = set("*#$@!?-0123456789")


def _go_shell_name(text: str) -> tuple[str, int]:
    """Go's os.getShellName: the variable name after a `$` and how many characters it takes."""
    if text[0] == "{":
        if len(text) > 2 and text[1] in _GO_SPECIAL and text[2] == "}":
            return text[1], 3
        for end in range(1, len(text)):
            if text[end] == "}":
                return ("", 2) if end == 1 else (text[1:end], end + 1)
        return "", 1
    if text[0] in _GO_SPECIAL:
        return text[0], 1
    end = 0
    while end < len(text) and (text[end] == "_" or (text[end].isascii() and text[end].isalnum())):
        end += 1
    return text[:end], end


def as_viper_adds_config_path(path: str, env: dict[str, str]) -> str:
    """FABRIC_CFG_PATH as the peer's viper looks for core.yaml there: Go's os.ExpandEnv of it (absPathify)."""
    out, start, at = [], 0, 0
    while at < len(path):
        if path[at] == "$" and at + 1 < len(path):
            out.append(path[start:at])
            name, width = _go_shell_name(path[at + 1:])
            if name:
                out.append(env.get(name, ""))
            elif width == 0:
                out.append("$")     # no name follows: Go keeps the `$`
            at += width
            start = at + 1
        at += 1
    return "".join(out) + path[start:]


# Each a folder name under which every path recfin hands Fabric reaches it as written.
READ_AS_WRITTEN = ["with spaces", "colon:in", "it's", 'say "hi"', "new\nline", "tab\there", "hash #1", "café",
                   "[brackets]", "back\\slash", "price$", "cost$/x", "a$.b", "a$ b", "a$é"]


@pytest.mark.parametrize("name", READ_AS_WRITTEN)
def test_a_data_folder_fabric_reads_as_written_is_taken(name, topology, crypto_root, fake_fabric, tmp_path):
    root = tmp_path / name / "network"
    shutil.copytree(crypto_root, root)
    assert nodeconfig.data_root_path_problem(root) is None
    builder.install(root)
    config = FabricInstall.locate().config_dir
    for node in topology.nodes():
        folder = nodeconfig.write_node_config(topology, root, node, config)
        env = nodeconfig.node_env(topology, root, node)
        assert as_viper_adds_config_path(env["FABRIC_CFG_PATH"], dict(os.environ)) == str(folder)
        for variable in nodeconfig.ORDERER_LIST_VARIABLES if node.kind == "orderer" else ():
            [ca] = as_fabric_reads(env[variable])
            assert Path(ca).is_file(), variable
        if node.kind == "peer":
            [built] = yaml.safe_load((folder / "core.yaml").read_text())["chaincode"]["externalBuilders"]
            assert Path(built["path"]) == nodeconfig.builder_dir(root)
            assert (Path(built["path"]) / "bin" / "detect").is_file()
    config_path = configtx.write(topology, root)
    # configtxgen's config parser joins -configPath and "configtx.yaml" as given, expanding nothing
    args = configtx.configtxgen_args(config_path, topology.channel, root / "channel" / "block")
    assert (Path(args[args.index("-configPath") + 1]) / "configtx.yaml").is_file()
    profile = yaml.safe_load((config_path / "configtx.yaml").read_text())["Profiles"][configtx.PROFILE]
    orgs = profile["Orderer"]["Organizations"] + profile["Application"]["Organizations"]
    assert all((Path(org["MSPDir"]) / "cacerts").is_dir() for org in orgs)
    consenters = profile["Orderer"]["EtcdRaft"]["Consenters"]
    assert all(Path(c["ClientTLSCert"]).is_file() and Path(c["ServerTLSCert"]).is_file() for c in consenters)


@pytest.mark.parametrize("path, expanded", [
    ("/srv/a$b/network", True), ("/srv/${X}/network", True), ("/srv/${}/network", True), ("/srv/${x/n", True),
    ("/srv/a$1/network", True), ("/srv/a$$/network", True), ("/srv/a$-/network", True), ("/srv/a$_x/network", True),
    ("/srv/price$/network", False), ("/srv/a$.b/network", False), ("/srv/a$ b/network", False),
    ("/srv/a$é/network", False), ("/srv/network$", False),
])
def test_a_dollar_is_refused_where_the_peers_viper_would_replace_it(path, expanded):
    assert (as_viper_adds_config_path(path, {}) != path) is expanded
    problem = nodeconfig.data_root_path_problem(Path(path))
    assert (problem is not None) is expanded
    if expanded:
        assert problem == (f"the data folder's path holds a $ ({path}): each peer, and the `peer` CLI recfin runs "
                           f"as an org's admin, finds its core.yaml under it through FABRIC_CFG_PATH, in which "
                           f"Fabric's config reader (viper) replaces $NAME and ${{NAME}} with that variable's value, "
                           f"so it would look for its configuration in another folder; point --data-root, the "
                           f"topology's data_root or RECFIN_HOME at a folder whose path has no $")


def test_a_data_folder_whose_name_is_not_utf8_cannot_be_spelled_in_a_yaml_file(topology, crypto_root, fake_fabric,
                                                                               tmp_path):
    root = tmp_path / os.fsdecode(b"caf\xe9") / "network"
    shutil.copytree(crypto_root, root)
    peer = topology.peers()[0]
    core = nodeconfig.write_node_config(topology, root, peer, FabricInstall.locate().config_dir) / "core.yaml"
    [built] = yaml.safe_load(core.read_text())["chaincode"]["externalBuilders"]
    # YAML text is Unicode: the byte 0xE9 is written as the code point U+DCE9, a lone surrogate no UTF-8 reader
    # (Go's yaml among them) takes back as that byte
    assert "\\uDCE9" in core.read_text()
    with pytest.raises(UnicodeEncodeError):
        built["path"].encode("utf-8")
    for native in (True, False):
        assert nodeconfig.data_root_path_problem(root, native=native) == (
            rf"the data folder's path is not UTF-8 ({tmp_path}/caf\xe9/network): configtx.yaml"
            + (" and each core.yaml" if native else "") + " name files under it, and a YAML file holds UTF-8 text "
            f"only, so configtxgen{' and the peers' if native else ''} would look for those files under another "
            "name; point --data-root" + (", the topology's data_root or RECFIN_HOME" if native else
                                         " or RECFIN_HOSTS_DATA") + " at a folder whose path is UTF-8")


def test_a_compose_data_folder_is_not_refused_for_a_comma(tmp_path):
    """Its nodes run in containers, which see it at /var/recfin: here configtxgen reads its paths, and the `peer`
    CLI finds its core.yaml there, neither from a list."""
    assert nodeconfig.data_root_path_problem(tmp_path / "a,b" / "hosts", native=False) is None


def test_a_compose_data_folder_with_a_dollar_is_refused_for_the_peer_cli_run_from_it(hosts, tmp_path):
    """`network compose-up` runs the `peer` CLI as each org's admin with FABRIC_CFG_PATH in the hosts data folder
    (bundle_host.prepare_peer_cli puts core.yaml there): viper expands it as it does a peer's."""
    root = tmp_path / "ops$team" / "hosts"
    config_path = nodeconfig.peer_admin_env(hosts, root, hosts.peers()[0].org_name)["FABRIC_CFG_PATH"]
    assert Path(config_path).is_relative_to(root)
    assert as_viper_adds_config_path(config_path, {}) != config_path
    assert nodeconfig.data_root_path_problem(root, native=False) == (
        f"the data folder's path holds a $ ({root}): the `peer` CLI recfin runs as an org's admin finds its core.yaml "
        f"under it through FABRIC_CFG_PATH, in which Fabric's config reader (viper) replaces $NAME and ${{NAME}} with "
        f"that variable's value, so it would look for its configuration in another folder; point --data-root or "
        f"RECFIN_HOSTS_DATA at a folder whose path has no $")


REFUSED = {"comma": "receivables,2026", "dollar": "ops$team", "not UTF-8": os.fsdecode(b"caf\xe9")}


def _untouched(top: Path) -> None:
    assert not top.exists(), sorted(str(p) for p in top.rglob("*"))


@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_up_refuses_before_anything_is_written(name, topology, fake_fabric, tmp_path, monkeypatch):
    top = tmp_path / name
    monkeypatch.setattr(Network, "_up", lambda self: pytest.fail("went on"))
    net = Network(topology, data_root=top / "network", fabric=FabricInstall.locate(), say=lambda _: None)
    with pytest.raises(NetworkError) as refused:
        net.up()
    assert str(refused.value) == nodeconfig.data_root_path_problem(top / "network")
    _untouched(top)


def test_prepare_refuses_before_anything_is_written(topology, fake_fabric, tmp_path, monkeypatch):
    top = tmp_path / "receivables,2026"
    monkeypatch.setattr(Network, "_prepare", lambda self, node_config: pytest.fail("went on"))
    net = Network(topology, data_root=top / "network", fabric=FabricInstall.locate(), say=lambda _: None)
    with pytest.raises(NetworkError, match=r"^the data folder's path holds a comma \("):
        net.prepare()
    _untouched(top)


@pytest.mark.parametrize("command", [["up"], ["prepare", "--data-root", "{root}"]])
def test_the_commands_refuse_a_comma_once_leaving_the_folder_untouched(command, fake_fabric, tmp_path, monkeypatch):
    top = tmp_path / "receivables,2026"
    monkeypatch.setenv("RECFIN_HOME", str(top))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    monkeypatch.setattr(Network, "_prepare", lambda self, node_config: pytest.fail("went on"))
    monkeypatch.setattr(Network, "_up", lambda self: pytest.fail("went on"))
    root = top / "network"
    result = CliRunner().invoke(network_group, [arg.format(root=root) for arg in command])
    assert result.exit_code == 1, result.output
    assert result.output.count("holds a comma") == 1
    assert f"the data folder's path holds a comma ({root}): the orderer reads its CA files" in result.output
    _untouched(top)


def test_prepare_hostnames_takes_a_folder_with_a_comma(fake_fabric, tmp_path, monkeypatch):
    """The compose network's folder: refused neither before nor after its crypto material (configtxgen, a
    placeholder here, is what stops it)."""
    root = tmp_path / "receivables,2026" / "hosts"
    result = CliRunner().invoke(network_group, ["prepare", "--hostnames", "--data-root", str(root)])
    assert "comma" not in result.output
    assert (root / "crypto").is_dir() and (root / "config" / "configtx.yaml").is_file()


def test_prepare_hostnames_refuses_a_folder_with_a_dollar_leaving_it_untouched(fake_fabric, tmp_path):
    top = tmp_path / "ops$team"
    root = top / "hosts"
    result = CliRunner().invoke(network_group, ["prepare", "--hostnames", "--data-root", str(root)])
    assert result.exit_code == 1, result.output
    assert result.output.count(f"the data folder's path holds a $ ({root}): ") == 1
    _untouched(top)
