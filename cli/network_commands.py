"""`recfin network ...`: bring the Fabric network up and down, and look at it."""
from __future__ import annotations

from typing import TYPE_CHECKING

import os
from collections.abc import Callable
from pathlib import Path

import click
from click.core import ParameterSource

from client.user_files import on_one_line
from network.backup_archive import NotABackupArchive
from network.default_paths import TOPOLOGY_VARIABLE
from network.errors import (NamespaceError, NetworkError, ProcessesNotStoppedError, TopologyError, first_few,
                            shell_word)
from network.fabric_bin import FabricInstall
from network.namespace_defaults import DEFAULT_PREFIX, DEFAULT_SUBNET, PREFIX_RE
from network.supervisor import log_hint, unrecorded_under
from network.tools import Tools

from .options import OutputFileType, PathType, ReadWhenShown, WholeNumberRange, timeout_option
from .output import as_typed, emit, emit_report, file_refused, one_line, progress, reports_errors

if TYPE_CHECKING:
    from network import Network, compose_down
    from network.control import NodeStatus
    from network.topology import Topology

STATUS_COLUMNS = ("name", "org", "kind", "address", "pid", "healthy", "height")


def topology_option(fn):
    return click.option("--topology", "topology_path", type=PathType(dir_okay=False, path_type=Path, reads=True),
                        envvar=TOPOLOGY_VARIABLE, default=None, callback=_a_topology,
                        help=f"Topology file (default: network/topology.yaml; env {TOPOLOGY_VARIABLE}). One that "
                             "cannot be read or is no valid topology is a usage error (exit 2).")(fn)


def _a_topology(ctx: click.Context, param: click.Parameter, path: Path | None) -> Path | None:
    """--topology's file, checked to be a topology before the command runs, as every command reads it: one
    that cannot be read or is no valid topology is a usage error naming --topology and what is wrong (exit
    2), not one line exiting 1, the code of what a command itself answers. Each command loads it again where
    it uses it; the packaged topology (None), which no option named, is not read here."""
    if path is None:
        return None
    from network.topology import load as load_topology

    try:
        load_topology(path)
    except TopologyError as exc:
        given_by = (f"given by {TOPOLOGY_VARIABLE}: "
                    if ctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT else "")
        raise file_refused("--topology", f"{given_by}{one_line(exc)}") from None
    return path


def open_network(topology_path: Path | None, as_json: bool = False, timeout: float = 60.0) -> Network:
    from network import Network

    return Network.load(topology_path, say=progress(as_json), timeout=timeout)


@click.group()
def network() -> None:
    """Run the Fabric network as native processes, or prepare it for docker compose.

    Three Raft orderers and one peer per org (CoreEnterprise, Supplier, Bank, Regulator) on 127.0.0.1;
    `prepare --hostnames` and `compose` give the same topology addressed by hostname, and
    `compose-up` joins and deploys it once `docker compose up -d` has started it.

    \b
    Example:
      recfin network up
      recfin network status --json
    """


@network.command()
@topology_option
@timeout_option("Seconds to wait for each node or signal.")
@click.option("--json", "as_json", is_flag=True, help="Print the final status as JSON.")
@reports_errors
def up(topology_path, timeout, as_json):
    """Start the network and join the channel (idempotent).

    Nodes already running and healthy are left alone; one line per step, then a status table
    (a node running outside the topology named on stderr, as `status` does). A peer or orderer
    already running that does not answer /healthz within --timeout (hung) is not restarted: up
    fails naming its pid and how to start it afresh (`kill -- -PID`, or `down`, then `up`). A node or
    chaincode server whose process exited without `down` (a crash, a kill, a restart of the
    machine) is said to have exited, with its log and what the log says, before it is
    started again on the kept ledgers. A chaincode server of a committed chaincode found running
    whose operations endpoint accepts connections but whose /healthz has not answered OK within
    --timeout is hung (every transaction its org's peer sends it fails): its process group is
    stopped, saying why, and it is started afresh. One whose operations endpoint accepts
    nothing (started before servers had /healthz) is left alone once it listens, and named on
    stderr with the `recfin chaincode restart` that starts it afresh.
    Stopped midway (Ctrl-C, SIGTERM, SIGHUP), it says which nodes and chaincode servers it started
    run on: `up` again goes on from there, `down` stops them.
    A data folder (the topology's data_root, else $RECFIN_HOME/network or .recfin/network) holding
    files the network did not write is refused, since `down --purge` deletes the data folder whole.
    So is one whose path Fabric would misread (a comma, a `$NAME`, a name not in UTF-8; docs/network.md,
    "Folders"), before anything is written or started.

    \b
    Example:
      recfin network up --json
    """
    from .request_ids import terminations_raised

    net = open_network(topology_path, as_json, timeout)
    # SIGTERM and SIGHUP stop it as Ctrl-C does, saying what it started runs on, where they ended it unsaid (and a
    # process started in the moment before its pid file was written ran on unrecorded)
    with terminations_raised():
        statuses = net.up()
    healthy = sum(s.healthy for s in statuses if s.kind != "chaincode" and s.in_topology)
    nodes = sum(1 for s in statuses if s.kind != "chaincode" and s.in_topology)
    progress(as_json)(f"network up: {healthy}/{nodes} nodes healthy on channel {net.topology.channel}; "
                      f"data in {net.data_root}")
    emit(statuses, as_json=as_json, columns=STATUS_COLUMNS)
    if outside := outside_topology_line(statuses):
        click.echo(outside, err=True)
    # left alone as running, healthy or not, though each opens its files by its old folder's paths
    if moved := moved_folder_line(net):
        click.echo(moved, err=True)
    # A server found running whose operations endpoint accepts nothing is left alone once it listens (one started
    # before it had /healthz only listens): said, or the operator who ran `up` to mend the network would take it as
    # mended.
    if servers_line := unhealthy_servers_line(statuses):
        click.echo(servers_line, err=True)
    for line in logs_not_rotated_lines(net):
        click.echo(line, err=True)


def logs_not_rotated_lines(net: Network) -> list[str]:
    """The stderr lines of `up` and `status` naming each running node's or chaincode server's log found past its
    limit whose last part could not be written to <log>.1 (a full disk), with the space it needs: the log is left
    whole and grows on, so it is said each time, once per command, until space is freed."""
    return [failure.line() for failure in net.supervisor.logs_not_rotated.values()]


def outside_topology_line(statuses: list[NodeStatus]) -> str | None:
    """The stderr line of `up` and `status` naming each node that runs while the topology no longer names it (its
    row alone does not say so), None when there is none. `down` stops such a node only with the whole network, so
    the line gives the command that stops one alone: a signal to its process group, as `down` sends it (its pid
    file holds more than the pid, so the pid is given as `status` found it running)."""
    outside = [s for s in statuses if not s.in_topology]
    if not outside:
        return None
    kills = ", ".join(f"`kill -- -{s.pid}` ({s.name})" for s in outside)
    return (f"running, but no longer in the topology: {', '.join(s.name for s in outside)} (`recfin network down` "
            f"stops them with the whole network; to stop one alone: {kills})")


@network.command()
@topology_option
@click.option("--purge", is_flag=True,
              help="Also delete all state: crypto, ledgers, logs, profiles; of a compose network, its ledger "
                   "volumes (`docker compose down -v`) and data folder.")
