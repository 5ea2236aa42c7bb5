"""`recfin org ...`: onboard and offboard orgs on the running channel, and bundle an org for its own host."""
from __future__ import annotations

from typing import TYPE_CHECKING

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import click

from network.errors import NetworkError, shell_word, shell_words

from . import connection
from .network_commands import topology_option
from .host_commands import default_install_root
from .options import (OutputFileType, PathType, ROLE_HELP, ReadWhenShown, RoleType, credit_code_option,
                      timeout_option)
from .request_ids import EXIT_INTERRUPTED, AnswerLost, may_have_committed, terminations_raised
from .output import as_typed, emit, file_refused, one_line, progress, read_option_file, reports_errors

if TYPE_CHECKING:
    from client.receivables import Party
    from network import Network, membership, org_users
    from network.org_change import OrgChange
    from network.org_membership import ClaimsCheck, OrgMembership
    from network.org_update_file import NotAnUpdateFile
    from .org_steps import ChannelStepWatched

CHANGE_COLUMNS = ("element", "kind", "version", "new_version")


@click.group()
def org() -> None:
    """Add and remove orgs on the running channel, issue and revoke their users; per-org bundles for running an
    org on its own host.

    \b
    Example:
      recfin org add bank2 --role bank --enterprise 91110000MA1K00007E --dry-run
      recfin org bundle supplier --out /tmp/supplier-bundle
    """


def _sign_as_option(fn):
    return click.option("--sign-as", "sign_as", multiple=True, metavar="ORG",
                        help="Sign the update as this org's admin only (repeatable; default: every org admin "
                             "of the channel whose keys are in the data folder).")(fn)


def _a_writable_update_file(_ctx: click.Context, _param: click.Parameter, path: Path | None) -> Path | None:
    """--update-out refused before the channel config is read or the update signed where no file can be written
    there: the update file's writer makes a missing folder (a mistyped path's), and a file on the way failed only
    once the update was signed."""
    from client.atomic_file import check_output_file

    if path is not None and (problem := check_output_file(path)) is not None:
        raise click.BadParameter(f"cannot write the update to {as_typed(str(path))}: {problem}")
    return path


def _plan_options(fn, timeout=timeout_option("Seconds to wait for each node or signal.")):
    fn = click.option("--json", "as_json", is_flag=True, help="Print the update and the policy verdict as JSON.")(fn)
    fn = click.option("--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
                      help="The running network's data folder (default: the topology's).")(fn)
    fn = timeout(fn)
    fn = click.option("--config-block", type=PathType(exists=True, dir_okay=False, path_type=Path), default=None,
                      help="With --dry-run or --update-out: compute against this config block (e.g. from "
                           "`peer channel fetch config`) instead of fetching the channel's.")(fn)
    fn = click.option("--no-sign", is_flag=True,
                      help="With --update-out: write the update unsigned (each org admin signs on its own host).")(fn)
    fn = click.option("--update-out", type=OutputFileType(path_type=Path, checked_before_replacing=True), default=None,
                      callback=_a_writable_update_file,
                      help="Compute and sign the update, write it to this file for the other org admins "
                           "(`recfin org sign`, or `peer channel signconfigtx` for an org whose MSP is SHA2: "
                           "it signs over SHA-256 whatever the channel config says) and stop: nothing "
                           "submitted. A file there that holds no config update is refused, not written "
                           "over; a path in a folder that is not there (it is not made) is refused before "
                           "anything is signed.")(fn)
    fn = click.option("--dry-run", is_flag=True,
                      help="Compute, sign and check the config update, print it with the policy verdict "
                           "and, where the run would refuse to send it (its submitter's own signature, "
                           "which `peer channel update` makes over SHA-256, counting for nothing for an "
                           "org whose MSP is SHA3), that refusal and what to do; submit nothing, start "
                           "nothing, write nothing in the data folder.")(fn)
    return _sign_as_option(fn)


def _render(change: OrgChange | None, as_json: bool, submitted: bool, checked_as_sent: bool = False,
            refused: str | None = None) -> None:
    """checked_as_sent: a dry run's update judged as its run sends it, which would refuse it with ``refused``
    (None: it sends it) before sending anything (_as_it_would_be_sent)."""
    if change is None:
        emit({"submitted": False, "reason": "the channel config already matched"}, as_json=as_json)
        return
    summary = change.summary() | {"submitted": submitted}
    if checked_as_sent:
        summary = _as_it_would_be_sent(summary, refused)
    if as_json:
        emit(summary, as_json=True)
        return
    click.echo(f"{summary['action']} {summary['org']} ({summary['msp_id']}) on channel {summary['channel']}")
    click.echo(_parties_line(summary))
    _render_changes(summary)
    if "msp" in summary:
        msp = summary["msp"]
        click.echo(f"MSP {msp['name']}: {msp['root_certs']} root CA, {msp['tls_root_certs']} TLS root CA, "
                   f"NodeOUs {', '.join(sorted(msp['node_ous'])) or 'off'}; anchor peers "
                   f"{', '.join(summary['anchor_peers']) or '-'}; policies {', '.join(summary['org_policies'])}")
    click.echo(f"signed by: {', '.join(summary['signed_by']) or 'nobody'}")
    _render_not_counted(summary)
    _render_policy(summary)
    click.echo("submitted" if submitted else "dry run: nothing submitted")


def _as_it_would_be_sent(summary: dict, refused: str | None) -> dict:
    """A dry run's summary judged as its run sends the update: `refused`, the run's refusal (None: it would
    send it), and `policy_satisfied` false when refused, where the signatures collected may meet every policy
    (`verdict`, each of `policies`) but not as the ordering service would get them (the `peer` CLI's own
    signature as the submitter, over SHA-256, counting for nothing for an org whose MSP is SHA3)."""
    return summary | {"refused": refused, "policy_satisfied": summary["policy_satisfied"] and refused is None}


def _render_policy(summary: dict) -> None:
    """The policy verdict line; for a dry run whose run would refuse an update its signatures satisfy, that
    refusal, with what to do, in the run's words."""
    signatures_satisfy = all(policy["satisfied"] for policy in summary["policies"])
    if summary.get("refused") is not None and signatures_satisfy:
        click.echo(f"policy: met by the signatures collected, NOT as the ordering service would get them: "
                   f"{summary['verdict']}")
        click.echo(f"the run would refuse it: {summary['refused']}")
        return
    satisfied = "satisfied" if summary["policy_satisfied"] else "NOT satisfied"
    click.echo(f"policy: {satisfied}: {summary['verdict']}")


def _render_changes(summary: dict) -> None:
    """What the update changes: the rows of its elements, and the members a bumped group drops."""
    emit(summary["changes"], as_json=False, columns=CHANGE_COLUMNS)
    for removed in summary["removed_members"]:
        click.echo(f"removes: {removed}")


def _render_not_counted(summary: dict) -> None:
    for refused in summary["invalid_signatures"]:
        click.echo(f"not counted: {refused}")


def _signers(sign_as: tuple[str, ...], no_sign: bool, update_out: Path | None) -> list[str] | None:
    if no_sign and update_out is None:
        raise click.UsageError("--no-sign is for --update-out: a submitted update needs signatures")
    if no_sign and sign_as:
        raise click.UsageError("give --no-sign or --sign-as, not both")
    return [] if no_sign else (list(sign_as) or None)


def _write_update(members: OrgMembership, change: OrgChange, update_out: Path, as_json: bool) -> None:
    from network.org_change import parties_of

    path = members.write_update(change, update_out)
    planned = change.summary()
    summary = {"file": str(path), "action": change.action, "msp_id": change.org.msp_id, **parties_of(change.org),
               "changes": planned["changes"], "removed_members": planned["removed_members"],
               "signed_by": sorted(change.signatures), "invalid_signatures": change.verdict.invalid_signatures,
               "missing": change.verdict.missing,
               "policy_satisfied": change.verdict.ok, "verdict": change.verdict.describe(), "submitted": False}
    _render_file(summary, as_json, f"update written to {path}: nothing submitted")


def _parties_line(summary: dict) -> str:
    """The org's role, who its users act for and its host's address: what the admins sign besides the
    certificates."""
    return (f"role {summary['role']}; acting for {', '.join(summary['enterprises']) or '-'}; "
            f"users {', '.join(summary['users']) or '-'}; host address {summary['address'] or '- (DNS)'}")


def _render_file(summary: dict, as_json: bool, headline: str) -> None:
    if as_json:
        emit(summary, as_json=True)
        return
    click.echo(headline)
    click.echo(f"{summary['action']} {summary['msp_id']}; signed by: {', '.join(summary['signed_by']) or 'nobody'}")
    if "role" in summary:
        click.echo(_parties_line(summary))
    _render_changes(summary)    # every element the file changes, not only the org it names
    if summary.get("already_applied"):
        return                  # the channel has it: no signature is still needed
    _render_not_counted(summary)
    if summary["policy_satisfied"]:
        click.echo(f"policy: satisfied: {summary['verdict']}")
    else:
        click.echo(f"policy: NOT satisfied: {summary['verdict']}")
        if summary["missing"]:      # none: no signature can meet it, as the verdict says
            # a company's admin signs on its own host, from its bundle; --as picks one of several admins held here
            click.echo(f"still to sign (each org's admin: `recfin org sign {shell_word(summary['file'])} --bundle DIR` "
                       f"on its own host, or `--as ORG` where its keys are): {', '.join(summary['missing'])}")


def _current(config_block: Path | None, offline: bool, net: Network | None = None):
    """The config block to compute against: only for what submits nothing (--dry-run, --update-out). None: the
    channel's config is fetched, which ``net``'s data folder must hold a network for (checked when given)."""
    from network import channel_config

    if config_block is None:
        if net is not None:
            _refuse_without_a_network(net, offline)
            if offline:
                _refuse_without_peer_cli(net)
        return None
    if not offline:
        raise click.UsageError("--config-block is for --dry-run and --update-out: a submitted change always "
                               "starts from the channel's config")
    block = read_option_file(config_block, "--config-block", "the channel's config block (peer channel fetch config)")
    try:
        return channel_config.config_from_block(block)
    except NetworkError as exc:   # read, but no config block
        raise file_refused("--config-block", f"{as_typed(config_block)}: {one_line(exc)}") from None


def _csr_public_key(csr_file: Path):
    """The public key of the certificate request --csr names; one that is no request a Fabric client could
    use is refused as the file --csr names (exit 2), as one that cannot be read is."""
    from network import org_users

    request = read_option_file(csr_file, "--csr", "a PEM certificate request")
    try:
        return org_users.csr_public_key(request, str(csr_file))
    except NetworkError as exc:
        raise file_refused("--csr", one_line(exc)) from None


def _refuse_without_a_network(net: Network, computed_offline: bool) -> None:
    """Before a change fetches the channel's config: a data folder no network was set up in (no crypto material, so
    no org admin's keys to fetch it with) is named as such, with what to do, rather than failing on the missing
    keys. ``computed_offline``: a dry run or --update-out, which --config-block computes without the network."""
    if (net.data_root / "crypto").is_dir():
        return
    offline = (", or compute the update without the network from the channel's config block: --config-block FILE "
               "(e.g. from `peer channel fetch config`)") if computed_offline else ""
    raise NetworkError(f"no network is set up in {net.data_root}: no org admin of the channel has its keys there to "
                       f"fetch the channel's config with. Run `recfin network up` first, or point --data-root (or "
                       f"RECFIN_HOME) at the network's data folder{offline}")


