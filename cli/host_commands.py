"""`recfin host ...`: on a company's own host, join the channel and approve the chaincode from its bundle."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

import click

from network.fabric_bin import FabricInstall
from network.tools import Tools

from .options import PathType, ReadWhenShown, timeout_option
from .output import emit, progress, reports_errors

if TYPE_CHECKING:
    from network.bundle_host import HostOperations

PEER_COLUMNS = ["peer", "address", "joined", "height", "installed", "error"]


@click.group()
def host() -> None:
    """On a company's own host: join the channel and approve the chaincode from its bundle.

    The bundle is what `recfin org bundle ORG` wrote for the company, unpacked on its host;
    its peer and chaincode server run from the bundle's docker-compose.yaml. These commands
    act as the org's admin with Fabric's `peer` CLI (from scripts/install-fabric), and each
    can be run again: what is done already is left alone. A company that made its own keys
    (`recfin org keys`) first puts them into its bundle with `recfin host adopt-keys`.
    Each first checks the bundle's files against the SHA-256 digests its bundle.json records,
    and refuses one cut short, damaged or edited since, naming it (a bundle an earlier recfin
    wrote records none: that is said, and its files are taken as they are).

    \b
    Example:
      recfin host join --bundle /var/recfin
      recfin host approve --bundle /var/recfin
    """


def default_install_root() -> Path:
    """Where a bundle is unpacked by default, as network.bundle has it (kept where loading it loads nothing more)."""
    from network.default_paths import DEFAULT_INSTALL_ROOT

    return DEFAULT_INSTALL_ROOT


def _bundle_options(fn):
    fn = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(fn)
    fn = timeout_option("Seconds each `peer` call may take.", default=120.0)(fn)
    fn = click.option("--bundle", "bundle_root", type=PathType(file_okay=False, path_type=Path),
                      envvar="RECFIN_BUNDLE", cls=ReadWhenShown, default=default_install_root, show_default=True,
                      help="The unpacked bundle (env RECFIN_BUNDLE).")(fn)
    return fn


def _again(command: str, bundle_root: Path) -> str:
    """`recfin host COMMAND --bundle DIR`, to run again, with the bundle it was given."""
    from network.errors import shell_word

    return f"recfin host {command} --bundle {shell_word(bundle_root)}"


def _operations(bundle_root: Path, timeout: float, as_json: bool, *, reads_block: bool = False) -> HostOperations:
    from network.bundle_host import BundleHost, HostOperations, files_unchecked_note

    bundle = BundleHost.open(bundle_root)
    if not bundle.files_checked:
        progress(as_json)(files_unchecked_note(bundle.root, bundle.org))
    # The bundle's files before Fabric: a host lacking both hears of the bundle now, not once Fabric is installed.
    if reads_block:
        bundle.block()
    fabric = FabricInstall.locate().require(("peer",))
    return HostOperations(bundle, Tools(fabric, timeout=timeout), progress(as_json))


@host.command("adopt-keys")
@click.option("--bundle", "bundle_root", type=PathType(exists=True, file_okay=False, path_type=Path),
              envvar="RECFIN_BUNDLE", cls=ReadWhenShown, default=default_install_root, show_default=True,
              help="The unpacked bundle (env RECFIN_BUNDLE).")
@click.option("--keys", "keys_root", required=True, type=PathType(exists=True, file_okay=False, path_type=Path),
              help="The folder `recfin org keys` wrote on this host (its --out).")
@click.option("--json", "as_json", is_flag=True, help="Print the completed bundle's summary as JSON.")
@reports_errors
def adopt_keys_command(bundle_root, keys_root, as_json):
    """Put the org's own keys into its bundle, written by a host that never had them.

    For an org added from its public definition (`recfin org add --definition`): its bundle holds
    its certificates only. Its peers', users' and chaincode TLS identities are copied in from the
    keys folder (never its CA keys), once its CA and TLS CA certificates are shown to be the ones
    the bundle has from the channel and every identity is issued by them and has its private key
    there (a key missing or not its certificate's is named, nothing copied), and the bundle's files
    are as its bundle.json's digests record; then its chaincode package, connection profile, README
    and bundle.json (with the digests of the files as now) are written. Run it again after each new
    bundle, and after each `recfin org user add ORG USER --keys DIR`, whose user it copies in too;
    then `recfin host join` and `recfin host approve`.

    \b
    Example:
      recfin host adopt-keys --bundle /var/recfin --keys /etc/recfin/bank2
      recfin host adopt-keys --keys bank2-keys --json
    """
    from network.bundle_keys import adopt_keys

    done = adopt_keys(bundle_root, keys_root, progress(as_json))
    emit({"org": done.org, "msp_id": done.msp_id, "bundle": done.root, "package_id": done.package_id,
          "files": len(done.files), "missing": ", ".join(done.missing) or None},
         as_json=as_json, columns=["org", "msp_id", "bundle", "package_id", "files", "missing"])


@host.command()
@_bundle_options
@reports_errors
def join(bundle_root, timeout, as_json):
    """Join the org's peer(s) to the channel with the bundle's genesis block.

    \b
    Example:
      recfin host join --bundle /var/recfin
    """
    ops = _operations(bundle_root, timeout, as_json, reads_block=True)
    with ops.peers_answering(_again("join", bundle_root)):
        joined = ops.join()
    rows = [{"peer": name, "channel": ops.host.topology.channel, "joined_now": now} for name, now in joined.items()]
    emit(rows, as_json=as_json, columns=["peer", "channel", "joined_now"])


@host.command()
@_bundle_options
@click.option("--commit", "and_commit", is_flag=True,
              help="Then commit the definition, if every org has approved it (any one org may commit).")
@reports_errors
def approve(bundle_root, timeout, as_json, and_commit):
    """Install the org's chaincode package and approve the definition the network agreed.

    The definition is the bundle's: its version (which names the contract configuration's digest),
    endorsement policy and collections. When the channel already runs that version, the org
    approves the committed definition, so its peer runs the chaincode too; otherwise it approves
    the next sequence, which is committed once every org has approved it. With --commit, an org
    that approves last commits too; while approvals are missing, the result names them
    (waiting_for, committed_now false) and the exit status is still 0.

    \b
    Example:
      recfin host approve --bundle /var/recfin
      recfin host approve --commit --json
    """
    ops = _operations(bundle_root, timeout, as_json)
    with ops.peers_answering(_again("approve" + (" --commit" if and_commit else ""), bundle_root)):
        approval = ops.approve()
    result = {"org": ops.host.msp_id, "chaincode": ops.host.chaincode_name, "version": ops.host.chaincode_version,
              "sequence": approval.sequence, "approved_now": approval.approved_now,
              "already_committed": approval.committed,
              "waiting_for": sorted(msp for msp, ok in approval.approvals.items() if not ok)}
    if and_commit and not approval.committed:
        # Any org may commit, but only once every org has approved: until then this approval is the result.
        result["committed_now"] = not result["waiting_for"]
        if result["committed_now"]:
            with ops.peers_answering(_again("commit", bundle_root)):
                ops.commit()
        else:
            progress(as_json)(f"not committed yet: waiting for {', '.join(result['waiting_for'])} to approve "
                              f"(`recfin host approve` on their hosts); then run `recfin host commit`")
    emit(result, as_json=as_json, columns=list(result))


@host.command()
@_bundle_options
@reports_errors
def commit(bundle_root, timeout, as_json):
    """Commit the definition every org has approved (refused, naming who has not, until then).

    When the channel already runs the bundle's version (another org committed it, or an earlier run whose
    `peer` call timed out did), nothing is committed: committed_now is false and the exit status 0.

    \b
    Example:
      recfin host commit --bundle /var/recfin --json
    """
    ops = _operations(bundle_root, timeout, as_json)
    with ops.peers_answering(_again("commit", bundle_root)):
        sequence, in_force = ops.approval_target()
        if in_force is None:
            sequence = ops.commit()
    if in_force is not None:
        progress(as_json)(f"{ops.host.chaincode_name} {ops.host.chaincode_version} is committed already, at "
                          f"sequence {sequence}: nothing to commit")
    emit({"chaincode": ops.host.chaincode_name, "version": ops.host.chaincode_version, "sequence": sequence,
          "committed_now": in_force is None}, as_json=as_json,
         columns=["chaincode", "version", "sequence", "committed_now"])


@host.command()
@_bundle_options
@reports_errors
def status(bundle_root, timeout, as_json):
    """The org's peers (joined, block height, package installed), its package and the committed definition.

    A joined peer's height is read from its metrics at 127.0.0.1:<operations_port>, where the
    bundle's compose publishes them (so run it on the host the bundle's containers run on), else
    with `peer channel getinfo`. Whether the package is installed is asked of each peer,
    "unknown" (null in --json) while it does not answer; the line of the package gives the first
    peer's. The committed definition is asked of the first peer, unknown (null) until it has
    joined the channel.

    The org's chaincode server is asked of Docker (`docker container inspect`), as
    `recfin network compose-status` asks it: its container's healthcheck asks its /healthz, whose
    port the bundle does not publish. Its health is unknown (null) where Docker cannot say.

    Exit status: 0 when every peer of the org answers and has joined the channel and, once a
    definition is committed, it is the bundle's version, approved by the org, with the bundle's
    package installed on each peer and its chaincode server's container running healthy (nothing
    committed yet, or a server's health unknown, counts as no failure); 1 otherwise, naming on
    stderr each thing wrong with what to do (with --json, also in "problems").

    \b
    Example:
      recfin host status --bundle /var/recfin
    """
    report = _operations(bundle_root, timeout, as_json).status()
    if as_json:
        emit(report, as_json=True)
    else:
        _print_status(report)
    for problem in report["problems"]:
        click.echo(problem, err=True)
    if report["problems"]:
        raise SystemExit(1)


def _print_status(report: dict) -> None:
    """The status report as a table of the org's peers, then a line each for its package and the definition."""
    emit(report["peers"], as_json=False, columns=PEER_COLUMNS)
    committed, first = report["committed"], report["peers"][0]     # the peer the lifecycle calls go to
    unanswered = f"{first['peer']} did not answer: see its error above"
    installed = {True: "installed", False: "not installed"}.get(report["installed"],
                                                                f"unknown ({unanswered})")
    click.echo(f"package {report['package_id']}: {installed}")
    if committed is None and first["joined"]:
        click.echo(f"{report['channel']}: no definition of the chaincode committed")
    elif committed is None:
        why = unanswered if first["joined"] is None else \
            f"{first['peer']} has not joined {report['channel']}: `recfin host join`"
        click.echo(f"{report['channel']}: committed definition unknown ({why})")
    else:
        click.echo(f"{report['channel']}: version {committed['version']} sequence {committed['sequence']} committed; "
                   f"this bundle's version {report['chaincode_version']} "
                   f"{'is' if committed['is_bundle_version'] else 'is not'} the one committed; "
                   f"{report['msp_id']} {'has' if committed['approved_by_us'] else 'has not'} approved it")
    server = report["chaincode_server"]
    health = {True: "healthy", False: "not healthy"}.get(server["healthy"], "health unknown")
    # one not healthy is named on stderr with the other problems; one of unknown health only here
    click.echo(f"chaincode server {server['name']} (container {server['container']}): {health}"
               + (f" ({server['problem']})" if server["healthy"] is None else ""))