@click.option("--json", "as_json", is_flag=True, help="Print what was stopped and removed as JSON.")
@reports_errors
def down(topology_path, purge, as_json):
    """Stop every process, and the compose network compose-up recorded; ledgers stay unless --purge.

    Native runtime: chaincode servers, then peers, then orderers: SIGTERM, and SIGKILL after a
    grace period. Each one with a pid file in the data folder is stopped, so a node of an org
    taken out of the topology since it started, or a server of a deploy stopped before its
    commit, is too; except a process another data folder's pid file records (this folder
    copied: left alone, said so) and one running as another user (refused, naming `sudo recfin
    network down`: down then fails, after trying the rest, and --purge deletes nothing). A
    process one of them started that left its process group (a worker in a session of its own,
    what a wrapper that daemonised left) is found by the pid file its environment names,
    stopped too, and said right after its line (with --json, under stopped_outside_group:
    {name, pid}). A node or server whose own process had exited is not stopped (nor listed as
    stopped): what it left running is, said by a line of its own (with --json, under
    stopped_left_running: {name, pid, left_by}, left_by the exited process's pid). A data folder
    that does not exist is said so (exit status 0). A process started for a pid file of the data
    folder that is gone (deleted by hand) is not stopped, nothing recording it: it is named with
    the `kill` that stops it, and down fails (--purge deleting nothing). On a data folder whose
    filesystem is read-only (remounted so after disk errors), the processes are stopped all the
    same, their pid files left and said to be (--purge is refused there: it would delete).
    Stopped midway (Ctrl-C, SIGTERM, SIGHUP), it says which processes still run: `down` again
    stops them; stopped in `docker compose down`, it stops docker too and says what may be left
    of the containers (`docker compose ps` lists them): `down` again stops them; stopped while
    --purge deletes a data folder (native, or a compose network's), it says where the rest is
    (moved aside first): `down --purge` again deletes it.
    Compose: where `recfin network compose-up` found the containers running, it recorded
    their compose file and data folder (compose-run.json next to the native data folder);
    `down` then runs `docker compose -f FILE down --remove-orphans`: the containers go (a
    removed org's too, which the compose file written since no longer names), the ledgers stay
    in their named volumes and the data folder stays, so `docker compose up -d` resumes on them.
    With --purge: `docker compose -f FILE down --remove-orphans -v`, then the data folder and
    the record go too. No record, no docker call. A native process down could not stop does
    not keep the containers up: they are stopped (with --purge too, nothing deleted), then down
    fails.

    \b
    Example:
      recfin network down
      recfin network down --purge --json
    """
    from .request_ids import terminations_raised

    say = progress(as_json)
    net = open_network(topology_path, as_json)
    nowhere = net.no_network_here()      # looked at before: a purge removes the folder
    # As Ctrl-C, the compose part too: what still runs is said (Network.down, compose_down.stop_recorded), and
    # `docker compose down` is stopped with the command rather than left running after it
    with terminations_raised():
        try:
            stopped = net.down(purge=purge)
        except ProcessesNotStoppedError as refused:
            # A native process it could not stop (another user's, one outliving SIGKILL) still leaves the compose
            # network to stop; with --purge, its containers only: a failed down deletes nothing. Any other refusal
            # (another run holds the lock, a purge refused) stops nothing more.
            try:
                _stop_recorded_compose(net, purge=False, say=say)
            except NetworkError as compose_failed:
                raise NetworkError(f"{refused}; and the compose network: {compose_failed}") from refused
            raise
        if nowhere:
            say(f"{nowhere}; nothing stopped")
        else:
            left_running = sum(each.left_running for each in net.stopped_alongside)
            also = f", and {left_running} that exited nodes or servers had left running" if left_running else ""
            say(f"network down: {len(stopped)} process(es) stopped{also}" + ("; all state removed" if purge else
                                                                            f"; ledgers kept in {net.data_root}"))
        composed = _stop_recorded_compose(net, purge=purge, say=say)
    if as_json:
        # Each key only when there were any: the output of a down without them is as it was.
        outside = [{"name": each.name, "pid": each.pid} for each in net.stopped_alongside if not each.left_running]
        left = [{"name": each.name, "pid": each.pid, "left_by": each.left_by} for each in net.stopped_alongside
                if each.left_running]
        # purged: whether data_root was removed, not whether --purge was given (a missing one removes nothing); the
        # compose network's own data folder is said under compose (data_removed)
        emit({"stopped": stopped, "data_root": net.data_root, "purged": purge and not nowhere, "compose": composed}
             | ({"stopped_outside_group": outside} if outside else {})
             | ({"stopped_left_running": left} if left else {}), as_json=True)


def _stop_recorded_compose(net: Network, *, purge: bool,
                           say: Callable[[str], None]) -> compose_down.ComposeDown | None:
    """`down`'s compose part: stop the compose network compose-up recorded, if any, saying what went."""
    from network import compose_down

    composed = compose_down.stop_recorded(net.topology, purge=purge, say=say)
    if composed is not None:
        say(f"compose network down: {shell_word(composed.compose_file)}'s containers removed" + (
            "; ledger volumes and data folder removed" if purge else
            f"; ledgers kept in its volumes, data in {shell_word(composed.data_root)}"))
    return composed


@network.command()
@topology_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@reports_errors
def status(topology_path, as_json):
    """Each node's org, kind, address, pid, health and block height, and each chaincode server's.

    Chaincode servers are listed as `down` finds them: those of every deployment, and any other
    still running (a deploy stopped before its commit).

    A node that still runs while the topology no longer names it (its org taken out of
    topology.yaml or removed from the channel) is listed too, and named on stderr with the
    `kill` that stops it alone (`down` stops it with the whole network).

    A process started for a pid file of the data folder that is gone (deleted by hand) is named on
    stderr with the `kill` that stops it: its node shows down, and `down` does not stop it.

    A node or server still running from where the data folder was before it was moved or renamed
    is named on stderr with the path it was started for: it opens its files by the old paths, and
    `down`, then `up`, restarts it from the folder's new place (`up` names it too).

    A node or server whose own process exited is down, also while processes it started run on
    (a crashed server's worker, what a wrapper that daemonised left): those are named on stderr,
    as they may hold its ports (`down` stops them; `up` and `chaincode deploy` stop a node's or
    server's before starting it again, their port check passing over ports only those hold).

    A node or chaincode server whose process exited without `down` (a crash, a kill, a restart of
    the machine: `down` removes its pid file, they leave it) is named on stderr with what its log
    says since its last start, then `recfin network up` to start it again (with --json, its row's
    exited is true); one stopped by `down` is not.

    A CA, node (signing or TLS), admin or chaincode server TLS certificate (and the client
    certificate the org's peers present to its server) of the data folder that ends within 90
    days, or has ended, is named on stderr with its file and date, soonest first; with --json
    each row's certificates_ending lists those it relies on ({file, ends, days_left, ended}: its
    org's CA, TLS CA and admin certificates, a node's own, a chaincode server's TLS pair), so one
    of an org shows on each of its rows. They do not change the exit status.

    A running node's or server's log past 16 MiB has its last 16 MiB copied to <log>.1 and is
    emptied; one whose copy cannot be written (a full disk) is left whole and named on stderr
    with the space to free (`up` too). It does not change the exit status.

    Exit status: 0 when every orderer and peer of the topology, and every server of a committed
    chaincode (its org's peer dials it for every transaction), runs and answers /healthz with OK;
    1 otherwise, naming on stderr each one that does not, and 1 when the data folder does not
    exist. Shown but not counted (with --json, counted is false): nodes outside the topology, a
    server of an org with no package of the chaincode (it joined after the deploy), and one of a
    deploy stopped before its commit.

    \b
    Example:
      recfin network status --json
    """
    net = open_network(topology_path)
    if nowhere := net.no_network_here():
        raise NetworkError(nowhere)
    statuses = net.status()
    emit(statuses, as_json=as_json, columns=STATUS_COLUMNS)
    nodes = [s for s in statuses if s.kind != "chaincode" and s.in_topology]
    if outside := outside_topology_line(statuses):
        click.echo(outside, err=True)
    if left := left_behind_line(net):
        click.echo(left, err=True)
    if moved := moved_folder_line(net):
        click.echo(moved, err=True)
    if unrecorded := unrecorded_line(net):
        click.echo(unrecorded, err=True)
    for line in certificates_ending_lines(statuses):
        click.echo(line, err=True)
    unhealthy = [s.name for s in nodes if not s.healthy]
    if unhealthy:
        click.echo(f"{len(unhealthy)} of {len(nodes)} nodes not healthy: {', '.join(unhealthy)}", err=True)
    if servers_line := unhealthy_servers_line(statuses):
        click.echo(servers_line, err=True)
    for line in exited_lines(statuses):
        click.echo(line, err=True)
    for line in logs_not_rotated_lines(net):
        click.echo(line, err=True)
    if any(s.counted and not s.healthy for s in statuses):
        raise SystemExit(1)