def _refuse_without_peer_cli(net: Network) -> None:
    """A dry run or --update-out that would fetch the channel's config on a host without Fabric's `peer`: the
    missing install is said with what else computes it here, the channel's config block (--config-block)."""
    from network.errors import MissingBinariesError

    try:
        net.fabric.require(("peer",))
    except MissingBinariesError as missing:
        raise MissingBinariesError(f"{missing}; or compute the update without Fabric here, from the channel's config "
                                   f"block: --config-block FILE (written by `peer channel fetch config` on a host "
                                   f"that has Fabric)") from None


def _role_options(fn):
    fn = click.option("--enterprise", default=None, metavar="CREDIT_CODE", callback=_ENTERPRISE_CODE,
                      help="Unified social credit code of the enterprise the org's users act for (all roles but "
                           "regulator); read in capitals, as GB 32100-2015 writes it.")(fn)
    return click.option("--role", default=None, type=RoleType(contract_names=False),
                        help=f"What the org's parties do on the channel ({ROLE_HELP}).")(fn)


def _new_name(whose: str):
    """A click callback refusing a new org's or user's name that breaks the naming rule (exit 2), before anything
    is read or made: one line with the rule, where the spec's own checks would name its MSP ID and domain too."""
    def check(_ctx, _param, name: str) -> str:
        from network import membership

        if (refusal := membership.name_refusal(name, whose)) is not None:
            raise click.BadParameter(refusal)
        return name
    return check


def _check_stated_enterprise(role: str, enterprise: str | None, *, new_org: bool) -> None:
    """--enterprise as the role needs it, before anything is read or made: refused for a regulator, whose users act
    for no enterprise; required for any other role's new org (an org of topology.yaml that `org add` brings back
    has its own, so there it may be left out)."""
    from network import membership

    if enterprise is None and not new_org:
        return
    if (refusal := membership.enterprise_refusal(role, enterprise)) is not None:
        if enterprise is None:
            raise click.UsageError(refusal)
        raise click.BadParameter(refusal, param_hint="'--enterprise'")


# --enterprise, and recfin.enterprise of `org user add --attr`: a code the contract would refuse is refused before
# anything is read or made, and one typed in lower case is the code in capitals, as the party commands read it
# (the certificates carry it so, and the contract keys the enterprise's party by it)
_ENTERPRISE_CODE = credit_code_option("for a regulator org, whose users act for no enterprise", capitals_read=True)
_ATTR_ENTERPRISE_CODE = credit_code_option(capitals_read=True)


def _enterprise_attr(enterprise: str, param_hint: str) -> str:
    """recfin.enterprise given as --attr (param_hint: the option quoted as click names one), checked and read as
    --enterprise is."""
    try:
        return _ATTR_ENTERPRISE_CODE(click.get_current_context(), None, enterprise)  # type: ignore[arg-type]
    except click.BadParameter as refused:
        raise click.BadParameter(refused.message, param_hint=param_hint) from None


def _check_defined_as_stated(definition: Path, spec, role: str, enterprise: str | None) -> None:
    """The role and enterprise a company's definition gives its org must be the ones the admin states: the
    admins sign the role the org's parties will have, which is not theirs to read off the company's file."""
    from network.membership import CONTRACT_ROLES, ROLE_ATTRS

    stated = {"recfin.role": ROLE_ATTRS[role]} | ({"recfin.enterprise": enterprise} if enterprise else {})
    given = [user.attrs for user in spec.users]
    if spec.role != CONTRACT_ROLES[role] or any({k: a.get(k) for k in stated} != stated for a in given) or (
            enterprise is None and any("recfin.enterprise" in a for a in given)):
        defined_as = sorted({a.get("recfin.enterprise") or "-" for a in given})
        raise click.UsageError(f"{definition} defines {spec.name} as a {spec.role} acting for "
                               f"{', '.join(defined_as)}, not as --role {role}"
                               f"{f' --enterprise {enterprise}' if enterprise else ''}: ask the company to run "
                               f"`recfin org keys` with the role and enterprise agreed, or correct yours")


@org.command("add")
@topology_option
@click.argument("name", callback=_new_name("an org's"))
@_role_options
@click.option("--definition", type=PathType(exists=True, dir_okay=False, path_type=Path, reads=True), default=None,
              help="The org's public definition from `recfin org keys` on its own host, with the --role and "
                   "--enterprise agreed, which it must match: the update is built from its certificates, no key "
                   "of it is made or read here. It carries the CRLs of the org's CA (one in the older format "
                   "`recfin.org-definition/1` carries none): refused when this host's data folder or the channel "
                   "holds a later CRL of that CA. With --update-out or --dry-run.")
@click.option("--address", default=None, metavar="IP",
              help="The IPv4 or IPv6 address other hosts reach the org's host at: recorded in its spec as a "
                   "topology `address:` is, so `recfin org bundle` writes it into the bundles' hosts lines and "
                   "extra_hosts (default: none, its names left to DNS). The native runtime does not read it.")
@_plan_options
@reports_errors
def add_command(topology_path, name, role, enterprise, definition, address, sign_as, dry_run, update_out, no_sign,
                config_block, timeout, data_root, as_json):
    """Add org NAME to the running channel: crypto, config update signed by the org admins, peer, chaincode.

    The update adding its MSP, anchor peer and policies is checked against the channel's policies
    (MAJORITY of the org admins) before the org's crypto is made: what is missing is named, and
    nothing of the org is written or submitted. Then its peer starts and joins, and the receivables
    chaincode is deployed again as a new sequence: its contract configuration gives the org's MSP the
    role (a bank's officers may then register and offer), with the offer-terms collections that
    brings, and every org's chaincode server restarts with it. Any other deployed chaincode is
    installed and approved for the org at its committed sequence.

    With --definition the org made its own keys on its own host (`recfin org keys`): the update is
    computed from the certificates in that file (refused unless each chains to the org's own CA, and
    where one is the CA of an org already in the channel) and
    written with --update-out, to go on with `recfin org sign` and `recfin org submit --channel-only`;
    the company starts its node from its bundle.

    --address gives the org's host, where its peer and chaincode server run on separate hosts: the
    update carries it with the org's spec, and the data folder that records the org (this one, or the
    one `recfin org submit --channel-only` runs on) has it for `recfin org bundle`. It is refused, with
    nothing written, as a topology `address:` is: malformed, loopback, link-local, multicast,
    unspecified, broadcast, or with a zone.

    Stopped (Ctrl-C: exit 130; SIGTERM, SIGHUP: 128 + the signal) in its channel step, it says
    whether the channel has the org: nothing sent; not known (the same add with --dry-run tells:
    it refuses, saying the org is in the config, when it is); taken; or in force, the steps after
    it not finished here. The same add run again finishes it.

    \b
    Example:
      recfin org add bank2 --role bank --enterprise 91110000MA1K00007E --dry-run
      recfin org add bank2 --role bank --enterprise 91110000MA1K00007E --json
      recfin org add bank2 --role bank --enterprise 91110000MA1K00007E --update-out bank2.tx
      recfin org add bank2 --role bank --enterprise 91110000MA1K00007E --address 198.51.100.20 --update-out bank2.tx --json
      recfin org add bank2 --role bank --enterprise 91110000MA1K00007E --definition bank2.definition.json --update-out bank2.tx
    """
    from network import Network, org_definition_file
    from network.topology import address_refusal

    from .org_steps import ChannelStepWatched

    if address is not None and (refusal := address_refusal(f"org {name}", address, "--address")) is not None:
        raise click.BadParameter(refusal, param_hint="'--address'")
    if role is None:
        raise click.UsageError("give --role: what the org's parties do on the channel (with --definition too, "
                               "so the admins say the role they sign for, not the file)")
    _check_stated_enterprise(role, enterprise, new_org=False)
    if definition is not None and update_out is None and not dry_run:
        raise click.UsageError("--definition is for --update-out (or --dry-run): the org's keys are on its own host, "
                               "so its node starts there; the update goes on with `recfin org sign` and "
                               "`recfin org submit --channel-only`")
    net = Network.load(topology_path, data_root=data_root, say=progress(as_json), timeout=timeout)
    members = ChannelStepWatched(net)
    signers = _signers(sign_as, no_sign, update_out)
    if definition is not None:
        if update_out is not None and dry_run:
            raise click.UsageError("give --dry-run or --update-out, not both")
        try:
            defined = org_definition_file.read(definition)
            org_definition_file.check_in_validity(defined, definition)
        except NetworkError as exc:   # unreadable, a field wrong, or a certificate out of its validity: the
            # message names the file and the field
            raise file_refused("--definition", one_line(exc)) from None
        if defined.org.name != name:
            raise click.UsageError(f"{definition} defines org {defined.org.name}, not {name}")
        _check_defined_as_stated(definition, defined.org, role, enterprise)
        change = members.plan_add_definition(defined, signers, _current(config_block, True, net), address,
                                             dry_run=dry_run)
        if dry_run:
            _render(change, as_json, submitted=False)
        else:
            _write_update(members, change, update_out, as_json)
        return
    if update_out is not None:
        if dry_run:
            raise click.UsageError("give --dry-run or --update-out, not both")
        _write_update(members, members.plan_add(name, role, enterprise, signers, _current(config_block, True, net),
                                                address=address),
                      update_out, as_json)
        return
    if dry_run:
        current = _current(config_block, dry_run, net)
        change = members.plan_add(name, role, enterprise, signers, current, throwaway_crypto=True, address=address)
        _render(change, as_json, submitted=False, checked_as_sent=True,
                refused=members.submission_refusal(change))
        return
    _current(config_block, dry_run, net)
    with _channel_step(members, lambda: _addition(name, net.topology.channel, shell_words(
            ["recfin", "org", "add", name, "--role", role, *(["--enterprise", enterprise] if enterprise else []),
             *_acted_on(topology_path, data_root), "--dry-run"]))):
        change = members.add(name, role, enterprise, signers, address)
    _render(change, as_json, submitted=change is not None)
    progress(as_json)(f"{name} added: its connection profile is {net.data_root / 'profiles' / (name + '.json')}")


def _signature_policy_option(fn):
    return click.option("--signature-policy", default=None, metavar="POLICY",
                        help="The endorsement policy the chaincode is deployed again with once the org has left, "
                             "e.g. \"OutOf(2, 'BankMSP.peer', 'SupplierMSP.peer')\" (default: the one it has; "
                             "needed when that one names the leaving org; it may name only orgs that stay, and "
                             "every way of meeting it must take the peers of two orgs, as for `recfin chaincode "
                             "deploy`).")(fn)


def _claim_check_options(fn):
    fn = click.option("--no-claim-check", is_flag=True,
                      help="Remove the org without reading the ledger's claims (when no regulator's user "
                           "can read them from here), once sure that none would be stranded: a claim's "
                           "key-level policy names the orgs of its debtor, holder and financing bank, and "
                           "while it is frozen every regulator org, so once the org has left such a claim "
                           "could never be changed again.")(fn)
    return click.option("--claims-as", metavar="ORG[/USER]", default=None, callback=connection.names_a_caller,
                        help="Read the ledger's claims as this user of a regulator org, which must act for a "
                             "registered regulator (default: each regulator org's first client user in turn, the "
                             "leaving org's first).")(fn)


