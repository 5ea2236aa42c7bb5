"""Finish the compose network once its containers run: join the channel and deploy the chaincode.

`docker compose up -d` starts the orderers, peers and chaincode servers of docker-compose.yaml;
what `recfin network up` and `recfin chaincode deploy` do next on the native runtime is left to
do. `ComposeUp.run` does it from the Docker machine, with the Fabric CLIs there:

1. wait until every orderer's and peer's operations endpoint answers /healthz;
2. join each orderer with osnadmin as the orderer admin, then wait for a Raft leader;
3. join each peer as its org's admin;
4. for each org, install its package and approve the definition;
5. commit it, endorsed by every org's peer.

Each step is one that already exists: the orderer joins are the native runtime's
(network/channel.py), the rest is what a company's admin does from its bundle
(network/bundle_host.py), since the hosts data folder is every org's bundle at once. Nodes are
dialled as the Docker machine reaches them (`compose.from_docker_host`: localhost and the
published ports). The package, version and policy are those `recfin network prepare
--hostnames` wrote and `recfin chaincode config` derives. Everything done already is left
alone, so a second run changes nothing and says so.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import channel, compose, configtx, membership, probes
from .bundle_host import BundleHost, HostOperations
from .containers import CHECK_THE_DAEMON, DockerCouldNotTell, DockerNotAnswering, run_docker
from .errors import NetworkError, NodeTimeoutError, ToolError, shell_word, shell_words
from .tools import Tools, last_error_line
from .topology import Node, Topology


@dataclass
class ComposeReport:
    channel: str
    chaincode: str
    version: str
    sequence: int
    raft_leader: str | None
    orderers_joined: dict[str, bool] = field(default_factory=dict)    # node -> joined now
    peers_joined: dict[str, bool] = field(default_factory=dict)
    installed: dict[str, bool] = field(default_factory=dict)          # MSP ID -> installed now
    approved: dict[str, bool] = field(default_factory=dict)           # MSP ID -> approved now
    committed_now: bool = False

    @property
    def changed(self) -> bool:
        return self.committed_now or any([*self.orderers_joined.values(), *self.peers_joined.values(),
                                          *self.installed.values(), *self.approved.values()])

    def summary(self) -> dict:
        return {"channel": self.channel, "chaincode": self.chaincode, "version": self.version,
                "sequence": self.sequence, "raft_leader": self.raft_leader, "changed": self.changed,
                "orderers_joined_now": sorted(n for n, now in self.orderers_joined.items() if now),
                "peers_joined_now": sorted(n for n, now in self.peers_joined.items() if now),
                "installed_now": sorted(m for m, now in self.installed.items() if now),
                "approved_now": sorted(m for m, now in self.approved.items() if now),
                "committed_now": self.committed_now}


# Docker's option of `up` and `down` that also takes the project's containers of services the compose file no
# longer defines: without it both leave a removed org's containers running.
REMOVE_ORPHANS = "--remove-orphans"


def docker_compose(compose_file: Path, data_root: Path, args: list[str], say: Callable[[str], None], *,
                   without_docker: str, timeout: float, after_failure: str = "", after_timeout: str = "",
                   run: Callable[..., subprocess.CompletedProcess] = run_docker) -> subprocess.CompletedProcess:
    """`docker compose -f FILE ARGS...`, with the compose file's data folder variable naming data_root; returns
    what ran (its `args` are the command, its stdout what docker printed).

    A failure is one line: `docker compose ARGS failed:` and docker's telling line, then
    after_failure (what to do); without_docker says what to do where docker is not installed. Docker still
    running after timeout seconds (a daemon that does not answer) is killed and DockerNotAnswering raised: its line
    names the command and the time, says to check `docker info`, then after_timeout (what may be half done, what
    to do)."""
    if ":" in str(data_root):
        # Compose reads a volume as HOST:CONTAINER[:MODE], split at every colon, and the file mounts from data_root.
        # The link is offered in the user's home: in /tmp another user could have made its name a folder of theirs
        # first, `ln -s` would put the link inside it, and --data-root would name their folder and its keys.
        link = "~/" + shell_word(f"recfin-hosts-{data_root.name.replace(':', '-')}")
        raise NetworkError(f"the data folder {shell_word(data_root)} holds a ':' in its path, which Docker Compose's "
                           f"volume syntax (HOST:CONTAINER:ro) cannot name: give --data-root a path without one, such as a "
                           f"link to it (`ln -s {shell_word(data_root)} {link}`, then --data-root {link})")
    if run is run_docker and shutil.which("docker") is None:
        raise NetworkError(f"docker is not installed here: {without_docker}")
    argv = ["docker", "compose", "-f", str(compose_file), *args]
    say(f"{shell_words(argv)}  ({compose.DATA_VARIABLE}={shell_word(data_root)})")
    try:
        done = run(argv, env=os.environ | {compose.DATA_VARIABLE: str(data_root)}, capture_output=True, text=True,
                   timeout=timeout)
    except subprocess.TimeoutExpired:
        raise DockerNotAnswering(argv, timeout, f"docker compose {' '.join(args)} did not finish within {timeout:g}s "
                                                f"and was stopped: {CHECK_THE_DAEMON}"
                                                + (f"; {after_timeout}" if after_timeout else "")) from None
    if done.returncode != 0:
        raise NetworkError(f"docker compose {' '.join(args)} failed: {last_error_line(done.stderr or done.stdout)}"
                           + (f"; {after_failure}" if after_failure else ""))
    return subprocess.CompletedProcess(argv, done.returncode, done.stdout, done.stderr)


# `up -d` with fresh anonymous volumes. The official Fabric images declare VOLUME /etc/hyperledger/fabric (and
# /var/hyperledger), where the peers' core.yaml and the orderers' orderer.yaml are read: a container recreated for
# a new image would otherwise keep the old release's files there. Nothing kept is lost: each node's ledger, Raft
# WAL and snapshots are in its named volume (compose.node_mounts; CORE_PEER_FILESYSTEMPATH,
# CORE_LEDGER_SNAPSHOTS_ROOTDIR, ORDERER_FILELEDGER_LOCATION and ORDERER_CONSENSUS_WALDIR/SNAPDIR point there), its
# crypto is mounted from the data folder (the channel block stays on the host), and the chaincode image declares
# no volume.
# --remove-orphans: the containers of services the compose file no longer names (an org removed since, its peer
# and chaincode server left out when the file was written again) are stopped and removed, not left running.
UP_ARGS = ["up", "-d", "--renew-anon-volumes", REMOVE_ORPHANS]


def services_not_the_channels(compose_file: Path, channel_topology: Topology, data_root: Path) -> str | None:
    """Why compose_file does not run the nodes of channel_topology (the topology with the orgs data_root's
    membership.yaml records), None when its services are theirs. The committed docker-compose.yaml is topology.yaml's
    alone: once an org is added, it has no service for the org's peers and chaincode server, whose /healthz
    compose-up would wait for in vain; once an org is removed, `up` would start its peer and chaincode server again."""
    try:
        document = yaml.safe_load(compose_file.read_text(encoding="utf-8"))
        services = set(document["services"])
    except (OSError, UnicodeDecodeError, yaml.YAMLError, TypeError, KeyError) as exc:
        return f"{compose_file} cannot be read as a compose file with services ({type(exc).__name__}: {exc})"
    expected = set(compose.build(channel_topology)["services"])
    if services == expected:
        return None
    missing, extra = sorted(expected - services), sorted(services - expected)
    differences = ([f"it has no service for {', '.join(missing)} (an org added since it was written?)"] if missing
                   else []) + ([f"its services {', '.join(extra)} are no node of the channel (an org removed since "
                                f"it was written?)"] if extra else [])
    return (f"{compose_file} does not run the channel's nodes as {data_root} records them: {'; '.join(differences)}. "
            f"Write the channel's compose file with `recfin network compose --data-root {shell_word(data_root)} --write "
            f"--output FILE` and give --compose-file FILE")


# How long `up -d` may take: on a first start, or after an upgrade, it pulls the official Fabric images of the pinned
# release (a few hundred MB) and builds the chaincode server's image (pip installs its requirements), which on a slow
# link takes minutes; once they are there, it takes seconds. Only a daemon that does not answer takes longer.
UP_TIMEOUT = 900.0


def start_containers(compose_file: Path, data_root: Path, say: Callable[[str], None],
                     run: Callable[..., subprocess.CompletedProcess] = run_docker, *,
                     timeout: float | None = None) -> None:
    """`docker compose -f FILE up -d --renew-anon-volumes --remove-orphans` (UP_ARGS), with the compose file's
    data folder variable naming data_root; docker not done within timeout seconds (UP_TIMEOUT without one) is stopped
    (DockerNotAnswering)."""
    if not compose_file.is_file():
        raise NetworkError(f"{shell_word(compose_file)} does not exist: write it with `recfin network compose --write`")
    docker_compose(compose_file, data_root, UP_ARGS, say, run=run,
                   timeout=UP_TIMEOUT if timeout is None else timeout,
                   without_docker=f"run `docker compose {' '.join(UP_ARGS)}` on the Docker machine, then this command "
                                  f"without --start",
                   after_timeout=f"some containers may have been created and started (`docker compose -f "
                                 f"{shell_word(compose_file)} ps` lists them); this run recorded none of them for "
                                 f"`recfin network down` (a record an earlier compose-up wrote stays) and joined no "
                                 f"node to the channel: run `recfin network compose-up --start` "
                                 f"again once docker answers (it goes on from what is there), or remove them with "
                                 f"`docker compose -f {shell_word(compose_file)} down`")


class ComposeUp:
    """The compose network's channel joins and chaincode deployment, from the Docker machine."""

    def __init__(self, topology: Topology, data_root: Path, tools: Tools, *,
                 say: Callable[[str], None] = lambda _: None, timeout: float = 60.0, poll_interval: float = 0.5,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 on_running: Callable[[], None] = lambda: None):
        self.data_root = Path(data_root).absolute()     # Fabric reads relative paths against its config folder
        # The channel's orgs as this folder records them, reached as the Docker machine reaches them.
        self.services = membership.effective(topology.on_hosts(), self.data_root)
        self.topology = compose.from_docker_host(self.services)
        self.tools, self.say, self.timeout = tools, say, timeout
        self.poll_interval, self.clock, self.sleep = poll_interval, clock, sleep
        # Called once every node has answered /healthz: the containers run, so the CLI records them for
        # `recfin network down` (network/compose_down.py).
        self.on_running = on_running

    def service(self, node: Node) -> str:
        """The compose service (and container) name of a node: its hostname. Hints name the container to
        `docker logs`, not the service to `docker compose logs`: that reads the compose file of the folder it
        is run in, not necessarily the one the containers run from (--compose-file)."""
        return self.services.node(node.name).hostname

    def _wait(self, check: Callable[[], bool], failure: Callable[[], str]) -> None:
        deadline = self.clock() + self.timeout
        while not check():
            if self.clock() >= deadline:
                raise NodeTimeoutError(failure())
            self.sleep(self.poll_interval)

    def block(self) -> Path:
        path = configtx.genesis_block_path(self.data_root, self.topology.channel)
        if not path.is_file():
            raise NetworkError(f"{path} is missing: run `recfin network prepare --hostnames` for {self.data_root} "
                               f"before `docker compose up -d`")
        return path

    # ---- the steps ------------------------------------------------------------------------
    def wait_healthy(self) -> None:
        for node in self.topology.nodes():
            self._wait(lambda n=node: probes.healthy(n.operations_address), lambda n=node: (
                f"{n.name} did not answer /healthz at {n.operations_address} with OK within {self.timeout:g}s: "
                f"see `docker ps -a` and `docker logs {self.service(n)}`"))
            self.say(f"  {node.name} healthy at {node.operations_address}")

    def join_orderers(self, block: Path) -> dict[str, bool]:
        out = {}
        for node in self.topology.orderers():
            try:
                out[node.name] = channel.join_orderer(self.tools, self.topology, self.data_root, node, block)
            except ToolError as exc:
                raise exc.about(f"{node.name} ({node.admin_address}) did not join {self.topology.channel}") from None
            self.say(f"  {node.name} ({node.admin_address}): "
                     f"{'joined' if out[node.name] else 'already joined'} {self.topology.channel}")
        return out

    def wait_for_raft_leader(self) -> str | None:
        first = self.topology.orderers()[0]
        self._wait(lambda: channel.raft_leader(self.topology) is not None, lambda: (
            f"no Raft leader on {self.topology.channel} within {self.timeout:g}s after the orderers joined: "
            f"see `docker logs {self.service(first)}`"))
        leader = channel.raft_leader(self.topology)
        self.say(f"  Raft leader: {leader.name if leader else 'elected'}")
        return leader.name if leader else None

    def org_admins(self) -> list[HostOperations]:
        """Each org's admin acting from the data folder, as from its bundle."""
        return [HostOperations(BundleHost.in_data_folder(self.data_root, self.topology, org.name), self.tools,
                               self.say) for org in self.topology.orgs]

    def run(self) -> ComposeReport:
        topo = self.topology
        block = self.block()
        admins = self.org_admins()        # checks every org's package before anything is changed
        first = admins[0]
        report = ComposeReport(topo.channel, first.host.chaincode_name, first.host.chaincode_version, 0, None)
        self.say(f"[1/5] wait for /healthz (up to {self.timeout:g}s each)")
        self.wait_healthy()
        try:
            self.on_running()
        except DockerNotAnswering as hung:
            # asked whether the containers run from the compose file, to record them for `recfin network down`
            raise DockerNotAnswering(hung.cmd, hung.timeout, (
                f"{hung}; every node answers /healthz, but this run neither recorded the network for `recfin network "
                f"down` (a record an earlier compose-up wrote stays) nor joined any node to {topo.channel}: run `recfin network compose-up` again once docker "
                f"answers")) from None
        except DockerCouldNotTell as unknown:
            # containers run, maybe from another compose file: joining them goes on, unrecorded, as when docker
            # says they run from another file
            self.say(f"  not recorded for `recfin network down`: {unknown}; once docker answers `docker inspect`, "
                     f"run `recfin network compose-up` again to record them, or stop them with `docker compose down`")
        self.say(f"[2/5] orderers join {topo.channel} (osnadmin, as the orderer admin)")
        report.orderers_joined = self.join_orderers(block)
        report.raft_leader = self.wait_for_raft_leader()
        self.say(f"[3/5] peers join {topo.channel} (as each org's admin)")
        for admin in admins:
            report.peers_joined |= admin.join()
        self.say(f"[4/5] install and approve {report.chaincode} {report.version} (as each org's admin)")
        for admin in admins:
            approval = admin.approve()
            report.installed[admin.host.msp_id] = approval.installed_now
            report.approved[admin.host.msp_id] = approval.approved_now
        self.say(f"[5/5] commit {report.chaincode} {report.version}")
        sequence, committed = first.approval_target()
        if committed is None:
            report.sequence, report.committed_now = first.commit(), True
            self.say(f"  committed at sequence {report.sequence}")
        else:
            report.sequence = sequence
            self.say(f"  already committed at sequence {sequence}")
        return report