def unhealthy_servers_line(statuses: list[NodeStatus]) -> str | None:
    """The stderr line of `status` naming each server of a committed chaincode that is down or fails its /healthz
    (its row counted, not healthy), with the `chaincode restart` that starts it again; None when there is none. Its
    org's peer dials it for every transaction of the chaincode, so those fail while it is down: it fails `status`
    as a dead node does."""
    servers = [s for s in statuses if s.kind == "chaincode" and s.counted]
    unhealthy = [s for s in servers if not s.healthy]
    if not unhealthy:
        return None
    # A server's name is <chaincode>.<org>; neither a chaincode's name nor an org's holds a dot.
    chaincodes = dict.fromkeys(s.name.rsplit(".", 1)[0] for s in unhealthy)
    restarts = " and ".join(f"`recfin chaincode restart --name {name}`" for name in chaincodes)
    return (f"{len(unhealthy)} of {len(servers)} chaincode servers of committed chaincode not healthy: "
            f"{', '.join(s.name for s in unhealthy)} (a peer runs no transaction of a chaincode while its org's "
            f"server is down: {restarts} starts {'it' if len(unhealthy) == 1 else 'them'} again)")


def exited_lines(statuses: list[NodeStatus]) -> list[str]:
    """The stderr lines of `status` naming each node and chaincode server whose process exited without `down` (its
    row shows it down as it shows one stopped), with what its log says since its last start, then what starts them
    again; [] when none did."""
    exited = [s for s in statuses if s.exited]
    if not exited:
        return []
    lines = [f"{s.name} exited without `recfin network down` (a crash, a kill or a restart of the machine): see "
             f"{s.log}{log_hint(s.log)}" for s in exited]
    if any(s.kind != "chaincode" for s in exited):
        return [*lines, "`recfin network up` starts again what exited, on the ledgers kept; `recfin network logs "
                        "NAME` shows the whole log"]
    return [*lines, "`recfin network up` or `recfin chaincode restart` starts again what exited; `recfin network "
                    "logs NAME` shows the whole log"]


def certificates_ending_lines(statuses: list[NodeStatus]) -> list[str]:
    """The stderr lines of `status` naming each CA, node and admin certificate of the data folder that ends
    within 90 days or has ended (the rows' certificates_ending, each once), with its file and date; [] when
    none does."""
    from network import crypto

    ending = list({end.file: end for row in statuses for end in row.certificates_ending}.values())
    if not ending:
        return []
    days = crypto.ENDING_NOTICE.days
    return [f"{len(ending)} certificate(s) of the data folder end within {days} days or have ended (renew "
            f"each before it ends: docs/network.md, \"Certificates that end\"):",
            *(f"  {end.said()}" for end in sorted(ending, key=lambda end: end.ends))]


def left_behind_line(net: Network) -> str | None:
    """The stderr line of `status` naming the processes a node or chaincode server started that run on while its own
    process has exited (Supervisor.left_behind), as `down` finds them (by pid file), None when there are none. Its row
    shows it down, which it is, while they may still hold its ports."""
    from network.control import owned_pid_files

    left = [(name, pids) for name, pid_file in owned_pid_files(net.data_root)
            if (pids := net.supervisor.left_behind(pid_file))]
    if not left:
        return None
    listed = ", ".join(f"pid {first_few([str(pid) for pid in pids])} ({name})" for name, pids in left)
    return f"running after their node's or server's own process exited: {listed} (`recfin network down` stops them)"


def unrecorded_line(net: Network) -> str | None:
    """The stderr line of `status` naming each process started for a pid file of the data folder that is gone
    (supervisor.unrecorded_under), None when there is none. Its row shows its node down, and `down` passes it by."""
    from network.control import kill_command, pid_file_owner

    found = unrecorded_under(net.data_root)
    if not found:
        return None
    pids = [pid for each in found.values() for pid in each]
    listed = ", ".join(f"pid {first_few([str(pid) for pid in each])} ({pid_file_owner(Path(tag))}, {tag}'s tag)"
                       for tag, each in found.items())
    kills = ", ".join(kill_command(pid) for pid in pids)
    return (f"running with no pid file recording them (deleted?), so `recfin network down` does not stop them: "
            f"{listed}: check each is this data folder's (`ps -o pid,lstart,args -p {','.join(map(str, pids))}`), "
            f"then stop it ({kills})")


def moved_folder_line(net: Network) -> str | None:
    """The stderr line of `status` and `up` naming each node and chaincode server that runs from where the data folder
    was before it was moved or renamed (Supervisor.started_elsewhere), None when none does. Each counts as running,
    its pid file having moved along, while it opens its files by the old paths."""
    from network.control import owned_pid_files

    root = net.data_root
    moved = [(name, net.supervisor.running_pid(pid_file), old) for name, pid_file in owned_pid_files(root)
             if (old := net.supervisor.started_elsewhere(pid_file)) is not None]
    if not moved:
        return None
    listed = ", ".join(f"{name} (pid {pid}, started for {old})" for name, pid, old in moved)
    return (f"running from where their data folder was before it moved: {listed}: each opens its files by the old "
            f"paths, which no longer lead to {root}: `recfin network down`, then `recfin network up`, restarts them "
            f"from {root}")


@network.command()
@topology_option
@click.argument("node")
@click.option("-n", "--lines", type=WholeNumberRange(min=1), default=50, show_default=True,
              help="How many of the last lines to show (at least 1), read on into the log before its last "
                   "rotation (node.log.1, server.log.1) when the log holds fewer.")