def _claims_check(data_root: Path, claims_as: str | None, no_claim_check: bool,
                  sends_nothing: bool = False) -> ClaimsCheck:
    """How the removal of an org reads the ledger's claims and their keys' endorsers
    (OrgMembership.check_claims_without): a session as --claims-as ORG[/USER], else as each regulator org's first
    client user in turn until one may read them. sends_nothing: a dry run or --update-out (warned, not refused,
    when they cannot be read)."""
    from network.org_membership import ClaimsCheck

    if no_claim_check and claims_as is not None:
        raise click.UsageError("give --claims-as or --no-claim-check, not both")
    chosen = connection.parse_as(claims_as) if claims_as is not None else None

    def as_a_regulator(regulator_orgs, reading):
        from client.gateway import GatewayError
        from client.receivables import RuleViolation
        from network.org_membership import ClaimsUnreadable

        failures = []
        for org_name, user in [chosen] if chosen else [(o.name, None) for o in regulator_orgs]:
            try:
                with connection.open_session(org_name, user, data_root) as session:
                    return reading(session.client)
            except (RuleViolation, GatewayError, NetworkError, OSError, ValueError, TypeError) as exc:
                failures.append(f"as {org_name}{f'/{user}' if user else ''}: {connection.describe(exc)}")
        raise ClaimsUnreadable("; ".join(failures))

    def read(statuses, regulator_orgs):
        return as_a_regulator(regulator_orgs, lambda client: [
            claim for status in statuses for claim in client.iter_receivables("status", status, page_size=100)])

    def endorsers(claim_ids, regulator_orgs):
        def reading(client):
            from client.gateway import GatewayError
            from client.receivables.errors import lacks_the_transaction

            try:
                return {claim_id: client.receivable_endorsers(claim_id) for claim_id in claim_ids}
            except GatewayError as exc:
                if lacks_the_transaction(exc):     # a contract deployed before the query existed
                    return None
                raise
        return as_a_regulator(regulator_orgs, reading)
    return ClaimsCheck(read=read, endorsers=endorsers, skipped=no_claim_check, sends_nothing=sends_nothing)


@org.command("remove")
@topology_option
@click.argument("name")
# its claims are read on the ledger: the --timeout of every ledger command, for those calls too
@functools.partial(_plan_options,
                   timeout=connection.call_and_wait_timeout_option("to wait for each node or signal"))
@_signature_policy_option
@_claim_check_options
@reports_errors
def remove_command(topology_path, name, sign_as, dry_run, update_out, no_sign, config_block, timeout, data_root,
                   as_json, signature_policy, claims_as, no_claim_check):
    """Remove org NAME from the running channel: config update signed by the org admins, then stop its nodes.

    Refused for the channel's last org of a role the receivables contract needs, and when the staying
    orgs' admins could no longer meet MAJORITY Admins (orgs locked out by their own CRL). Refused,
    naming them, while live claims' key-level policies name the org: one its parties owe, hold or
    finance, and for a regulator org a frozen claim, or one whose debtor and holder are parties of
    one org. The claims are
    read first as a regulator's user (--claims-as), and when they cannot be, it is refused unless
    --no-claim-check (a dry run or --update-out, which send nothing, warns instead: the removal and
    `org submit` read them). A claim counts only while its key's policy, as last written, names the
    org (a claim frozen before a regulator org joined does not).
    The receivables chaincode is then
    deployed again without the org in its configuration (its offer-terms collections
    stay in the definition, unused: Fabric never drops a collection; their member policies lose the org,
    which the channel no longer accepts as a member), with the endorsement policy it has (a derived one
    without the org); refused before anything changes when that policy names the org, until
    --signature-policy gives one without it, and when a fixed collections file (topology.yaml's
    chaincode.collections_config) names it, until the file no longer does. Also refused, while the org
    is in the channel, when another chaincode deployed here has an endorsement policy (given or derived
    at its deploy) the staying orgs cannot meet without it, or a collection naming it: deploy it again
    without the org first (the refusal names each and the command); once the org has left the channel,
    the removal finishes and prints those commands instead. The removal is recorded
    only once that deployment is done, so after a failure the same command finishes the job. The
    org's crypto and ledger stay in the data folder. Stopped (Ctrl-C: exit 130; SIGTERM, SIGHUP: 128 +
    the signal) in its channel step, it says whether the channel has dropped the org: nothing sent;
    not known (the same removal with --dry-run tells: it refuses, saying the org is gone, when it
    is); taken; or in force, the steps after it not finished here. The same removal run again
    finishes it.

    \b
    Example:
      recfin org remove bank2 --dry-run
      recfin org remove bank2 --sign-as bank --sign-as supplier --sign-as coreenterprise
      recfin org remove bank2 --signature-policy "AND('BankMSP.peer', 'SupplierMSP.peer')"
      recfin org remove bank2 --no-sign --update-out remove-bank2.tx
      recfin org remove regulator2 --claims-as regulator2/inspector1
    """
    from network import Network

    from .org_steps import ChannelStepWatched

    if signature_policy is not None and (dry_run or update_out is not None):
        raise click.UsageError("--signature-policy is for the chaincode deployed again after the removal: give it "
                               "to `recfin org remove` without --dry-run/--update-out, or to `recfin org submit`")
    net = Network.load(topology_path, data_root=data_root, say=progress(as_json), timeout=timeout)
    members = ChannelStepWatched(net)
    signers = _signers(sign_as, no_sign, update_out)
    claims = _claims_check(net.data_root, claims_as, no_claim_check,
                           sends_nothing=dry_run or update_out is not None)
    if update_out is not None:
        if dry_run:
            raise click.UsageError("give --dry-run or --update-out, not both")
        _write_update(members, members.plan_remove(name, signers, _current(config_block, True, net), claims),
                      update_out, as_json)
        return
    if dry_run:
        change = members.plan_remove(name, signers, _current(config_block, dry_run, net), claims, dry_run=True)
        _render(change, as_json, submitted=False, checked_as_sent=True,
                refused=members.submission_refusal(change))
        return
    _current(config_block, dry_run, net)
    with _channel_step(members, lambda: _removal(name, net.topology.channel, shell_words(
            ["recfin", "org", "remove", name, *_acted_on(topology_path, data_root), "--dry-run"]))):
        change = members.remove(name, signers, signature_policy, claims)
    _render(change, as_json, submitted=change is not None)


def _file_options(fn, timeout=timeout_option("Seconds to wait for each node or signal.")):
    fn = click.option("--json", "as_json", is_flag=True, help="Print the signers and the policy verdict as JSON.")(fn)
    fn = click.option("--bundle", "bundle_root", type=PathType(exists=True, file_okay=False, path_type=Path),
                      default=None,
                      help="On a company's host: act from its unpacked bundle (`recfin org bundle`), which gives "
                           "the network, the orderers' TLS CA and the admin (instead of --topology, --data-root).")(fn)
    fn = click.option("--msp-dir", type=PathType(exists=True, file_okay=False, path_type=Path), default=None,
                      help="The admin's MSP folder (signcerts, keystore), when it is not in the data folder.")(fn)
    fn = click.option("--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
                      help="The network's data folder (default: the topology's).")(fn)
    fn = timeout(fn)
    fn = click.argument("update_file", metavar="FILE",
                        type=PathType(exists=True, dir_okay=False, path_type=Path, reads=True))(fn)
    return topology_option(fn)


def _admin_as_option(acts: str, help_text: str):
    """``--as ORG``, the org whose admin ``acts`` on FILE (signs, submits): a blank one (an unset shell
    variable) is refused naming that org, not taken as left out, which means the default admin."""
    whose = f"the org whose admin {acts}"
    return click.option("--as", "as_org", default=None, metavar="ORG", help=help_text,
                        callback=lambda ctx, param, value: connection.not_blank(value, "--as", whose))


def _file_members(topology_path: Path | None, data_root: Path | None, bundle_root: Path | None, timeout: float,
                  as_json: bool, membership_class: type[OrgMembership] | None = None
                  ) -> tuple[OrgMembership, str | None]:
    """The channel's orgs as this host knows them (a ``membership_class``, by default OrgMembership), and the
    bundle's org when acting from a bundle."""
    from network.org_membership import OrgMembership

    membership_class = membership_class or OrgMembership
    from network import Network
    from network.bundle_host import BundleHost

    if bundle_root is None:
        net = Network.load(topology_path, data_root=data_root, say=progress(as_json), timeout=timeout)
        return membership_class(net), None
    given = click.get_current_context().get_parameter_source("topology_path") == click.core.ParameterSource.COMMANDLINE
    if given or data_root is not None:
        raise click.UsageError("--bundle gives the network and its data folder: leave out --topology and --data-root")
    host = BundleHost.open(bundle_root)
    net = Network(host.topology, data_root=bundle_root, say=progress(as_json), timeout=timeout)
    return membership_class(net), host.org


def _not_an_update_file(exc: NotAnUpdateFile) -> click.ClickException:
    """A FILE that is no update of this channel at all (the file alone shows it) as a usage error naming FILE
    (exit 2): the wrong file was given, which a script must tell from the update refused against the channel,
    the command's own answer (exit 1)."""
    return file_refused("FILE", one_line(exc))


@org.command("sign")
@_file_options
@_admin_as_option("signs", "The org (name or MSP ID) whose admin signs; its key from --msp-dir or the data "
                           "folder (default with --bundle: the bundle's org).")
@reports_errors
def sign_command(topology_path, update_file, timeout, data_root, msp_dir, bundle_root, as_json, as_org):
    """Add ORG's admin signature to the config update in FILE (written by `org add|remove --update-out`).

    The file is checked against the channel's current config, fetched as that admin: it must update
    this channel, be computed against the config in force (not an older one), add or remove one org
    and change nothing else (anything more is named), not be in the channel already, and not be
    signed by this admin already (a signature of it that Fabric would not count is replaced); a
    removal must not take the channel's last org of a role, which `org submit` refuses (it is
    written again once another org of that role has joined).
    Every element it changes and the policy verdict after signing are printed; pass the file on
    to the next admin, or to `recfin org submit` once it is satisfied.

    Exit status: 0 when signed; 2 for a usage error, a FILE that is no update of this channel at all
    as the file alone shows included (no config update transaction, a signature or the org spec it
    carries that cannot be read, a spec its own update contradicts, an update of another channel):
    the wrong file, named as FILE; 1 when the update is refused against the channel's config (stale
    versions, one the channel has already, a joining group other admins could act for, a signature
    that would count for nothing, an admin who signed already, a removal of the last org of a role)
    or for any other reason.

    \b
    Example:
      recfin org sign bank2.tx --as supplier
      recfin org sign bank2.tx --as BankMSP --msp-dir /etc/recfin/bank/admin/msp --json
      recfin org sign bank2.tx --bundle /var/recfin
    """
    from network.org_update_file import NotAnUpdateFile

    members, bundle_org = _file_members(topology_path, data_root, bundle_root, timeout, as_json)
    as_org = as_org or bundle_org
    if as_org is None:
        raise click.UsageError("give --as ORG: the org whose admin signs")
    try:
        signer, checked = members.sign_update_file(update_file, as_org, msp_dir)
    except NotAnUpdateFile as exc:
        raise _not_an_update_file(exc) from None
    _render_file(checked.summary() | {"signed_now": signer}, as_json, f"signed by {signer}: {update_file} updated")


@org.command("submit")
# a removal's claims are read on the ledger: the --timeout of every ledger command, for those calls too
@functools.partial(_file_options,
                   timeout=connection.call_and_wait_timeout_option("to wait for each node or signal"))
@_admin_as_option("submits", "Submit as this org's admin (name or MSP ID; default: an admin of a staying org "
                             "whose keys are in the data folder, one whose certificate has not ended, then "
                             "one whose MSP is SHA2 and that signed if any; with --bundle: the bundle's org). "
                             "An admin of an org whose MSP is SHA3 is refused before sending: `peer channel "
                             "update` signs as it over SHA-256, which its MSP does not verify; so is one whose "
                             "certificate has ended, as whom the `peer` CLI does not act.")
