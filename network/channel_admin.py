"""An admin's two `peer` CLI steps on the running channel's config: fetch it, submit an update.

Shared by onboarding (network/org_membership.py, as a peer org's admin) and batch tuning
(network/batch_tuning.py, as the orderer org's admin); `env` is the `peer` CLI environment of
the admin acting.
"""
from __future__ import annotations

from pathlib import Path

from fabric_protos.common import configtx_pb2

from client.atomic_file import make_folders

from . import channel_config, config_signing
from .control import Network
from .nodeconfig import orderer_client_args


def fetch_config(net: Network, env: dict[str, str], out: Path) -> configtx_pb2.Config:
    """The channel's current config, fetched from the ordering service into `out` and decoded."""
    net.fabric.require(("peer",))
    make_folders(out.parent)
    net.tools.run("peer", ["channel", "fetch", "config", str(out), "-c", net.topology.channel,
                           *orderer_client_args(net.topology, net.data_root)], env)
    return channel_config.config_from_block(out.read_bytes())


def submit_update(net: Network, env: dict[str, str], update_envelope: configtx_pb2.ConfigUpdateEnvelope,
                  path: Path) -> Path:
    """`peer channel update` with the update written to `path`. The CLI signs as the admin of `env`
    itself, so the envelope must not carry that admin's signature."""
    config_signing.write_update_file(path, net.topology.channel, update_envelope)
    net.tools.run("peer", ["channel", "update", "-f", str(path), "-c", net.topology.channel,
                           *orderer_client_args(net.topology, net.data_root)], env)
    return path