@click.option("-f", "--follow", is_flag=True,
              help="Keep printing lines as they are written; Ctrl-C stops, with exit status 0.")
@reports_errors
def logs(topology_path, node, lines, follow):
    """Show a node's or chaincode server's log.

    NODE is e.g. peer0.supplier, orderer0.orderer, or a chaincode server such as receivables.bank.

    \b
    Example:
      recfin network logs peer0.supplier -n 100
    """
    net = open_network(topology_path)
    if follow:
        try:
            for line in net.follow(node, lines):
                click.echo(line)
        except KeyboardInterrupt:
            pass
        return
    for line in net.logs(node, lines):
        click.echo(line)


@network.command()
@topology_option
@click.option("--hostnames", is_flag=True,
              help="Address nodes by hostname, for docker compose or one host per org (data in $RECFIN_HOSTS_DATA, "
                   "default .recfin/hosts next to the native data folder).")
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
              help="Write here instead of the default data folder. A folder holding files the network did not "
                   "write is refused, since `down --purge` deletes the data folder whole.")
@click.option("--json", "as_json", is_flag=True, help="Print the data folder, genesis block and packages as JSON.")
@reports_errors
def prepare(topology_path, hostnames, data_root, as_json):
    """Generate crypto material, configtx.yaml and the genesis block; start nothing.

    Without --hostnames: for the native runtime (also the per-node config), as `up` would.
    With --hostnames: what docker-compose.yaml and `recfin org bundle` mount, plus each
    org's ccaas package naming its chaincode server's hostname (with the TLS material its
    peer dials with) and the chaincode.env holding that package's ID.

    Refused, nothing written, while another run (`up`, a deploy, another `prepare`) holds
    the data folder's network.lock, or for a data folder whose path Fabric would misread (a `$NAME`,
    a name not in UTF-8, and without --hostnames a comma; docs/network.md, "Folders").

    \b
    Example:
      recfin network prepare --hostnames --json
    """
    from network import compose
    from network import Network, crypto
    from network.control import mark_data_root, run_lock, writes_said
    from network.topology import load as load_topology

    say = progress(as_json)
    topo = load_topology(topology_path)
    if hostnames:
        topo = topo.on_hosts()
        data_root = data_root or compose.hosts_data_root(topo)
    net = Network(topo, data_root=data_root, say=say)      # net.topology: with the folder's membership.yaml
    packages = {}
    net.refuse_before_prepare(node_config=not hostnames)    # as prepare does, before the folder is made
    with writes_said(net.data_root, "recfin network prepare"):
        mark_data_root(net.data_root)   # refuses a folder holding other files before anything is written there
        # The run lock `up` holds: two prepares at once, or one beside an `up` or a deploy, would each make an
        # org's missing CA, and leave its key of one and its certificate of the other.
        with run_lock(net.data_root, "recfin network prepare"):
            if hostnames:
                # the packages carry each org's chaincode TLS material
                crypto.generate(net.topology, net.data_root, say=say)
                for msp_id, pkg in compose.write_packages(net.topology, net.data_root).items():
                    say(f"chaincode package {msp_id}: {pkg.package_id} -> {pkg.path}")
                    packages[msp_id] = {"package_id": pkg.package_id, "path": pkg.path}
            block = net.prepare(node_config=not hostnames)
    say(f"prepared {net.data_root} (channel block {block})")
    if as_json:
        emit({"data_root": net.data_root, "block": block, "packages": packages}, as_json=True)


def _compose_file() -> Path:
    """The repository's docker-compose.yaml, as network.compose names it (kept where loading it loads nothing more)."""
    from network.default_paths import COMPOSE_FILE

    return COMPOSE_FILE


@network.command("compose")
@topology_option
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
              help="Take the channel's orgs from this data folder's membership.yaml (orgs added or removed by "
                   "`recfin org`; default: $RECFIN_HOSTS_DATA, else .recfin/hosts next to the native data "
                   "folder). A folder not there is a usage error (exit 2).")
@click.option("--write", "write_file", is_flag=True,
              cls=ReadWhenShown,
              help=lambda: f"Write {_compose_file().name} at the top of the repository instead of printing it "
                           f"(topology.yaml's orgs only: with orgs added or removed, give --output).")
@click.option("--output", type=OutputFileType(path_type=Path, checked_before_replacing=True), default=None,
              help="With --write: write this file instead (a file there that `compose --write` did not write "
                   "is refused, not written over).")
@reports_errors
def compose_command(topology_path, data_root, write_file, output):
    """The same network on the official Fabric images, as a docker-compose.yaml.

    Generated from the topology with the channel's orgs as they are: those `recfin org
    add|remove` recorded in the data folder's membership.yaml get (or lose) their peers,
    chaincode server, ports and volumes. Run `recfin network prepare --hostnames` first,
    then `docker compose up -d` (docs/network.md, "Running on separate hosts").

    \b
    Example:
      recfin network compose --write
      recfin network compose --data-root .recfin/network --write --output /tmp/docker-compose.yaml
    """
    from network import compose
    from network import membership
    from network.topology import load as load_topology

    if output is not None and not write_file:
        raise click.UsageError("--output is where --write writes: add --write (without it the file is printed)")
    topo = load_topology(topology_path)
    if data_root is not None:
        _refuse_a_missing_data_folder(data_root, f"the data folder `recfin org add|remove` recorded the "
                                                 f"channel's orgs in: the native one ({topo.resolved_data_root()})"
                                                 f" or the hostnames one ({compose.hosts_data_root(topo)})")
    channel_topo = membership.effective(topo, data_root or compose.hosts_data_root(topo))
    if not write_file:
        click.echo(compose.render(compose.build(channel_topo)), nl=False)
        return
    # Users the data folder records (`org user add`) change no container: only orgs added or removed do.
    if output is None and compose.render(compose.build(channel_topo)) != compose.render(compose.build(topo)):
        raise NetworkError(f"{compose.COMPOSE_FILE.name} in the repository is generated from topology.yaml alone, "
                           f"but the data folder records orgs added or removed: give --output to write the "
                           f"channel's compose file elsewhere")
    path = compose.write(channel_topo, output or compose.COMPOSE_FILE)
    click.echo(f"wrote {path}")


def _refuse_a_missing_data_folder(data_root: Path, give: str) -> None:
    """A --data-root that is not there is a usage error (exit 2) naming it and the folder to `give` instead.
    For `compose`, read as a folder with no membership.yaml, it gave topology.yaml's orgs alone, and the file
    written looked like the channel's though no org `recfin org add|remove` recorded was in it; for `compose-up`
    and `compose-status`, Fabric's CLIs were looked for and the nodes asked as the admins of a folder that held
    no keys. A default folder not there is not refused: no command wrote it yet."""
    if os.path.exists(data_root):     # False, not an OSError, for a name too long or a path under a file
        return
    raise click.BadParameter(f"{on_one_line(os.fsdecode(data_root))} does not exist: give {give}",
                             param_hint="'--data-root'")


def _hosts_folder(topo: Topology) -> str:
    """What a compose command's --data-root must name, for a refusal of one that is not there."""
    from network import compose

    return f"the folder `recfin network prepare --hostnames` wrote (by default {compose.hosts_data_root(topo)})"