@click.option("--channel-only", is_flag=True,
              help="Submit and record the change in the data folder (not with --bundle), start and stop "
                   "nothing: for networks where each company runs its own node from its bundle (it then runs "
                   "`recfin host approve`). Any channel org's admin may submit so.")
@_signature_policy_option
@_claim_check_options
@reports_errors
def submit_command(topology_path, update_file, timeout, data_root, msp_dir, bundle_root, as_json, as_org,
                   channel_only, signature_policy, claims_as, no_claim_check):
    """Submit the signed config update in FILE, then finish the org's arrival or departure.

    Refused, naming the missing org admins, unless its signatures satisfy the channel's policies in
    the current config; refused too, as by `recfin org sign`, when it changes more than its org,
    and, for a removal not yet in the channel (not with --channel-only), as `recfin org remove` is
    while another chaincode deployed here needs the org for its endorsement policy or names it in
    a collection, naming each and the deploy that frees it. Then, as `recfin org add` does: the new
    org's peer starts and joins, the chaincode is deployed again and the connection profiles written
    (or, for a removal, the org's nodes stop and the chaincode is deployed again without it, refused
    before anything is sent while its endorsement policy names the org, until --signature-policy
    gives one without it); that runs where the new org's keys are, the host that wrote the file.
    With --channel-only nothing starts or stops: any channel org's admin can submit from its own
    host, since FILE carries the org's spec; the change is recorded in the data folder (not with
    --bundle, whose next version names it) and each company's next steps are printed. A FILE the
    channel already has is not sent again: only the steps after it run (so the host the bundles are
    written from can record it afterwards); a removal the data folder records as finished is refused
    saying so (unless --channel-only), as `recfin org remove` is. A removal is refused while live
    claims' key-level policies name the org, as by `recfin org remove` (--claims-as,
    --no-claim-check).

    Exit status: 0 when submitted, or already in the channel; 2 for a usage error, a FILE that is no
    update of this channel at all as the file alone shows included (as for `recfin org sign`): the
    wrong file, named as FILE; 1 when the update is refused against the channel's config (signatures
    short of the policy, stale versions, a joining group other admins could act for, more than its
    org changed) or for any other reason. Stopped (Ctrl-C: 130; SIGTERM, SIGHUP: 128 + the signal) in
    its channel step, it says whether the channel has the update: nothing sent; not known; taken; or
    in force, the steps after it not finished here. The same submit run again finishes it.

    \b
    Example:
      recfin org submit bank2.tx
      recfin org submit remove-bank2.tx --json
      recfin org submit remove-bank2.tx --signature-policy "AND('BankMSP.peer', 'SupplierMSP.peer')"
      recfin org submit bank2.tx --channel-only --data-root .recfin/hosts
      recfin org submit bank2.tx --channel-only --bundle /var/recfin
      recfin org submit bank2.tx --channel-only --as supplier --msp-dir /etc/recfin/supplier/admin/msp
    """
    from network.org_update_file import NotAnUpdateFile

    from .org_steps import ChannelStepWatched

    if msp_dir is not None and as_org is None and bundle_root is None:
        raise click.UsageError("--msp-dir is the admin of --as ORG: give both")
    if bundle_root is not None and not channel_only:
        raise click.UsageError("--bundle submits with --channel-only: a company's host runs its node from its "
                               "bundle, so nothing is started or stopped there")
    members, bundle_org = _file_members(topology_path, data_root, bundle_root, timeout, as_json, ChannelStepWatched)
    try:
        with _channel_step(members, lambda: _file_update(update_file, members.topology.channel, channel_only,
                                                         record=bundle_root is None)):
            checked = members.submit_update_file(update_file, channel_only=channel_only,
                                                 as_org=as_org or bundle_org, msp_dir=msp_dir,
                                                 record=bundle_root is None,
                                                 signature_policy=signature_policy,
                                                 claims=_claims_check(members.root, claims_as, no_claim_check),
                                                 # a bundle gives the network: an env topology was not used
                                                 topology_path=topology_path if bundle_root is None else None)
    except NotAnUpdateFile as exc:
        raise _not_an_update_file(exc) from None
    headline = (f"the channel already had the update in {update_file}: nothing submitted" if checked.applied
                else f"{update_file} submitted")
    _render_file(checked.summary() | {"submitted": not checked.applied}, as_json, headline)


@org.command("keys")
@topology_option
@click.argument("name", callback=_new_name("an org's"))
@_role_options
@click.option("--out", type=PathType(file_okay=False, path_type=Path), default=None,
              help="Folder for the keys and the definition (default: ./<NAME>-keys). Run again, the keys in it "
                   "are kept.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@reports_errors
def keys_command(topology_path, name, role, enterprise, out, as_json):
    """On a joining company's own host: make org NAME's keys, and the public definition to send.

    Its CA, TLS CA, peer, admin and user identities and chaincode TLS pairs are generated into
    OUT/crypto/NAME/ and stay on this host. OUT/NAME.definition.json holds the org's spec, its
    verifying MSP (CA and TLS CA certificates, NodeOUs, and the CRLs in its msp/crls/, which
    `org user revoke --keys` writes into the definition again itself, so an org added back keeps its
    revocations; a definition with CRLs is format recfin.org-definition/2, which an older recfin
    refuses), its admin's
    certificate and its anchor peer: no key. Send it to a channel org's admin, who runs `recfin org
    add NAME --role ROLE [--enterprise CODE] --definition FILE --update-out F` with the role agreed.
    --topology is the network's topology.yaml (any bundle holds one): the new org's ports and domain
    follow it.

    \b
    Example:
      recfin org keys bank2 --role bank --enterprise 91110000MA1K00007E --topology /var/recfin/topology.yaml
      recfin org keys bank2 --role bank --enterprise 91110000MA1K00007E --out /etc/recfin/bank2 --json
    """
    from network import org_keys
    from network.topology import load as load_topology

    if role is None:
        raise click.UsageError("give --role: what the org's parties do on the channel")
    _check_stated_enterprise(role, enterprise, new_org=True)
    made = org_keys.make(load_topology(topology_path), name, role, enterprise, out or Path(f"{name}-keys"))
    org_spec, anchors = made.definition.org, made.definition.anchor_peers
    summary = {"org": org_spec.name, "msp_id": org_spec.msp_id, "keys": made.crypto,
               "definition": made.definition_path,
               "anchor_peers": ", ".join(f"{host}:{port}" for host, port in anchors)}
    emit(summary, as_json=as_json, columns=list(summary))
    progress(as_json)(f"keep {made.crypto} on this host; send {made.definition_path} to a channel org's admin: "
                      f"recfin org add {org_spec.name} --role {role}"
                      f"{f' --enterprise {enterprise}' if enterprise else ''} --definition "
                      f"{made.definition_path.name} --update-out {org_spec.name}.tx")


def _install_root(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    """--install-root: the profile and compose file name files under it on the org's host, where a relative path
    would be read from whatever folder they are used in, and a control character (a line break) would split the
    lines of the README and the compose file that quote it. A `$` viper expands is refused too: `recfin host` runs
    the `peer` CLI from the bundle, and refuses one unpacked there."""
    from network import bundle
    from network.nodeconfig import expanded_dollar_problem

    text = str(value)   # as typed: a Path would show "" as "."
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise click.BadParameter(f"{text!r} has a control character: give the absolute path of the folder the org "
                                 f"unpacks the bundle into on its host, e.g. {bundle.DEFAULT_INSTALL_ROOT}")
    if not text.startswith("/"):
        raise click.BadParameter(f"{text!r} is not an absolute path: give the absolute path of the folder the org "
                                 f"unpacks the bundle into on its host, e.g. {bundle.DEFAULT_INSTALL_ROOT}")
    # said here, where the bundle is written, rather than by BundleHost.open on the org's host
    fix = "give --install-root a folder whose path"
    if (problem := expanded_dollar_problem(Path(text), folder_named="the install root", fix=fix)) is not None:
        raise click.BadParameter(problem)
    return Path(text)


@org.command("bundle")
@topology_option
@click.argument("org_name", metavar="ORG")
@click.option("--out", type=PathType(file_okay=False, path_type=Path), default=None,
              help="Folder to write (default: <hosts data folder>/bundles/<org>). ORG's earlier bundle there is "
                   "replaced; another org's is refused, and so is a folder inside any bundle (its keys would go "
                   "with that bundle) or inside the data folder's crypto/ (every later bundle is copied from "
                   "there), by any path to it: a link, another spelling, or a bind mount of the folder or of one "
                   "inside it.")
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
              help="Data folder prepared with `recfin network prepare --hostnames` (default: $RECFIN_HOSTS_DATA, "
                   "else .recfin/hosts next to the native data folder).")
@click.option("--install-root", type=PathType(file_okay=False, path_type=str), cls=ReadWhenShown,
              default=lambda: str(default_install_root()), show_default=True, callback=_install_root,
              help="Where the org will unpack the bundle on its host (paths in the profile): an absolute path, "
                   "with no $ that Fabric expands (`recfin host` refuses a bundle there).")
@click.option("--json", "as_json", is_flag=True, help="Print the bundle's summary as JSON.")
@reports_errors
def bundle_command(topology_path, org_name, out, data_root, install_root, as_json):
    """Write ORG's bundle: its own MSP and TLS material, the others' certificates, its peer and
    chaincode-server compose file, endpoints, connection profile and a README; where the topology
    gives host addresses (`address:`), its /etc/hosts lines and the peers' extra_hosts too.

    ORG is an org name or MSP ID (supplier, BankMSP, ...). The bundle is built beside the folder and
    renamed into place once complete; what a run stopped midway (killed) left there is finished or
    cleaned up by the next run, which says which.

    \b
    Example:
      recfin org bundle supplier --out /tmp/supplier-bundle --json
    """
    from network import bundle, compose, membership
    from network.topology import load as load_topology

    topo = load_topology(topology_path).on_hosts()
    data_root = data_root or compose.hosts_data_root(topo)
    # an org added by `recfin org add` too; one removed is refused saying so
    name = bundle.channel_org(topo, membership.effective(topo, data_root), data_root, org_name).name
    # each step finishing or cleaning up a stopped run said as it is done: the write may still fail after it
    result = bundle.write(topo, data_root, name, out or bundle.default_out(data_root, name), install_root,
                          said=lambda line: click.echo(f"note: {line}", err=True))
    summary = {"org": result.org, "msp_id": result.msp_id, "folder": result.root, "files": len(result.files),
               "install_root": result.install_root, "missing": ", ".join(result.missing) or None}
    emit(summary, as_json=as_json, columns=list(summary))
    for item in result.missing:
        click.echo(f"warning: not in the bundle yet: {item}", err=True)


# ---- an org's users: issued and revoked --------------------------------------------------------------
@org.group("user")
def user() -> None:
    """Issue a client identity to an org's new user, list its users, revoke one (a leaver, a lost key).

    \b
    Example:
      recfin org user add supplier supplier5 --attr recfin.enterprise=91310000MA1K00002C
      recfin org user revoke supplier supplier5 --dry-run
    """


def _keys_option(fn):
    return click.option("--keys", "keys_root", type=PathType(exists=True, file_okay=False, path_type=Path),
                        default=None,
                        help="The org's own keys folder (`recfin org keys --out`), where its CA keys are when the "
                             "company made them on its own host.")(fn)


def _attrs(pairs: tuple[str, ...]) -> dict[str, str]:
    from network import org_users

    attrs: dict[str, str] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip() or not value.strip() or pair != pair.strip() or not pair.isprintable():
            raise click.BadParameter(f"{pair!r}: write KEY=VALUE, e.g. recfin.enterprise=91310000MA1K00002C",
                                     param_hint="'--attr'")
        if key in attrs:
            raise click.BadParameter(f"{key} is given twice", param_hint="'--attr'")
        attrs[key] = value
    if org_users.ENTERPRISE_ATTR in attrs:
        attrs[org_users.ENTERPRISE_ATTR] = _enterprise_attr(attrs[org_users.ENTERPRISE_ATTR],
                                                            param_hint=f"'--attr {org_users.ENTERPRISE_ATTR}'")
    return attrs


@user.command("add")
@topology_option
@click.argument("org_name", metavar="ORG")
@click.argument("name", callback=_new_name("a user's"))
@click.option("--attr", "attr_pairs", multiple=True, metavar="KEY=VALUE",
              help="An attribute its certificate carries (repeatable): recfin.role or recfin.enterprise, no other. "
                   "recfin.role follows the org's role; recfin.enterprise is one the org's users act for, by "
                   "default the only one, when they act for one (its credit code read in capitals).")
@click.option("--csr", "csr_file", type=PathType(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The user's certificate request (`recfin hsm generate --csr`): the signing certificate is for "
                   "its key, which stays in the HSM; no keystore key is written.")
@click.option("--never-issued", is_flag=True,
              help="Your word that the org's CA never issued NAME a certificate. Asked only by a CA that issued "
                   "before it kept a record and whose CRL lists serials no certificate here has (a revoked "
                   "user's name must never be given to a new user).")
@_keys_option
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
              help="The data folder holding the org's CA keys: the running network's (the default, the "
                   "topology's), or the hosts folder bundles are written from.")
@click.option("--json", "as_json", is_flag=True, help="Print the new identity as JSON.")
@reports_errors
def user_add_command(topology_path, org_name, name, attr_pairs, csr_file, never_issued, keys_root, data_root,
                     as_json):
    """Issue user NAME of org ORG: a client identity from the org's own CA.

    Its MSP folder (a certificate with the client OU of the org's NodeOUs and the recfin.role and
    recfin.enterprise attributes, as the topology's users carry them) and TLS client pair are
    issued where the org's CA keys are, and the user is recorded there (membership.yaml): the
    connection profiles, `--as ORG/NAME` and the org's next bundle (`recfin org bundle`) know it;
    one issued from a company's keys folder (--keys) reaches its bundle when `recfin host
    adopt-keys` runs again.
    Refused, with nothing written, when the CA key is not on this host or its CA files are not the
    CA of the org's MSP (a missing certificate is never made anew), when the org has a user of that
    name or its CA issued that name a certificate before, even a revoked one (a name is issued once:
    a new certificate would keep the old one's client id, and with it any party binding), or when the
    attributes do not fit the org (another role, an enterprise it does not have, an attribute other
    than recfin.role and recfin.enterprise). The identity acts for a party once
    the org's admin binds it to the existing party: `recfin party bind USCC --client NAME`.

    With --csr, the key is one made in an HSM (`recfin hsm generate`): once the request's signature
    verifies with the key it names, the signing certificate is issued for that key, with the same
    subject, OU and attributes as any new user's (the request's own subject is not taken), and the
    MSP folder holds no keystore key (the TLS client pair is still a file key). `recfin hsm link`
    then has the user sign in the HSM. Refused for a request that does not verify, for a key that is
    not EC P-256/P-384, and for a key one of the org's users already has.

    A user's certificate is valid ten years and ends no later than its CA's: where that makes it
    end more than 90 days sooner, the command says when it ends (and when the CA's certificate
    ends within 90 days, that too), before its summary (on stderr with --json).

    A run stopped part way (killed, the host down) is finished by the same command run again: the
    certificate it issued is kept, never issued twice; asked otherwise, it is refused naming what
    the stopped run was asked.

    A CA that issued before it kept a record of its users cannot tell every name it issued when its
    CRL lists serials no certificate on this host has (users revoked and then removed): there each
    new name is refused until --never-issued confirms the CA never issued it.

    \b
    Example:
      recfin org user add supplier supplier5 --attr recfin.enterprise=91310000MA1K00002C
      recfin org user add bank officer3 --json
      recfin org user add bank3 officer3 --keys /etc/recfin/bank3 --json
      recfin org user add supplier supplier6 --csr supplier6.csr --attr recfin.enterprise=91310000MA1K00002C
      recfin org user add bank officer4 --never-issued
    """
    from network import Network, org_users
    from network.org_membership import OrgMembership

    attrs = _attrs(attr_pairs)
    public_key = _csr_public_key(csr_file) if csr_file is not None else None
    if keys_root is not None:
        if data_root is not None:
            raise click.UsageError("give --keys or --data-root, not both: the org's CA keys are in one of them")
        issued = org_users.add_user(org_users.CaFolder(keys_root, org_users.keys_folder_org(keys_root, org_name)),
                                    name, attrs, public_key, never_issued=never_issued, say=progress(as_json))
    else:
        net = Network.load(topology_path, data_root=data_root, say=progress(as_json))
        issued = org_users.add_to_network(OrgMembership(net), org_name, name, attrs, public_key,
                                          never_issued=never_issued)
    summary = issued.summary()
    summary["attrs"] = ", ".join(f"{k}={v}" for k, v in summary["attrs"].items()) if not as_json else summary["attrs"]
    emit(summary, as_json=as_json, columns=list(summary))
    if public_key is not None and not as_json:
        click.echo(f"its key is in the HSM that made the request: next, where that HSM is, `recfin hsm link --as "
                   f"{issued.org.name}/{name} --token TOKEN`", err=True)


@user.command("list")
@topology_option
@click.argument("org_name", metavar="ORG")
@_keys_option
@click.option("--sync", is_flag=True,
              help="First fetch the channel's config as the org's admin and write the channel's CRL of the org "
                   "into this host's MSP folders (and mark its profile) where the one kept here is older or "
                   "missing.")
@click.option("--bundle", "bundle_root", type=PathType(exists=True, file_okay=False, path_type=Path), default=None,
              help="With --sync, on a company's host: act from its unpacked bundle (`recfin org bundle`).")
@click.option("--msp-dir", type=PathType(exists=True, file_okay=False, path_type=Path), default=None,
              help="With --sync: the org admin's MSP folder, when it is not in the data folder.")
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
              help="The network's data folder (default: the topology's); with --keys, for --sync only.")