# compose-up's and compose-status's --data-root: the folder the containers mount
hosts_data_root_option = click.option(
    "--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
    help="The data folder the containers mount, as `prepare --hostnames` wrote it (default: $RECFIN_HOSTS_DATA, "
         "else .recfin/hosts next to the native data folder); one given that is not there is a usage error "
         "(exit 2).")


COMPOSE_UP_FIELDS = ("channel", "chaincode", "version", "sequence", "raft_leader", "changed", "orderers_joined_now",
                     "peers_joined_now", "installed_now", "approved_now", "committed_now")


def _a_compose_file(_ctx: click.Context, param: click.Parameter, path: Path) -> Path:
    """--compose-file's file, there before compose-up does anything: a path where none is (a typo, a file
    not written yet) is a usage error naming the option (exit 2), where the missing Fabric CLIs were named
    instead, or the joins ran and only the record for `network down` was skipped. A folder, a FIFO or a file
    this user may not read is refused by its type (PathType)."""
    if not os.path.exists(path):     # False, not an OSError, for a name too long or a path under a file
        shown = on_one_line(os.fsdecode(path))
        raise click.BadParameter(f"{shown} does not exist: write it with `recfin network compose --write` "
                                 f"(with --output FILE for another path), or give the file the containers "
                                 f"run from", param=param)
    return path


# A sibling of `compose`, not `compose up`: `compose` is a command (it prints or writes the file).
@network.command("compose-up")
@topology_option
@hosts_data_root_option
@click.option("--start", is_flag=True,
              help="Run `docker compose up -d --renew-anon-volumes --remove-orphans` first (needs Docker; "
                   "without it, the containers must be running).")
@click.option("--compose-file", type=PathType(dir_okay=False, path_type=Path, reads=True), cls=ReadWhenShown,
              default=_compose_file, show_default=True, callback=_a_compose_file,
              help="The compose file the containers run from: the one --start starts, and the one `recfin "
                   "network down` stops. One not there is a usage error (exit 2), before anything is looked "
                   "for or run.")
@timeout_option("Seconds to wait for each node's /healthz and for a Raft leader. With --start, `docker compose "
                "up -d` (which pulls and builds images) has 900 or this, whichever is longer, before docker is "
                "stopped.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@reports_errors
def compose_up(topology_path, data_root, start, compose_file, timeout, as_json):
    """Join the compose network's channel and deploy the chaincode, from the Docker machine (idempotent).

    After `docker compose up -d`: waits for every orderer's and peer's /healthz at
    localhost on its published port, joins each orderer (osnadmin, as the orderer admin),
    waits for a Raft leader, joins each peer as its org's admin, then installs each org's
    package from the data folder, approves as each org and commits the definition
    `recfin chaincode config` derives. What is done already is left alone.
    Once the containers run (started, or every node healthy), it records the compose file
    and data folder for `recfin network down`, which then stops them too; containers started
    by hand are recorded only if docker says they were started from that file.
    Needs Fabric's `peer` and `osnadmin` (scripts/install-fabric).

    \b
    Example:
      recfin network prepare --hostnames && docker compose up -d && recfin network compose-up
      recfin network compose-up --start --json
    """
    from network import compose
    from network import membership
    from network import compose_up as compose_up_module
    from network.compose_up import ComposeUp, services_not_the_channels, start_containers
    from network.control import purge_refusal
    from network.nodeconfig import hosts_data_root_problem
    from network.topology import load as load_topology

    say = progress(as_json)
    topo = load_topology(topology_path)
    if data_root is not None:
        _refuse_a_missing_data_folder(data_root, _hosts_folder(topo))
    data_root = data_root or compose.hosts_data_root(topo)
    if (problem := hosts_data_root_problem(data_root)) is not None:    # a folder prepared before prepare refused it
        raise click.ClickException(problem)

    def record_running(started: bool) -> None:
        # Containers started by hand may come from another compose file than --compose-file names.
        from network import compose_down

        reason = None if started else compose_down.not_running_from(compose_file, data_root.absolute())
        if reason:
            say(f"  not recorded for `recfin network down`: {reason}; rerun with --compose-file naming the file "
                f"the containers run from, or stop them with `docker compose down`")
            return
        try:
            if compose_down.record(topo, compose_file, data_root):
                say(f"  recorded for `recfin network down`: {compose_down.record_path(topo)}")
        except NetworkError as refused:   # containers started by hand: joining them goes on, unrecorded
            say(f"  {refused}; stop them with `docker compose down`")

    # Before anything starts: without Fabric's CLIs the containers could be started but never joined, and
    # containers started on a folder `down --purge` would refuse could be neither recorded nor purged.
    fabric = FabricInstall.locate().require(("peer", "osnadmin"))
    if start and not (data_root / "crypto").is_dir():
        # docker would make every missing mount folder, empty and root's, and start containers with no material
        raise click.ClickException(f"not starting the compose network on {data_root}: it holds no crypto/, so "
                                   "no material `recfin network prepare --hostnames` wrote; run that first, or "
                                   "give --data-root the folder it wrote")
    if start and (refused := purge_refusal(data_root.resolve())):
        raise click.ClickException(f"not starting the compose network on {data_root}: `recfin network down "
                                   f"--purge` could never delete it ({refused}), so it would be left half "
                                   "purged; give --data-root the folder `recfin network prepare --hostnames` "
                                   "wrote, in .recfin/ or outside the repository, with nothing else in it")
    if start and (problem := services_not_the_channels(compose_file, membership.effective(topo.on_hosts(), data_root),
                                                       data_root)):
        raise click.ClickException(f"not starting the compose network: {problem}")
    if start:
        # --timeout only lengthens docker's time: sized for a node's /healthz (60 s unless given), it would cut
        # the pulls and the build of a first start short if it replaced UP_TIMEOUT
        start_containers(compose_file, data_root.absolute(), say,
                         timeout=max(timeout, compose_up_module.UP_TIMEOUT))
        record_running(started=True)
    report = ComposeUp(topo, data_root, Tools(fabric), say=say, timeout=timeout,
                       on_running=lambda: record_running(started=start)).run()
    say(f"compose network on {report.channel}: " + (
        f"{report.chaincode} {report.version} committed at sequence {report.sequence}" if report.changed else
        f"nothing to change (every node joined, {report.chaincode} {report.version} committed at sequence "
        f"{report.sequence})"))
    emit(report.summary(), as_json=as_json, columns=COMPOSE_UP_FIELDS)


COMPOSE_STATUS_COLUMNS = ("name", "org", "kind", "address", "healthy", "height", "member", "raft_leader", "problem")


@network.command("compose-status")
@topology_option
@hosts_data_root_option
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@reports_errors
def compose_status_command(topology_path, data_root, as_json):
    """Each compose node's health, channel block height and, for orderers, membership and Raft leader.

    The compose network's `status`, run on the Docker machine: every orderer and peer at
    localhost on its published port, asked what `network status` asks (/healthz; the block
    height from the metrics, else `peer channel getinfo` as the org's admin; osnadmin for an
    orderer's membership). A node that does not answer, is behind or is outside the channel
    gets a row saying so. Each chaincode server's row is its container's health as
    `docker container inspect` gives it (its compose healthcheck asks its /healthz; unknown
    where docker is not installed). Needs Fabric's `peer` and `osnadmin` (scripts/install-fabric).

    Exit status: 0 when every orderer and peer answers /healthz with OK, one orderer leads the
    channel's Raft cluster, and every chaincode server's container runs healthy (or its health
    is unknown); 1 otherwise.

    \b
    Example:
      docker compose ps && recfin network compose-status
      recfin network compose-status --data-root .recfin/hosts --json
    """
    from network import compose
    from network.compose_status import compose_status, leaderless
    from network.compose_up import ComposeUp
    from network.nodeconfig import hosts_data_root_problem
    from network.topology import load as load_topology

    topo = load_topology(topology_path)
    if data_root is not None:
        _refuse_a_missing_data_folder(data_root, _hosts_folder(topo))
    data_root = data_root or compose.hosts_data_root(topo)
    if (problem := hosts_data_root_problem(data_root)) is not None:
        raise click.ClickException(problem)
    fabric = FabricInstall.locate().require(("peer", "osnadmin"))
    up = ComposeUp(topo, data_root, Tools(fabric))
    rows = compose_status(up)
    nodes = [r for r in rows if r.kind != "chaincode"]
    servers = [r for r in rows if r.kind == "chaincode"]
    unknown = sum(r.healthy is None for r in servers)
    leader = next((r.name for r in rows if r.raft_leader), None)
    progress(as_json)(f"compose network on {up.topology.channel}: {sum(r.healthy for r in nodes)}/{len(nodes)} nodes "
                      f"healthy, {sum(r.healthy is True for r in servers)}/{len(servers)} chaincode servers healthy"
                      + (f" ({unknown} unknown)" if unknown else "") + f", Raft leader {leader or 'unknown'}")
    emit(rows, as_json=as_json, columns=COMPOSE_STATUS_COLUMNS)
    raise SystemExit(1 if any(r.healthy is False for r in rows) or leaderless(rows) else 0)


@network.command()
@topology_option
@click.option("--batch-size", "max_message_count", type=WholeNumberRange(1, 100000), default=None,
              help="Transactions per block at most (Orderer BatchSize.MaxMessageCount, 1..100000).")
@click.option("--batch-timeout", default=None,
              help="Cut a block this long after its first transaction (BatchTimeout, e.g. 250ms; 1ms..60s).")
@click.option("--absolute-max-bytes", default=None,
              help="Largest block and transaction (e.g. '10 MB'; 1 MB to 49 MB).")
@click.option("--preferred-max-bytes", default=None, help="Cut a block once it holds this much (e.g. '2 MB').")
@timeout_option("Seconds to wait for the new config.")
@click.option("--json", "as_json", is_flag=True, help="Print the batch before and after as JSON.")
@reports_errors
def tune(topology_path, max_message_count, batch_timeout, absolute_max_bytes, preferred_max_bytes, timeout,
         as_json):
    """Change the ordering batch of the running channel (a channel config update).

    The batch lives in the channel config, so editing `tuning.ordering` in the topology
    changes new channels only; this sets it on the channel that runs, signed and submitted
    as the orderer org's admin. Options left out keep the channel's value; with none, the
    channel's batch is printed. Peer tuning needs no update: `recfin network down`, then `up`.

    \b
    Example:
      recfin network tune
      recfin network tune --batch-size 500 --batch-timeout 1s
      recfin network tune --preferred-max-bytes "4 MB" --json
    """
    from network.batch_tuning import BatchTuner, batch_of

    changes = {"max_message_count": max_message_count, "batch_timeout": batch_timeout,
               "absolute_max_bytes": absolute_max_bytes, "preferred_max_bytes": preferred_max_bytes}
    _check_batch_options(changes)
    tuner = BatchTuner(open_network(topology_path, as_json, timeout))
    if all(value is None for value in changes.values()):
        emit(batch_of(tuner.fetch_config()).model_dump(mode="json"), as_json=as_json)
        return
    change = tuner.tune(**changes)
    if change is None:
        progress(as_json)(f"channel {tuner.net.topology.channel} already has that batch: nothing to update")
        emit(batch_of(tuner.fetch_config()).model_dump(mode="json"), as_json=as_json)
        return
    progress(as_json)(f"channel {change.channel}: batch updated ({change.verdict.describe()})")
    emit(change.summary() if as_json else change.after.model_dump(mode="json"), as_json=as_json)


_BATCH_OPTIONS = {"max_message_count": "--batch-size", "batch_timeout": "--batch-timeout",
                  "absolute_max_bytes": "--absolute-max-bytes", "preferred_max_bytes": "--preferred-max-bytes"}


def _check_batch_options(changes: dict[str, object]) -> None:
    """Each value given, checked as the channel update will check it, before the network is looked for: a value
    out of range is the operator's to mend whether or not the network runs, and is named by its option. So is
    a --preferred-max-bytes above the --absolute-max-bytes given with it (Fabric refuses such a batch), which
    needs no channel to tell."""
    from network.batch_tuning import changed_batch, checked_field
    from network.tuning import OrderingTuning

    for name, value in changes.items():
        if value is None:
            continue
        try:
            checked_field(name, value)
        except NetworkError as exc:
            raise click.BadParameter(str(exc).removeprefix(f"batch: {name}: "), param_hint=f"'{_BATCH_OPTIONS[name]}'")
    sizes = {name: changes[name] for name in ("absolute_max_bytes", "preferred_max_bytes")}
    if None not in sizes.values():
        try:
            changed_batch(OrderingTuning(), **sizes)     # both sizes given: the defaults' own are replaced
        except NetworkError as exc:
            raise click.BadParameter(str(exc).removeprefix("batch: "), param_hint="'--preferred-max-bytes'")


# ---- backup and restore --------------------------------------------------------------------
class NetworkStillRunning(click.ClickException):
    """A backup or restore refused because the data folder's network runs: one line on stderr, exit 2."""

    exit_code = 2


def data_root_option(help_text: str):
    return click.option("--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
                        help=help_text)


def _an_archive_file(_ctx: click.Context, _param: click.Parameter, out: str) -> Path:
    """OUT as a Path, refusing "-" (read before pathlib, which makes "./-" the same "-"): taken as stdout by
    Unix custom, it would have been a file named "-". The archive is never written to stdout: it is written
    whole or not at all (a temporary file, synced, checked against the data folder once written, renamed into
    place), which output already sent down a pipe cannot be."""
    if out == "-":
        raise click.BadParameter("'-' is not stdout here: the archive is written whole or not at all, to a "
                                 "file (mode 0600, renamed into place once complete), never to a pipe; give "
                                 "the archive's path (./- for a file named '-')")
    return Path(out)


@network.command("backup")
@topology_option
@click.argument("out", type=OutputFileType(), callback=_an_archive_file)
@data_root_option("The data folder to back up (default: the topology's, as `up` uses it).")
@click.option("--for-org", "org_name", metavar="ORG", default=None,
              help="Only this org's part (name or MSP ID): its crypto/, nodes, chaincode servers' folders and "
                   "profile, other orgs' certificates and the channel's files; never another org's private key. "
                   "Not a network `up` can start: of the hostnames data folder, `org bundle` writes the org's "
                   "bundle from it.")
@click.option("--stop", is_flag=True,
              help="Stop a running network first (`down`), and start it again after (`up`).")
@click.option("--replace", is_flag=True, help="Write over OUT if it exists.")
@timeout_option("With --stop: seconds to wait for each node as the network starts again.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@reports_errors
def backup_command(topology_path, out, data_root, org_name, stop, replace, timeout, as_json):
    """Write the stopped network's data folder (ledgers, Raft logs, crypto, config) to one archive.

    Refused (exit status 2, nothing written) while a node or chaincode server of the data folder
    runs, unless --stop. OUT is a gzip tar archive, written whole or not at all, mode 0600 (it holds
    private keys), its first member a manifest of every file's path, size, mode and sha256; OUT '-'
    is refused, since the archive is never written to stdout (./- names a file '-'). Logs, pid files
    and locks are left out. `recfin network restore` brings it back.

    \b
    Example:
      recfin network backup /srv/backups/recfin-network.tar.gz --stop
      recfin network backup bank-node.tar.gz --for-org bank --json
    """
    from network import Network, backup as backups
    from network.topology import load as load_topology

    net = Network(load_topology(topology_path), data_root=data_root, say=progress(as_json), timeout=timeout)
    try:
        report = backups.back_up(net, out, org=org_name, replace=replace, stop=stop)
    except backups.NetworkRunningError as refused:
        raise NetworkStillRunning(one_line(refused)) from refused
    emit_report(report, backups.BackupReport.lines, as_json=as_json)


@network.command("restore")
@topology_option
@click.argument("archive", type=PathType(exists=True, dir_okay=False, path_type=Path, reads=True,
                                         max_bytes=None))
@data_root_option("The data folder to restore into (default: the topology's, as `up` uses it): new or empty, "
                  "unless --replace.")
@click.option("--replace", is_flag=True,
              help="Move a data folder that holds anything aside to DIR.before-restore-<timestamp> first "
                   "(never a home folder, the file system's root, the repository or a folder inside a data "
                   "folder: refused).")
@click.option("--allow-rollback", is_flag=True,
              help="With --replace: restore even when the archive holds fewer blocks of a channel than a node's "
                   "ledger in the data folder (or a ledger's block files cannot be read); refused otherwise.")
@click.option("--json", "as_json", is_flag=True, help="Print what was restored as JSON.")
@reports_errors
def restore_command(topology_path, archive, data_root, replace, allow_rollback, as_json):
    """Restore an archive `recfin network backup` wrote; then `recfin network up` resumes the network.

    An archive of one org's part (--for-org) is no network `up` can start: the report says what it
    is for, and it is refused over a data folder holding other orgs' keys or nodes. The folders a
    restore killed midway left beside the data folder are removed (or named), and a restore the
    disk has no room for is refused before it writes. So is a data folder whose path Fabric would
    misread, as `up` refuses it (a `$NAME`, a name not in UTF-8, and but for an org's part a comma;
    docs/network.md, "Folders").

    The whole archive is checked against its manifest before anything is written: every member
    listed, of its listed size and sha256, inside the data folder (no absolute path, no `..`, no
    link or device). The files go into a new folder beside the data folder, with their modes, which
    is then renamed into place. A data folder that holds anything is refused unless --replace, which
    moves it aside (never deletes it); a running network there, or in a data folder inside it, a
    recorded compose network whose containers mount it (or whose docker does not answer within 30
    seconds), or any other process of this user (any user's, as root) writing a file in it, is
    refused (exit status 2); the report says how many processes of other users it could not look
    into, as only root can (`processes_not_looked_into` in --json). An archive of another channel or
    other orgs than the topology's is refused: give --topology the one the backup was made with.

    Over a data folder, each node's ledger of each channel (its block files, read offline) is
    compared with the archive's, as the archive is checked and before anything is written (a peer
    joined from a snapshot counts from the snapshot's height): a restore that would lower any node's
    height, or one over a ledger whose block files cannot be read, is refused, naming each node with
    its height now and the archive's and where the data folder would be moved aside, unless
    --allow-rollback; with it, the report lists the same figures (`rolled_back` in --json).

    Exit status: 0 restored; 2 for a usage error, among them an ARCHIVE not there, a folder or a
    FIFO, or a file no backup wrote at all (empty, not gzip, not tar, its first member no backup
    manifest), and for a running network as above; 1 for a backup refused on what it holds (a
    damaged or changed member, another network's), on the data folder, or a restore that failed.
    Nothing is written but by a restore that succeeds.

    \b
    Example:
      recfin network restore /srv/backups/recfin-network.tar.gz --data-root /srv/recfin/network
      recfin network restore backup.tar.gz --replace --json && recfin network up
    """
    from network import backup as backups, backup_restore as restores
    from network.topology import load as load_topology

    topology = load_topology(topology_path)
    root = (data_root or topology.resolved_data_root()).absolute()
    try:
        report = restores.restore_backup(archive, root, replace=replace, allow_rollback=allow_rollback,
                                         topology=topology)
    except backups.NetworkRunningError as refused:
        raise NetworkStillRunning(one_line(refused)) from refused
    except NotABackupArchive as wrong_file:
        raise file_refused("ARCHIVE", one_line(wrong_file)) from wrong_file
    emit_report(report, restores.RestoreReport.lines, as_json=as_json)


# ---- network namespaces --------------------------------------------------------------------
NETNS_COLUMNS = ("org", "netns", "address", "link", "exists", "connected", "processes")


def _namespace_prefix(_ctx, param, prefix: str) -> str:
    """Every namespace and link named <prefix>-... is this command's to make or remove: a prefix outside the
    names `netns up` gives (e.g. one matching another tool's links) is refused before anything is listed."""
    if not PREFIX_RE.match(prefix):
        raise click.BadParameter(f"{prefix!r}: 1-8 lower-case letters and digits, starting with a letter "
                                 f"(default {DEFAULT_PREFIX})", param=param)
    return prefix


def netns_options(fn):
    fn = click.option("--folder", type=PathType(file_okay=False, path_type=Path), default=None,
                      help="The namespaced network's folder: its topology.yaml and data folder, whose membership.yaml "
                           "names orgs added or removed by `recfin org` (default: .recfin/netns next to the native "
                           "data folder).")(fn)
    fn = click.option("--subnet", default=DEFAULT_SUBNET, show_default=True,
                      envvar="RECFIN_NETNS_SUBNET",
                      help="The private IPv4 network the orgs' addresses come from (env RECFIN_NETNS_SUBNET).")(fn)
    fn = click.option("--prefix", default=DEFAULT_PREFIX, show_default=True,
                      envvar="RECFIN_NETNS_PREFIX",
                      callback=_namespace_prefix,
                      help="Start of every namespace and link name (1-8 lower-case letters and digits; env "
                           "RECFIN_NETNS_PREFIX).")(fn)
    return topology_option(fn)


def netns_layout(topology_path, prefix, subnet, folder, *, live: bool = True):
    """The topology file, its namespaced folder, and the layout of the channel's orgs as that folder records them.
    live: refused when the prefix's bridge is up on another subnet than --subnet (`netns up`, passing False,
    refuses it saying how to move the network too)."""
    from network import namespaces
    from network.topology import load as load_topology

    topo = load_topology(topology_path)
    folder = folder or namespaces.default_folder(topo)
    layout = namespaces.channel_layout(topo, prefix, subnet, folder)
    if live:
        namespaces.check_live_subnet(layout)
    return topo, folder, layout


@network.group()
def netns() -> None:
    """Run each org in its own Linux network namespace, joined by one bridge (needs root).

    `netns up` makes the namespaces and writes a topology that places every org's nodes and
    chaincode server in its namespace at its own address; `recfin network up --topology` that
    file runs the network across those boundaries. The orgs are the channel's: those `recfin
    org add|remove` recorded in the namespaced data folder are added and removed (an added org
    gets its namespace from `org add` itself), and every org keeps the address it was given.
    `cut`/`restore` take one org off the bridge and back; `down` removes everything named with
    the prefix, leftovers of a crash included.

    \b
    Example:
      recfin network netns up && recfin network up --topology .recfin/netns/topology.yaml
      recfin network netns cut supplier
    """


@netns.command("up")
@netns_options
@click.option("--json", "as_json", is_flag=True, help="Print the namespaces and the topology path as JSON.")
@reports_errors
def netns_up(topology_path, prefix, subnet, folder, as_json):
    """Make the bridge and one namespace per org of the channel with its address (idempotent).

    Writes topology.yaml into the folder (the data folder beside it). Orgs keep the addresses an
    earlier `netns up` or `recfin org add` gave them; a new org takes the lowest free one.
    Refused before anything changes when the prefix's bridge is up on another subnet (`netns down`
    first to move), or when an address or route here outside that bridge overlaps --subnet.

    \b
    Example:
      recfin network netns up && recfin network up --topology .recfin/netns/topology.yaml
      recfin network netns up --subnet 10.213.9.0/24 --json
    """
    from network import namespaces

    topo, folder, layout = netns_layout(topology_path, prefix, subnet, folder, live=False)
    reason = namespaces.unavailable_reason(prefix)
    if reason:
        raise NamespaceError(f"network namespaces cannot be made here: {reason}")
    namespaces.up(layout)
    path = namespaces.write_topology(topo, layout, folder)
    say = progress(as_json)
    say(f"{len(layout.orgs)} orgs in namespaces {prefix}-<org> on bridge {layout.bridge} ({layout.subnet}, "
        f"this namespace at {layout.gateway})")
    say(f"topology: {as_typed(path)}  (next: recfin network up --topology {shell_word(path)})")
    states = namespaces.status(layout)
    if as_json:
        emit({"topology": path, "bridge": layout.bridge, "gateway": layout.gateway, "orgs": states}, as_json=True)
    else:
        emit(states, as_json=False, columns=NETNS_COLUMNS)


@netns.command("down")
@click.option("--prefix", default=DEFAULT_PREFIX, show_default=True,
              envvar="RECFIN_NETNS_PREFIX", callback=_namespace_prefix,
              help="Remove every namespace and link whose name starts with this and a dash (1-8 lower-case letters "
                   "and digits; env RECFIN_NETNS_PREFIX).")
@click.option("--kill", is_flag=True, help="SIGKILL processes still running inside the namespaces first.")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON.")
@reports_errors
def netns_down(prefix, kill, as_json):
    """Remove the namespaces, bridge and links (idempotent; also finds a crashed run's leftovers).

    \b
    Example:
      recfin network netns down --kill
    """
    from network import namespaces

    removed = namespaces.down(prefix, kill=kill)
    if as_json:
        emit({"removed": removed}, as_json=True)
    else:
        click.echo(f"removed {len(removed)}: {', '.join(removed)}" if removed
                   else f"nothing named {prefix}-* to remove")


def _change_org_link(change, topology_path, prefix, subnet, folder, org: str, as_json: bool) -> None:
    """Cut or restore ORG's link (change: namespaces.cut or namespaces.restore), then print the org's state.
    Refused where the namespaces are not made, naming the `netns up` of the options given."""
    from network import namespaces

    _, _, layout = netns_layout(topology_path, prefix, subnet, folder)
    change(layout, org, namespaces.up_command(prefix, subnet, topology_path, folder))
    [state] = [s for s in namespaces.status(layout) if s.org == layout.org(org).org]
    emit(state, as_json=as_json, columns=NETNS_COLUMNS)


@netns.command("cut")
@netns_options
@click.argument("org")
@click.option("--json", "as_json", is_flag=True, help="Print the org's state as JSON.")
@reports_errors
def netns_cut(topology_path, prefix, subnet, folder, org, as_json):
    """Take an org off the bridge: nothing reaches its nodes, they reach nothing.

    Until `netns restore` puts it back, `recfin network up`, `recfin chaincode deploy|restart` and
    `recfin org add|remove` (of another org) are refused naming it: its nodes and chaincode server
    cannot be reached from here to be seen serving.

    \b
    Example:
      recfin network netns cut supplier
    """
    from network import namespaces

    _change_org_link(namespaces.cut, topology_path, prefix, subnet, folder, org, as_json)


@netns.command("restore")
@netns_options
@click.argument("org")
@click.option("--json", "as_json", is_flag=True, help="Print the org's state as JSON.")
@reports_errors
def netns_restore(topology_path, prefix, subnet, folder, org, as_json):
    """Put a cut org back on the bridge (its peer then catches up from the ordering service).

    \b
    Example:
      recfin network netns restore supplier
    """
    from network import namespaces

    _change_org_link(namespaces.restore, topology_path, prefix, subnet, folder, org, as_json)


@netns.command("status")
@netns_options
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@reports_errors
def netns_status(topology_path, prefix, subnet, folder, as_json):
    """Each org's namespace, address, whether its link is up and how many processes run inside.

    CONNECTED is yes only when both ends of the org's link are up, the one in its namespace with the
    org's address (a `netns up` stopped half-way leaves the bridge's end up alone).

    \b
    Example:
      recfin network netns status --json
    """
    from network import namespaces

    _, _, layout = netns_layout(topology_path, prefix, subnet, folder)
    emit(namespaces.status(layout), as_json=as_json, columns=NETNS_COLUMNS)


@netns.command("exec", context_settings={"ignore_unknown_options": True})
@netns_options
@click.argument("org")
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
@reports_errors
def netns_exec(topology_path, prefix, subnet, folder, org, command):
    """Run a command inside an org's namespace, as that org's nodes see the network.

    Exits with the command's own exit status (0 when it succeeded), and for a command killed by a signal, 128 plus
    its number (137 for SIGKILL), as a shell reports it, so a script tests it as it would the command run
    directly. Refused with exit status 1 and a message naming why, before anything runs, for an org with no
    namespace (run `netns up` first) or a --subnet other than the live bridge's.

    \b
    Example:
      recfin network netns exec bank -- python -m network.ccprobe connection.json
    """
    from network import namespaces

    _, _, layout = netns_layout(topology_path, prefix, subnet, folder)
    done = namespaces.run_in(layout.org(org).netns, list(command),
                             up=namespaces.up_command(prefix, subnet, topology_path, folder))
    # subprocess gives -N for a command signal N killed; exiting with it would give 256 - N, a status the
    # command could have chosen itself
    raise SystemExit(128 - done.returncode if done.returncode < 0 else done.returncode)