@timeout_option("With --sync: seconds to wait for the channel.")
@click.option("--json", "as_json", is_flag=True, help="Print the users as JSON.")
@reports_errors
def user_list_command(topology_path, org_name, keys_root, sync, bundle_root, msp_dir, data_root, timeout, as_json):
    """List org ORG's admin and users: role, enterprise, certificate serial and end, whether the org's CRL
    revokes it, and its client id.

    "client_id" is the id the contract knows the user by, x509::<subject DN>::<issuer DN> as it
    forms it from the user's certificate (client_id_of in the SDK): the id to give `recfin party
    bind|unbind --client-id` or `register --client-id`, for a user this host holds no profile of.

    "ends" is when the certificate ends (ISO 8601, UTC): no later than the org's CA certificate,
    and a name is issued once, so a user whose certificate has ended needs a new user under
    another name.

    "revoked" reads the org's CRLs kept on this host (every CRL of its CA in msp/crls/ of the
    keys folder, the bundle or the data folder, as Fabric applies each): written there by `org
    user revoke` once the channel has it. A revocation made on another host, or one whose wait
    stopped, reaches it with --sync, which fetches the channel's config (the CRLs Fabric
    enforces) as the org's admin and writes the channel's CRLs of the org's CA here where they
    revoke more (the newest as crl.pem, any other listing more beside it; with --keys, into the
    org's definition there too).

    \b
    Example:
      recfin org user list supplier
      recfin org user list supplier --sync --json
      recfin org user list bank3 --keys /etc/recfin/bank3 --json
      recfin org user list bank3 --keys /etc/recfin/bank3 --bundle /var/recfin --sync
    """
    from network import Network, org_users

    if (bundle_root is not None or msp_dir is not None) and not sync:
        raise click.UsageError("--bundle and --msp-dir are for --sync: listing alone reads this host's folders")
    # with --sync, --data-root names the network the channel's config is fetched from, as for `org user revoke`
    if keys_root is not None and data_root is not None and not sync:
        raise click.UsageError("give --keys or --data-root, not both: the users listed are in one of them (with "
                               "--sync, --data-root names the network's data folder)")
    if sync:
        members, _bundle_org = _file_members(topology_path, data_root, bundle_root, timeout, as_json)
        users = org_users.OrgUsers(members, keys_root)
        kept = users.sync(org_name, msp_dir)
        number, count = kept.summary()["channel_crl_number"], len(kept.channel_crls)
        said = (f"the channel's CRL of {kept.org.msp_id} is number {number}" if count == 1
                else f"the channel holds {count} CRLs of {kept.org.msp_id}'s CA, the newest number {number}")
        click.echo(f"the channel has no CRL of {kept.org.msp_id}: nobody of {kept.org.name} is revoked"
                   if number is None
                   else f"{said}: " + (f"written into {len(kept.folders)} MSP folder(s) here" if kept.written
                                       else "this host has it already"), err=True)
        if keys_root is not None and (definition := _synced_definition(
                keys_root, kept.org.name, bundle_root, msp_dir,
                _data_root_acted_on(members.root, named=data_root is not None))) is not None:
            click.echo(f"{definition} written again with the org's CRLs", err=True)
        root, spec = keys_root or members.root, kept.org
    elif keys_root is not None:
        root, spec = keys_root, org_users.keys_folder_org(keys_root, org_name)
    else:
        net = Network.load(topology_path, data_root=data_root, say=progress(as_json))
        root, spec = net.data_root, net.topology.org(org_name)
        if not (root / "crypto" / spec.name).is_dir():    # listed, every user would read as planned, never issued
            raise NetworkError(f"no crypto material for {spec.name} in {root}: run `recfin network up` first, or "
                               f"give --data-root the network's data folder (--keys: the company's own keys folder "
                               f"`recfin org keys` wrote)")
    emit(org_users.list_users(root, spec), as_json=as_json,
         columns=["user", "role", "recfin_role", "enterprise", "serial", "ends", "revoked", "client_id"])


def _synced_definition(keys_root: Path, org_name: str, bundle_root: Path | None, msp_dir: Path | None,
                       where: str) -> Path | None:
    """``org_keys.with_kept_crls`` after `org user list --sync --keys` wrote the channel's CRLs into the MSP folders:
    the keys folder's lock held past the wait says that the definition lacks them and the sync that writes it (with
    ``where``, :func:`_data_root_acted_on`), not the bare lock's message."""
    from network import membership, org_keys

    try:
        return org_keys.with_kept_crls(keys_root, org_name)
    except membership.LockHeldError as held:
        sync = _sync_command(org_name, keys_root, bundle_root, msp_dir, where)
        raise NetworkError(f"{_definition_unwritten(org_keys.definition_path(keys_root, org_name))}, as "
                           f"{held.holder}. {held.advice[:1].upper()}{held.advice[1:]}, then run `{sync}` again: it "
                           f"writes the definition") from None


def _data_root_acted_on(root: Path, named: bool) -> str:
    """`` --data-root ROOT`` for the commands a run prints to run next, or "": they must read profiles and fetch the
    channel's config from the data folder acted from (``root``), where without --data-root they read the packaged
    topology's, which a folder given (``named``: --data-root, a bundle), --topology or RECFIN_TOPOLOGY may not be."""
    from network.topology import load as load_topology

    acted_elsewhere = root.absolute() != load_topology().resolved_data_root().absolute()
    return f" --data-root {shell_word(root)}" if named or acted_elsewhere else ""


def _definition_unwritten(definition: Path) -> str:
    """What a keys folder's org definition not written again with its MSP folders' CRLs leaves: the definition sent
    to add the org back lifts their revocations."""
    return (f"{shell_word(definition)} was not written again with the org's CRLs (its MSP folders have the CRL), so "
            f"the definition sent to add the org back would lift the revocation")


# ---- revoking: the certificate on the channel, then its rights on the ledger -------------------------------
@dataclass
class LedgerStep:
    """What revoking did (or, in a dry run, would do) to the revoked identity's binding on the ledger.

    outcome: "unbound" (from ``party``; ``reason`` set when the unbind committed with an answer this client cannot
    read), "not-bound" (it acts for no party), "last-identity" (kept: no other identity
    of the party would be left to act for it, ``reason`` says why), "failed" (the ledger did
    not answer or refused otherwise: ``reason``), "kept" (--keep-binding: not asked); in a dry run "would-unbind",
    "would-keep" (as "last-identity"), "not-asked" (--config-block: computed offline), "not-bound", "kept", or
    "failed" (the question could not be asked). ``disagreement``: the identity's binding and a party record said
    different things (FindIdentityParty's ``bound_to``; the record found from its certificate's enterprise)."""

    outcome: str
    client_id: str
    party: str | None = None
    reason: str | None = None
    next: str | None = None
    disagreement: str | None = None

    @property
    def unbinds(self) -> bool:
        return self.outcome in ("unbound", "would-unbind")

    @property
    def left_acting(self) -> bool:
        """After a real run, the identity may still act for a party: the operator has something to finish."""
        return self.outcome in ("last-identity", "failed")

    def summary(self) -> dict:
        return asdict(self)

    def line(self, user: str) -> str:
        party = self.party or "its party"
        kept_because = self.reason or "it is the party's last identity, which the contract keeps"
        said = {
            "unbound": f"{user} acts for {party} no more: its binding is removed",
            "not-bound": f"{user} acts for no party: nothing to unbind",
            "last-identity": f"{user} still acts for {party}: {kept_because}",
            "failed": f"{user} may still act for {party}: {self.reason}",
            "kept": f"not asked (--keep-binding): a party that lists {user} keeps listing it",
            "would-unbind": f"would unbind {user} from {party}",
            "would-keep": f"would keep {user} acting for {party}: {kept_because}",
            "not-asked": "not asked (--config-block: computed offline); without it the dry run names the party",
        }[self.outcome]
        if self.outcome == "unbound" and self.disagreement:
            said = f"{user} is off {party}'s record ({self.disagreement})"
        if self.outcome == "not-bound" and self.disagreement:
            said = f"{user} acts for no party ({self.disagreement}): nothing to unbind"
        if self.outcome == "failed" and self.party is None:
            said = f"could not learn which party {user} acts for: {self.reason}"
        if self.outcome == "unbound" and self.reason:   # committed, with an answer this client cannot read
            said += f"; {self.reason}"
        return f"ledger: {said}" + (f". Next: {self.next}" if self.next else "")


def _record_listing(client, msp_id: str, client_id: str, bound_to: str | None, enterprise: str | None):
    """The party whose record lists an identity the contract says acts for none, and how binding and record
    disagree: the records read are the one its binding names (``bound_to``) and the one of the enterprise its
    certificate names. A record elsewhere listing an identity whose binding is gone cannot be found from it."""
    from client.receivables import RuleViolation

    read = []
    for uscc in dict.fromkeys(c for c in (bound_to, enterprise) if c):
        try:
            party = client.get_party(uscc)
        except RuleViolation:       # a credit code no party has (a stray binding may name anything)
            continue
        if party.msp_id == msp_id and client_id in party.client_ids:
            binding = (f"its binding names {bound_to}, whose record does not list it" if bound_to
                       else "no binding names it")
            return party, f"binding and record disagree: {binding}, but {uscc}'s record lists it"
        read.append(uscc)
    if bound_to is None:
        return None, None
    checked = ", ".join(read) or "none registered"
    return None, (f"binding and record disagree: its binding names {bound_to}, whose record does not list it, so "
                  f"it acts for no one; records read: {checked}")


def identity_not_counted(client, party: Party, client_id: str) -> str | None:
    """Why UnbindPartyIdentity would not count ``client_id`` as left to act for ``party`` (it acts for another
    party, or other orgs hold its binding), as FindIdentityParty answers it; None when it would."""
    found = client.find_identity_party(party.msp_id, client_id)
    if found.held_by:
        return f"other orgs hold its binding ({', '.join(found.held_by)})"
    other = found.party.uscc if found.party is not None and found.party.uscc != party.uscc else None
    return f"it acts for {other}" if other else None


def left_to_act(users: org_users.OrgUsers, org_name: str, msp_dir: Path | None, party, leaving: str,
                revoking: list, not_counted: Callable[[str], str | None]) -> tuple[list[str], str]:
    """The party's identities other than ``leaving`` whose certificate this host holds and the org's CRL does not
    revoke, and which the contract counts as left to act (``not_counted`` gives why it would not: the identity
    acts for another party, or other orgs hold its binding), and, when there are none, why. ``revoking``: the CRLs
    of the revocation this run submits (or plans, or found on the channel), counted with the one kept here, which
    may miss a revocation made from another host."""
    from client.receivables import client_id_of

    held: dict[str, list[org_users.HeldCertificate]] = {}
    for certificate in users.held_certificates(org_name, msp_dir, revoking):
        held.setdefault(client_id_of(certificate.cert), []).append(certificate)
    others = [c for c in party.client_ids if c != leaving]
    unrevoked = [c for c in others if any(not h.revoked for h in held.get(c, []))]
    live, uncounted = [], []
    for client_id in unrevoked:
        if (why := not_counted(client_id)) is None:
            live.append(client_id)
        else:
            users_of = ", ".join(sorted({h.user for h in held[client_id]}))
            uncounted.append(f"{users_of}: {why}")
    if live:
        return live, ""
    if not others:
        return [], "it is the party's last identity, which the contract keeps"
    revoked = sorted({h.user for c in others if c not in unrevoked for h in held.get(c, [])})
    unknown = [c for c in others if c not in held]
    said = ([f"revoked by the org's CRL ({', '.join(revoked)})"] if revoked else []) + (
        [f"not counted by the contract ({'; '.join(uncounted)})"] if uncounted else []) + (
        [f"not held on this host to check ({', '.join(unknown)})"] if unknown else [])
    return [], (f"no other identity of the party would be left to act for it: the others are "
                f"{' or '.join(said)}; unbinding it would leave no one to act for the party")


def _unbind_command(uscc: str, client_id: str, acting_as: str) -> str:
    return f"`recfin party unbind {uscc} --client-id {shell_word(client_id)} {acting_as}`"


def _ledger_step(users: org_users.OrgUsers, org_name: str, user: str, msp_dir: Path | None, where: str, *,
                 dry_run: bool, keep_binding: bool, offline: bool, revoking: list) -> LedgerStep:
    """Find the party the user's identity acts for and unbind it there, as the org's admin: the MSP folder the
    config update was signed with calls the contract. Where the contract says it acts for none, the records its
    binding and its certificate's enterprise name are read: one that lists it is the party to take it off. The
    party keeps it while no other identity has a certificate the org's CRL does not revoke and counts for the
    contract as left to act. A refusal or a ledger
    that does not answer is reported in the step, not raised: by then the certificate's revocation may have
    committed. ``where``: the options the printed commands need to find the data folder; ``revoking``: the CRLs
    of the channel once this revocation is in force (see ``left_to_act``)."""
    from network import org_users
    from client.gateway import GatewayError
    from client.receivables import RuleViolation, UnreadableAnswer, client_id_of
    from network.crypto import cert_attrs

    ca = users.ca(org_name)
    cert = users.user_cert(ca, user)
    client_id = client_id_of(cert)
    acting_as = f"--as {ca.org.name}/{ca.org.admin}" + (
        f" --msp-dir {shell_word(msp_dir)}" if msp_dir is not None else "") + where
    if keep_binding or offline:
        return LedgerStep("kept" if keep_binding else "not-asked", client_id,
                          next=None if dry_run else _unbind_command("USCC", client_id, acting_as)
                          + " takes it off the party that lists it")

    def kept(outcome: str, party: str, reason: str, disagreement: str | None) -> LedgerStep:
        return LedgerStep(outcome, client_id, party, reason=reason, disagreement=disagreement, next=(
            f"bind another identity to it (`recfin party bind {party} --client USER {acting_as}`), "
            f"then run this revoke again or {_unbind_command(party, client_id, acting_as)}"))

    party: str | None = None
    disagreement: str | None = None

    def status_command(transaction: str) -> str:
        # of an unbind whose answer was lost, asked as the org's first client user: its peer holds the channel's
        # ledger, and the admin's folder may be kept where that command cannot sign with it
        return f"recfin transaction status {transaction} --as {shell_word(ca.org.name)}{where}"

    try:
        admin = users.members.admin(ca.org.name, msp_dir)
        # SIGTERM or SIGHUP is a stop as Ctrl-C is: the line that says what became of the unbinding is printed
        with terminations_raised(), connection.open_session(ca.org.name, None, users.members.root, admin=True,
                                                            msp_dir=admin.msp_dir) as session:
            found = session.client.find_identity_party(ca.org.msp_id, client_id)
            record = found.party
            if record is None:
                record, disagreement = _record_listing(session.client, ca.org.msp_id, client_id, found.bound_to,
                                                       cert_attrs(cert).get(org_users.ENTERPRISE_ATTR))
            if record is None:
                return LedgerStep("not-bound", client_id, disagreement=disagreement)
            party = record.uscc
            live, why_kept = left_to_act(users, org_name, msp_dir, record, client_id, revoking,
                                         functools.partial(identity_not_counted, session.client, record))
            if not live:
                return kept("would-keep" if dry_run else "last-identity", party, why_kept, disagreement)
            if dry_run:
                return LedgerStep("would-unbind", client_id, party, disagreement=disagreement)
            session.client.unbind_party_identity(party, client_id)
            return LedgerStep("unbound", client_id, party, disagreement=disagreement)
    except RuleViolation as exc:
        if exc.rule == "last-identity-of-party" and party is not None:
            # the contract's own reason: it counts only identities that still act (not those other orgs hold)
            return kept("last-identity", party, f"the contract keeps it: {exc.detail}", disagreement)
        if exc.rule == "identity-not-bound":         # unbound by someone else between the question and the change
            return LedgerStep("not-bound", client_id)
        failure: Exception = exc
    except UnreadableAnswer as exc:    # a ValueError too: caught before the failures below
        if exc.committed:   # the unbind committed; only its answer is in a shape this client does not know
            return LedgerStep("unbound", client_id, party, reason=connection.describe(exc), disagreement=disagreement)
        failure = exc       # a read's: nothing was unbound
    except (GatewayError, NetworkError, OSError, ValueError, TypeError) as exc:
        failure = exc
    except KeyboardInterrupt as stopped:   # the certificate is revoked by then: a dry run's stop changed nothing
        if dry_run:
            raise
        raise _unbinding_stopped(stopped, user, users.members.topology.channel, party,
                                 _unbind_command(party or "USCC", client_id, acting_as), status_command) from None
    reason = connection.describe(failure)
    if may_have_committed(failure):   # the unbind's answer was lost after the orderer may have taken it
        transaction = failure.transaction_id
        reason += f" ({connection.may_have_committed_all_the_same(transaction, status_command(transaction))})"
    return LedgerStep("failed", client_id, party, reason=reason, disagreement=disagreement,
                      next=None if dry_run else f"once the ledger answers, run this revoke again, or "
                      f"{_unbind_command(party or 'USCC', client_id, acting_as)}")


def _unbinding_stopped(stopped: KeyboardInterrupt, user: str, channel: str, party: str | None, unbind: str,
                       status_command: Callable[[str], str]) -> AnswerLost:
    """The one line of a revocation stopped (Ctrl-C, SIGTERM, SIGHUP) in its ledger step, once the certificate's
    revocation committed, and its exit status (130, or the signal's): what is known of the unbinding, as a change
    stopped anywhere says it (``connection.stopped_submit``): not sent, cannot commit, or may have committed with
    the `recfin transaction status` that tells; then the way on. This revoke run again finds the certificate
    revoked and unbinds USER where it still acts for its party, so it is the way on in each case."""
    from_party = f" from {party}" if party else ""
    cut_short = connection.stopped_submit(stopped)
    if cut_short is None:
        said = f"it was stopped before its unbinding{from_party} on the ledger was sent: nothing changed there; "
    elif not cut_short.may_have_been_ordered:
        said = (f"its unbinding{from_party} on the ledger was stopped: "
                f"{connection.cannot_commit(cut_short.transaction_id)}, and {user} still acts for {party}; ")
    else:
        transaction = cut_short.transaction_id
        said = (f"its unbinding{from_party} on the ledger was stopped: "
                f"{connection.may_have_committed_all_the_same(transaction, status_command(transaction))}; "
                "if it did not, ")
    return AnswerLost(f"{connection.describe(stopped)} ({user}'s certificate is revoked on channel {channel}, but "
                      f"{said}run this revoke again, or {unbind})", getattr(stopped, "exit_code", EXIT_INTERRUPTED))


@dataclass(frozen=True)
class _ChannelUpdate:
    """A command's config update, worded for the line a stop in its channel step prints (_channel_step_stopped);
    each field as the revocation of supplier2's certificate words it."""

    what: str           # the update: "the revocation of supplier2's certificate"
    it: str             # the update, named again: "the revocation"
    may: str            # what the channel does with it, after "may or may not": "revoke it"
    does: str           # the same, once it has it: "revokes it"
    in_force: str       # the channel seen to carry it: "supplier2's certificate is revoked on channel receivables"
    left: str           # what the run had still to do here then, after "stopped before": "it wrote the CRL ..."
    unchanged: str      # what stays as it was until the channel has it: "nothing changed on the ledger"
    again: str          # "run this revoke again"
    finish: str         # once the channel has it: what finishes the job
    not_yet: str = ""   # what is not done here yet once it was sent: "the CRL is not written here yet"
    check: str = ""     # with its fate unknown, what tells: "`recfin org user list ... --sync` tells (...)"


def _channel_step_stopped(stopped: KeyboardInterrupt, reached: str, channel: str, update: _ChannelUpdate
                          ) -> AnswerLost:
    """The one line of a config update stopped (Ctrl-C, SIGTERM, SIGHUP) in its command's channel step, and its
    exit status (130, or 128 + the signal): whether the channel has ``update``, as far as ``reached``
    (:class:`ChannelStepWatched`) tells, what stays as it was here, and the way on. The command run again submits
    the update where the channel lacks it, or finds it there and finishes."""
    check = f"{update.check}; then " if update.check else ""
    said = {
        "not sent": f"it was stopped before {update.what} was submitted: nothing was sent to channel {channel}, and "
                    f"{update.unchanged}; {update.again}",
        "sending": f"it was stopped while {update.what} was being submitted to channel {channel}: whether the "
                   f"ordering service took it is not known, so the channel may or may not {update.may}, and "
                   f"{update.unchanged}; {check}{update.again}, which submits {update.it} where the channel lacks "
                   f"it, or finds it there and finishes",
        "sent": f"the ordering service took {update.what}, so channel {channel} {update.does} from the config block "
                f"that carries it, but the run was stopped before it saw that block: "
                f"{', and '.join(filter(None, (update.not_yet, update.unchanged)))}; {update.finish}",
        "in force": f"{update.in_force}, but the run was stopped before {update.left}; {update.finish}",
    }[reached]
    return AnswerLost(f"{connection.describe(stopped)} ({said})", getattr(stopped, "exit_code", EXIT_INTERRUPTED))


@contextmanager
def _channel_step(members: ChannelStepWatched, update: Callable[[], _ChannelUpdate]) -> Iterator[None]:
    """A command's channel step: SIGTERM and SIGHUP stop it as Ctrl-C does, and a stop ends it with the line that
    says whether the channel has ``update()`` (_channel_step_stopped) instead of a bare "interrupted"."""
    try:
        with terminations_raised():
            yield
    except KeyboardInterrupt as stopped:
        raise _channel_step_stopped(stopped, members.reached, members.topology.channel, update()) from None


def _revocation(user: str, channel: str, keep_binding: bool, check: str) -> _ChannelUpdate:
    """`org user revoke`'s config update: revoking USER's certificate. This revoke run again submits the
    revocation where the channel lacks it, or finds it there, writes the channel's CRL here and unbinds USER;
    ``check`` (`recfin org user list ORG --sync`) tells whether the channel revokes it, and writes its CRL here,
    which is all that is left with --keep-binding."""
    finish = (f"`{check}` writes the channel's CRL here" if keep_binding else
              f"run this revoke again: it finds the certificate revoked, writes the channel's CRL here and unbinds "
              f"{user} from its party on the ledger")
    return _ChannelUpdate(
        what=f"the revocation of {user}'s certificate", it="the revocation", may="revoke it", does="revokes it",
        in_force=f"{user}'s certificate is revoked on channel {channel}",
        left="it wrote the CRL to every MSP folder here, and nothing changed on the ledger",
        unchanged="nothing changed on the ledger", again="run this revoke again", finish=finish,
        not_yet="the CRL is not written here yet",
        check=f"`{check}` tells (its revoked column) and writes the channel's CRL here")


def _crl_not_written(held: membership.LockHeldError, user: str, members: ChannelStepWatched,
                     revocation: _ChannelUpdate, keep_binding: bool, sync: str, definition: Path | None = None) -> str:
    """A revocation whose CRL could not be written here, another run holding the data folder's membership.lock:
    whether the channel revokes the certificate, that the CRL (and the unbinding after it) waits, and what
    writes it once that run let go. With definition (the keys folder's org definition, written again once the
    channel revokes the certificate and its CRL is here), the keys folder's lock was held: the definition waits."""
    channel = members.topology.channel
    if definition is None and members.reached != "in force":   # the lock is only taken once the channel has it
        return (f"{user}'s certificate is not revoked: nothing was sent to channel {channel}, and its CRL was not "
                f"written here, as {held.holder}. {held.advice[:1].upper()}{held.advice[1:]}, then "
                f"{revocation.again}")
    unwritten, waiting = ("its CRL was not written to the org's MSP folders here", "the CRL") if definition is None \
        else (_definition_unwritten(definition), "the definition")
    unbinding, alone = ("", "") if keep_binding else (f", nor was {user} unbound from its party on the ledger",
                                                      f"; `{sync}` writes {waiting} alone")
    finish = f"`{sync}` writes it" if keep_binding and definition is not None else revocation.finish
    return (f"{revocation.in_force}, but {unwritten}{unbinding}, as {held.holder}. "
            f"{held.advice[:1].upper()}{held.advice[1:]}, then {finish}{alone}")


def _definition_with_kept_crls(keys_root: Path, org_name: str, user: str, members: ChannelStepWatched,
                               revocation: _ChannelUpdate, keep_binding: bool, sync: str) -> Path | None:
    """``org_keys.with_kept_crls``, once the channel revokes ``user``'s certificate: a stop while it writes the
    definition (Ctrl-C, SIGTERM, SIGHUP) says that the certificate is revoked, that the definition may lack the
    revocation, and what writes it (``revocation.finish``), where SIGTERM ended the run at once, saying nothing;
    so does the keys folder's lock held past the wait (_crl_not_written), not the bare lock's message."""
    from network import membership, org_keys

    try:
        with terminations_raised():
            return org_keys.with_kept_crls(keys_root, org_name)
    except membership.LockHeldError as held:
        raise NetworkError(_crl_not_written(held, user, members, revocation, keep_binding, sync,
                                            definition=org_keys.definition_path(keys_root, org_name))) from None
    except KeyboardInterrupt as stopped:
        raise AnswerLost(
            f"{connection.describe(stopped)} ({user}'s certificate is revoked on channel {members.topology.channel}, "
            f"but the run was stopped while it wrote {org_keys.definition_path(keys_root, org_name)} again with the "
            f"org's CRLs: the definition sent to add {org_name} back may lack the revocation, and "
            f"{revocation.unchanged}; {revocation.finish})", getattr(stopped, "exit_code", EXIT_INTERRUPTED)) from None


def _addition(name: str, channel: str, dry_run: str) -> _ChannelUpdate:
    """`org add NAME`'s config update. The add run again finds the org in the channel, or submits it (its crypto
    material, made before the update, is used again), and finishes; ``dry_run`` (the add with --dry-run) refuses
    saying the org is in the channel's config when the channel has it."""
    return _ChannelUpdate(
        what=f"the update adding {name}", it="the update", may=f"have {name}", does=f"has {name}",
        in_force=f"{name} is in channel {channel}",
        left=f"it finished here: recording {name} in the data folder, starting and joining its peer, deploying the "
             f"chaincode with it and writing its connection profile (some of that may be done)",
        unchanged=f"nothing of {name} was recorded or started here (its crypto material, where made, stays in the "
                  f"data folder for the run again)",
        again="run this add again",
        finish=f"run this add again: it finds {name} in the channel, skips the update and does what is left of "
               f"starting and joining its peer, deploying the chaincode with it and writing its connection profile",
        check=f"`{dry_run}` tells (it refuses, saying {name} is in the channel's config, when the channel has it)")


def _removal(name: str, channel: str, dry_run: str) -> _ChannelUpdate:
    """`org remove NAME`'s config update. The removal run again finds the org gone from the channel, or submits it,
    and finishes; ``dry_run`` (the removal with --dry-run) refuses saying the org is gone when it is."""
    return _ChannelUpdate(
        what=f"the update removing {name}", it="the update", may=f"have dropped {name}", does=f"no longer has {name}",
        in_force=f"{name} is gone from channel {channel}",
        left=f"it finished here: stopping {name}'s chaincode servers and peers, deploying the chaincode again "
             f"without it and recording it as removed in the data folder (some of that may be done)",
        unchanged=f"{name}'s peers and chaincode servers still run here and the data folder still records it",
        again="run this removal again (with the same options)",
        finish=f"run this removal again (with the same options): it finds {name} gone from the channel, skips the "
               f"update, stops its chaincode servers and peers, deploys the chaincode without it and records it as "
               f"removed",
        check=f"`{dry_run}` tells (it refuses, saying {name} is gone already, when the channel dropped it)")


def _file_update(update_file: Path, channel: str, channel_only: bool, record: bool) -> _ChannelUpdate:
    """`org submit FILE`'s config update. The submit run again finds the update in the channel, sends nothing and
    runs the steps after it, or submits it and goes on."""
    here = (("recording the change in the data folder and " if record else "") + "printing each company's next steps"
            if channel_only else
            "starting the added org's peer or stopping the removed org's nodes, deploying the chaincode again and "
            "recording the change in the data folder")
    return _ChannelUpdate(
        what=f"the update in {update_file}", it="it", may="have it", does="has it",
        in_force=f"channel {channel} has the update in {update_file}",
        left=f"it finished here: {here} (some of that may be done)",
        unchanged="nothing was recorded here" if channel_only else "nothing was started, stopped or recorded here",
        again="run this submit again",
        finish="run this submit again: it finds the update in the channel, sends nothing and does what is left")


def _acted_on(topology_path: Path | None, data_root: Path | None) -> list[str]:
    """The --topology and --data-root a command printed for the network acted on takes: the ones it was given."""
    given = [("--topology", topology_path), ("--data-root", data_root)]
    return [part for name, path in given if path is not None for part in (name, str(path))]


def _sync_command(org_name: str, keys_root: Path | None, bundle_root: Path | None, msp_dir: Path | None,
                  where: str) -> str:
    """`recfin org user list ORG --sync` as this revoke acted: from the keys folder, the bundle, the admin's MSP
    folder and the data folder it was given (``where``: its --data-root; a bundle is its own data folder)."""
    given = [("--keys", keys_root), ("--bundle", bundle_root), ("--msp-dir", msp_dir)]
    options = "".join(f" {name} {shell_word(path)}" for name, path in given if path is not None)
    return f"recfin org user list {shell_word(org_name)} --sync{options}" + ("" if bundle_root is not None else where)


@user.command("revoke")
@topology_option
@click.argument("org_name", metavar="ORG")
@click.argument("name", metavar="USER")
@_keys_option
@click.option("--bundle", "bundle_root", type=PathType(exists=True, file_okay=False, path_type=Path), default=None,
              help="On a company's host: act from its unpacked bundle (`recfin org bundle`), which gives the "
                   "network, the orderers' TLS CA and the admin; the CA key comes from --keys.")
@click.option("--msp-dir", type=PathType(exists=True, file_okay=False, path_type=Path), default=None,
              help="The org admin's MSP folder (signcerts, keystore), when it is not in the data folder.")
@click.option("--keep-binding", is_flag=True,
              help="Revoke the certificate only: leave USER's binding to its party on the ledger.")
@click.option("--dry-run", is_flag=True,
              help="Compute, sign and check the config update and print it with the policy verdict (and, "
                   "where the run would refuse to send it, as for an org whose MSP is SHA3, that refusal and "
                   "what to do), and the party USER would be unbound from; submit nothing, write nothing.")
@click.option("--config-block", type=PathType(exists=True, dir_okay=False, path_type=Path), default=None,
              help="With --dry-run: compute against this config block (`peer channel fetch config`) instead of "
                   "fetching the channel's; the ledger is not asked either.")
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path), default=None,
              help="The network's data folder (default: the topology's).")
@connection.call_and_wait_timeout_option("to wait for the channel to take it")
@click.option("--json", "as_json", is_flag=True, help="Print the update, the policy verdict and what became of "
                                                       "USER's binding on the ledger as JSON.")
@reports_errors
def user_revoke_command(topology_path, org_name, name, keys_root, bundle_root, msp_dir, keep_binding, dry_run,
                        config_block, data_root, timeout, as_json):
    """Revoke user USER of org ORG: its certificate on the CRL of the org's MSP, then its binding on the ledger.

    A CRL signed by the org's CA lists USER's certificate with every earlier revocation (its CRL
    number one higher); the channel config update replaces the org's earlier CRL in its MSP and
    changes nothing else. Its policy is the org's Admins: the org's own admin signs, the verdict
    is checked, then the update is submitted as that admin. From that config block every peer
    refuses USER's proposals and transactions. The CRL is then written into the org's local MSP
    folders (its peer reads it at its next start); with --keys, the org's definition there
    (`recfin org keys`) is written again with its CRLs, so it needs no `org keys` run.

    Then, as the same admin (the MSP folder that signed the update), the ledger is asked which
    party USER's identity acts for (FindIdentityParty), and UnbindPartyIdentity takes it off that
    party: "unbound", or "not bound" to any. Where the contract says it acts for none, the party
    records its binding names and its certificate's recfin.enterprise names are read: one that
    still lists it (its binding was removed or re-pointed) is the party it is taken off, and a
    binding and record that disagree are said so ("disagreement"). A record of another enterprise
    listing an identity whose binding is gone cannot be found from it: `recfin party unbind` takes
    it off there. A party keeps USER while none of its other identities has a certificate held
    here that the org's CRL does not revoke, counted with the CRL this revocation puts on the
    channel, and that the contract counts (not one acting for another party, nor one whose
    binding other orgs hold), in a dry run too, as the contract keeps a party's last identity: then the binding
    stays, the command says why and exits 1 (the certificate is revoked all the same);
    bind another identity to the party (`recfin party bind`), then run this revoke again, which
    finds the certificate revoked and finishes the unbinding, or run the `recfin party unbind` it
    prints (with --msp-dir and --data-root as this run acted). A ledger that does not answer is
    reported the same way; with --json the summary is printed before the error. Stopped while
    it unbinds (Ctrl-C: exit 130; SIGTERM, SIGHUP: 128 + the signal), or with the unbind's answer
    lost, it says whether the unbinding was sent, cannot commit, or may have committed, with the
    `recfin transaction status` that tells; this revoke run again finishes it. Stopped before
    that, on the channel, it says whether the channel revokes the certificate: not submitted, not
    known (`recfin org user list ORG --sync` tells), or taken, its CRL not yet written here; this
    revoke run again finishes it there too. Stopped while it writes the definition in --keys, it
    says the certificate is revoked and what writes the definition, as it does where another run holds the keys
    folder's membership.lock past the wait then. Where another run holds the data
    folder's membership.lock past the wait (a stopped `org user add`), it says the certificate is revoked
    but its CRL not written here, and the `recfin org user list ORG --sync` that writes it. --keep-binding
    revokes the certificate only. --dry-run also names the party USER would be unbound from.

    Refused for the org's admin, for a user the org does not have, and for one already revoked with
    nothing left to unbind (or with --keep-binding); nothing changes on a refusal, but for one: a
    user the channel already revokes whose CRL this host lacks (an earlier run's wait stopped after
    submitting) gets the channel's CRL written here (with --keys, into the definition there too), as
    `recfin org user list --sync` does.

    \b
    Example:
      recfin org user revoke supplier supplier5 --dry-run
      recfin org user revoke supplier supplier5 --json
      recfin org user revoke supplier supplier5 --keep-binding
      recfin org user revoke bank3 officer3 --keys /etc/recfin/bank3 --bundle /var/recfin
    """
    from network import membership, org_users

    from .org_steps import ChannelStepWatched, RevocationWatched

    if bundle_root is not None and keys_root is None:
        raise click.UsageError("--bundle needs --keys: a bundle holds no CA key, the CRL is signed with the org's own")
    if config_block is not None and not dry_run:
        raise click.UsageError("--config-block is for --dry-run: a submitted revocation starts from the channel's "
                               "config")
    members, _bundle_org = _file_members(topology_path, data_root, bundle_root, timeout, as_json, ChannelStepWatched)
    users = RevocationWatched(members, keys_root)
    where = _data_root_acted_on(members.root, named=data_root is not None or bundle_root is not None)
    already: org_users.AlreadyRevokedError | None = None
    change = None
    refused = None          # a dry run's: what the run would refuse its update with before sending it
    # the revocation's way on, said by a stop in its channel step or while the keys folder's definition is written
    sync = _sync_command(org_name, keys_root, bundle_root, msp_dir, where)
    revocation = _revocation(name, members.topology.channel, keep_binding, sync)
    try:
        if dry_run:
            change, admin = users.plan(org_name, name, msp_dir, _current(config_block, True), keep=False)
            refused = users.submission_refusal(change, admin)
        else:   # a dry run's stop sent nothing and wrote nothing: a plain stop
            with _channel_step(members, lambda: revocation):
                change = users.revoke(org_name, name, msp_dir)
    except org_users.AlreadyRevokedError as exc:
        already = exc        # the channel has it: what is left to do is on the ledger
    except membership.LockHeldError as held:     # writing the CRL here, once the channel has the revocation
        raise NetworkError(_crl_not_written(held, name, members, revocation, keep_binding, sync)) from None
    # a company's keys folder: its definition (what it sends to be added back) carries the CRL written there
    # now, the channel's one a refused run wrote there too: one without it would lift the revocation when sent
    definition = _definition_with_kept_crls(keys_root, users.ca(org_name).org.name, name, members, revocation,
                                            keep_binding, sync) \
        if keys_root is not None and not dry_run and (change is not None or already is not None) else None
    if already is not None and (keep_binding or config_block is not None):
        if definition is None:
            raise already
        raise org_users.AlreadyRevokedError(
            f"{already}. {definition} written again with the org's CRLs, so the definition sent to add "
            f"{users.ca(org_name).org.name} back carries the revocation", already.channel_crls) from None
    # who is left to act is counted against the CRL this run puts on the channel (built from the config it
    # fetched), or the channel's own: the CRL kept on this host may be older, and a dry run must count as the run
    revoking = [change.crl] if change is not None else already.channel_crls if already is not None else []
    step = _ledger_step(users, org_name, name, msp_dir, where, dry_run=dry_run, keep_binding=keep_binding,
                        offline=config_block is not None, revoking=revoking)
    nothing_done = already is not None and not step.unbinds     # nothing changes on the channel nor on the ledger
    if change is not None:
        summary = change.summary() | {"submitted": not dry_run, "already_revoked": False}
        if dry_run:
            summary = _as_it_would_be_sent(summary, refused)
    else:
        org_spec = users.ca(org_name).org
        summary = {"org": org_spec.name, "msp_id": org_spec.msp_id, "user": name, "channel": members.topology.channel,
                   "submitted": False, "already_revoked": True,
                   "detail": one_line(already).removesuffix("; nothing to do")}
    summary["ledger"] = step.summary()
    if keys_root is not None:
        summary["definition_written"] = None if definition is None else str(definition)
    unfinished = not dry_run and step.left_acting     # said once, in the error that ends the run
    if as_json:
        emit(summary, as_json=True)         # also when the run then fails: what it found is the answer
    if nothing_done:       # the keys folder's definition written again is said here too: the run ends here
        wrote = f"; {definition} written again with the org's CRLs" if definition is not None else ""
        raise click.ClickException(f"{summary['detail']}{wrote}; {step.line(name)}")
    if not as_json and change is None:
        click.echo(summary["detail"])
    elif not as_json:
        click.echo(f"revoke {summary['user']} of {summary['org']} ({summary['msp_id']}) on channel "
                   f"{summary['channel']}: certificate serial {summary['serial']}")
        click.echo(f"CRL number {summary['crl_number']} lists {len(summary['revoked_serials'])} certificate(s)")
        emit(summary["changes"], as_json=False, columns=CHANGE_COLUMNS)
        click.echo(f"signed by: {', '.join(summary['signed_by']) or 'nobody'}")
        _render_policy(summary)
        if summary["locked_out"]:
            click.echo(summary["locked_out"])
        click.echo("submitted" if not dry_run else "dry run: nothing submitted")
    if not as_json and definition is not None:
        click.echo(f"{definition} written again with the org's CRLs: the definition to send, should "
                   f"{summary['org']} be added to the channel again (`recfin org keys` need not run)")
    if not as_json and not unfinished:
        click.echo(step.line(name))
    if unfinished:       # this run's revocation committed: a run that found it done ended above unless it unbound
        raise click.ClickException(f"{name}'s certificate is revoked on channel {summary['channel']}, but on the "
                                   f"{step.line(name)}")
