"""`recfin chaincode ...`: deploy (or upgrade) chaincode as a service, restart its servers, show its configuration
and the rules a peer's contract runs with (`settings`), and bring the ledger's records of earlier contract versions
up to the deployed one (`upgrade-ledger`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from network.errors import ChaincodeError

from .connection import acting, describe
from .network_commands import open_network, topology_option
from .options import PathType, WholeNumberRange, timeout_option
from .output import as_typed_cut_short, emit, reports_errors, table
from .regulator_commands import BookmarkTokenType, bookmark_token
from .request_ids import Terminated, committed_unread, terminations_raised, may_have_committed

if TYPE_CHECKING:
    from chaincode.receivables.config import NetworkConfig

CONFIG_FIELDS = ("chaincode", "sha256", "version", "endorsement_policy", "config_file", "deployed_version",
                 "deployed_endorsement_policy", "deployed", "committed_version", "committed_sequence",
                 "committed")


def _nothing_done(ctx: click.Context) -> str:
    return f"nothing was {'restarted' if ctx.info_name == 'restart' else 'deployed'}"


def _refused_as_the_option(ctx: click.Context, check, value: str | None) -> str | None:
    """``value`` once ``check`` (a network.lifecycle check) takes it; its ChaincodeError as the option's usage
    error (exit 2), said before anything runs: the Fabric tools looked for, a package written, a server stopped."""
    if value is None:
        return None
    try:
        check(value)
    except ChaincodeError as problem:
        raise click.BadParameter(f"{problem}; {_nothing_done(ctx)}") from None
    return value


def _refuse_a_one_org_policy(topology_path: Path | None, policy: str) -> None:
    """A --signature-policy one org's identities could meet alone (or naming a role other than peer) refused as the
    option's usage error (exit 2) before anything runs, as its help says: the deploy refuses it too, but only once
    the Fabric tools were looked for, so a machine without them was sent to build Fabric before being refused."""
    from network import contract_config
    from network.topology import load as load_topology

    refusal = contract_config.one_org_policy_refusal(policy, load_topology(topology_path), "endorsement policy")
    if refusal is not None:
        raise click.BadParameter(refusal, param_hint="'--signature-policy'")


def _refuse_the_channel_policy_of_one_org(net) -> None:
    """--channel-policy on a channel whose one org's peers alone meet its Endorsement policy refused as a usage error
    (exit 2) before anything runs, as its help says: the deploy refuses it too, but only once the Fabric tools were
    looked for. The channel's orgs are those the opened network holds (topology.yaml with what `recfin org
    add|remove` recorded in the data folder), as the deploy reads them; opening it starts nothing."""
    from network import contract_config

    refusal = contract_config.channel_policy_refusal(net.topology, net.data_root)
    if refusal is not None:
        raise click.UsageError(refusal)


def _chaincode_name(ctx, _param, name: str | None) -> str | None:
    # a blank one (an unset variable) would stand for the default: the topology's chaincode, or every one
    from network.lifecycle import check_name

    return _refused_as_the_option(ctx, check_name, name)


def _definition_version(ctx, _param, version: str | None) -> str | None:
    from network.lifecycle import check_version

    return _refused_as_the_option(ctx, check_version, version)


def _signature_policy(ctx, _param, policy: str | None) -> str | None:
    # one Fabric's policy language cannot read; whether one org could meet it is the deploy's to say, from the
    # topology's orgs
    from network.lifecycle import compiled_signature_policy

    return _refused_as_the_option(ctx, compiled_signature_policy, policy)


@contextmanager
def _on_the_servers_path():
    """sys.path as a chaincode server has it: `python -m chaincode` runs in the checkout, which comes first."""
    from network import ccservers

    sys.path.insert(0, str(ccservers.REPO_ROOT))
    try:
        yield
    finally:
        sys.path.remove(str(ccservers.REPO_ROOT))


def _contract(ctx, _param, spec: str | None) -> str | None:
    """--contract, imported as the servers will import it: one they cannot run would otherwise be found only once
    each org had approved the new definition and its servers had been stopped for ones that never start."""
    if spec is None:
        return None
    # here, not at the top: the contract's module loads the chaincode runtime, which no other command needs
    from chaincode.shim.server import find_contract_class
    try:
        with _on_the_servers_path():
            find_contract_class(spec)
    except ValueError as problem:
        said = str(problem).removeprefix(f"--contract {spec!r}: ")
        raise click.BadParameter(f"{spec!r}: {said}; {_nothing_done(ctx)}") from None
    return spec


@click.group()
def chaincode() -> None:
    """Deploy, restart and configure chaincode as a service; upgrade the ledger's records of earlier versions.

    One Python chaincode server per org, dialled by that org's peer.

    \b
    Example:
      recfin chaincode deploy
      recfin chaincode config --committed
    """


@chaincode.command()
@topology_option
@click.option("--name", default=None, callback=_chaincode_name,
              help="Chaincode name (default: the topology's, receivables).")
@click.option("--contract", default=None, metavar="MODULE:CLASS", callback=_contract,
              help="The contract class the servers run, imported first as they import it (one that does not "
                   "import, or is no Contract class, is a usage error). Default: the one deployed under --name "
                   "(an earlier --contract included), or the topology's (chaincode.contract) where none is "
                   "recorded for that name.")
@click.option("--version", "version_", default=None, callback=_definition_version,
              help="Definition version (a new one upgrades in place). Default: the one deployed (an earlier "
                   "--version included), or the topology's for a first deploy or once topology.yaml names "
                   "another version than at that deploy; refused when the channel's definition in force is not the "
                   "recorded one and has another version number, naming both.")
@click.option("--collections-config", type=PathType(exists=True, dir_okay=False, path_type=Path, reads=True),
              default=None,
              help="Private data collections JSON for the definition (default for the topology's chaincode: "
                   "derived from the orgs' roles, or the file the topology names).")
@click.option("--signature-policy", default=None, metavar="POLICY", callback=_signature_policy,
              help="Endorsement policy, e.g. \"AND('BankMSP.peer','SupplierMSP.peer')\" "
                   "(default: the topology's: any 2 of the channel's orgs). Refused before anything runs unless "
                   "every way of meeting it takes the peers of two orgs ('MSP.peer' principals only): the "
                   "contract's guarantee that no single org writes alone rests on it.")
@click.option("--channel-policy", is_flag=True,
              help="Use the channel's Endorsement policy (MAJORITY of orgs' Endorsement policies, "
                   "each \"OR('MSP.peer')\" "
                   "as recfin writes them) instead of a signature policy. Refused on a channel of one org, whose "
                   "peers alone meet it, unless --allow-one-org-policy.")
@click.option("--allow-one-org-policy", is_flag=True,
              help="Deploy a --signature-policy one org's peers (or its clients or admins) could meet alone, or "
                   "--channel-policy on a channel of one org. This "
                   "voids the contract's guarantee that no single org, running altered chaincode on its own peer, "
                   "writes a key: only for a chaincode whose writes no other org needs to agree to.")
@timeout_option("Seconds to wait for each server.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@reports_errors
def deploy(topology_path, name, contract, version_, collections_config, signature_policy, channel_policy,
           allow_one_org_policy, timeout, as_json):
    """Deploy or upgrade chaincode as a service.

    Packages it, starts one server per org, installs on every peer, approves as each org,
    checks commit readiness and commits. A changed definition bumps the sequence. The
    topology's chaincode runs with the contract configuration derived from the channel's
    orgs and the topology's `contract:` settings; its digest is part of the version
    (see `recfin chaincode config`), so changing a setting and deploying is an upgrade.
    Without --version the deployed version's number is kept: deploying again after
    `--version 1.1` changes nothing, and a changed setting deploys 1.1 with its new digest.
    Without --contract the contract class deployed under that name is kept.
    A change to the contract's code alone (the checkout pulled) changes no definition, as
    the package names the servers, not the code: servers already running go on with the
    code they started with, and the deploy names them; `recfin chaincode restart` runs the
    changed code, or --version makes it a new definition every org approves.
    After upgrading a network that holds records of an earlier version, run
    `recfin chaincode upgrade-ledger` once.

    \b
    Example:
      recfin chaincode deploy
      recfin chaincode deploy --version 1.1 --json
    """
    if channel_policy and signature_policy:
        raise click.UsageError("--signature-policy and --channel-policy exclude each other")
    if allow_one_org_policy and not (signature_policy or channel_policy):
        raise click.UsageError("--allow-one-org-policy is for a --signature-policy or --channel-policy one org "
                               "could meet alone: give it with one, or leave it out")
    if signature_policy and not allow_one_org_policy:
        _refuse_a_one_org_policy(topology_path, signature_policy)
    policy = None if channel_policy else (signature_policy or "topology")
    net = open_network(topology_path, as_json, timeout)
    if channel_policy and not allow_one_org_policy:
        _refuse_the_channel_policy_of_one_org(net)
    result = net.deploy_chaincode(name=name, contract=contract, version=version_,
                                  collections_config=collections_config, signature_policy=policy,
                                  allow_one_org_policy=allow_one_org_policy)
    emit(result, as_json=as_json, columns=("name", "version", "sequence", "changed"))


@chaincode.command()
@topology_option
@click.option("--name", default=None, callback=_chaincode_name,
              help="Only this chaincode (default: every deployed one).")
@timeout_option("Seconds to wait for each server.")
@click.option("--json", "as_json", is_flag=True,
              help='Print the servers restarted as JSON: {"restarted": [NAME, ...]}.')
@reports_errors
def restart(topology_path, name, timeout, as_json):
    """Restart the chaincode servers of deployed chaincode.

    State stays on the ledger; use this when a server died or its code changed without a new version.
    With nothing deployed in the data folder it fails: run `recfin chaincode deploy` first. A server
    whose address or TLS material changed since the deploy (topology.yaml's chaincode_server_port, say)
    is refused before anything stops, naming the deploy that installs packages for it as it is now.
    A server whose start fails is left stopped, and the error says which servers run and that
    `recfin network up` starts it again.

    \b
    Example:
      recfin chaincode restart --name receivables
      recfin chaincode restart --json
    """
    net = open_network(topology_path, as_json, timeout)
    started = net.start_chaincode_servers(name, restart=True)
    if as_json:
        emit({"restarted": started}, as_json=True)
        return
    click.echo(f"restarted {len(started)} chaincode server(s)" + (f": {', '.join(started)}" if started else ""))


@chaincode.command("config")
@topology_option
@click.option("--committed", is_flag=True,
              help="Also ask the channel (as the first org's admin) which definition is committed and who approved it.")
@click.option("--json", "as_json", is_flag=True, help="Print the configuration and its state as JSON.")
@reports_errors
def config_command(topology_path, committed, as_json):
    """The receivables contract's configuration, derived from the channel's orgs and the topology.

    Org roles (each org's `role:`) and the topology's `contract:` settings make the file every
    org's chaincode server runs with. Shows its sha256, the definition version naming it
    (<version>+cfg.<digest>) and the endorsement policy a deploy given no options approves, and
    whether the deployed definition is that one (its version, configuration, endorsement policy and
    collections; the deployed version and policy are shown too, and the contract class is the deployed
    one, which a deploy given no --contract keeps): if not, the parts that differ are named and
    `recfin chaincode deploy` applies them as a new sequence. With --committed, also whether the
    committed definition has this configuration.

    \b
    Example:
      recfin chaincode config
      recfin chaincode config --committed --json
    """
    from network import contract_config
    from network.lifecycle import Lifecycle

    net = open_network(topology_path, as_json)
    topo = net.topology
    definition = None
    if committed:
        net.fabric.require(("peer",))
        definition = Lifecycle(net.tools, topo, net.data_root).committed(topo.orgs[0].name, topo.chaincode.name) or {}
    report = contract_config.report(topo, net.data_root, definition)
    if as_json:
        emit(report, as_json=True)
        return
    emit(report, as_json=False, columns=[c for c in CONFIG_FIELDS if c in report])
    if report["deployed_differs"]:
        click.echo(f"the deployed definition differs in: {', '.join(report['deployed_differs'])} "
                   f"(`recfin chaincode deploy` commits them as a new sequence)")
    config = report["config"]
    click.echo("org roles: " + ", ".join(f"{msp}={'+'.join(roles)}" for msp, roles in config.pop("org_roles").items()))
    settings = {k: (", ".join(v) or None) if isinstance(v, list) else v for k, v in config.items()}
    # an unset rule is not "no rule": the contract applies its default, so the text names it where a bare "-"
    # would read as no limit (--json keeps null, the file's value)
    settings |= {k: rule for k, rule in _defaults_in_force(contract_config.network_config(topo)).items()
                 if settings.get(k) is None}
    emit(settings, as_json=False, columns=sorted(settings))
    for msp, approved in sorted(report.get("approvals", {}).items()):
        click.echo(f"approved by {msp}: {'yes' if approved else 'no'}")


def _defaults_in_force(config: NetworkConfig) -> dict[str, str]:
    """The rule the contract applies for each setting left unset, in words."""
    return {"max_payment_term_days": config.payment_term_text(),
            "max_attestation_age_days": config.attestation_age_text(),
            "attestation_sources": "any source (the default: attestation_sources is empty)"}


# of GetContractSettings' answer, the lines a person reads: each rule as the contract applies it
SETTINGS_LINES = ("payment_term", "require_attestation", "attestation_sources", "attestation_age_limit_days",
                  "attesting_roles", "config_digest")


@chaincode.command("settings")
@acting("supplier", json_help="Print the contract's answer as JSON: each setting as configured (null where "
                              "unset) beside the value applied (payment_term, attestation_age_limit_days), and "
                              "the full config_digest.")
def settings_command(session, as_json) -> None:
    """The receivables contract's rules as a peer's chaincode server runs them, asked of the contract.

    Asks the contract (GetContractSettings) through a peer of the org --as names: the maximum payment
    term a registration's due date is held to, whether a registration needs a passing invoice
    attestation, from which sources, how old and by which roles, each unset rule with the value the
    contract applies in its stead, and the digest of the configuration the server was started with
    (the chaincode definition's version names its first 12 hex digits: `recfin chaincode config`
    shows the one the topology gives). Any member of the channel may ask, a party or not. A contract
    from before GetContractSettings refuses it: `recfin chaincode config --committed` then shows the
    topology's configuration and whether the committed definition names it.

    \b
    Example:
      recfin chaincode settings --as supplier
      recfin chaincode settings --as bank/officer1 --json
    """
    settings = session.client.contract_settings()
    if as_json:
        emit(settings.to_json(), as_json=True)
        return
    shown = settings.to_json()
    shown["attestation_sources"] = ", ".join(settings.attestation_sources) or "any source"
    shown["attesting_roles"] = ", ".join(settings.attesting_roles) or "none"
    if settings.max_attestation_age_days is None:
        shown["attestation_age_limit_days"] = f"{settings.attestation_age_limit_days} (the default: " \
                                              "max_attestation_age_days is unset)"
    emit(shown, as_json=False, columns=SETTINGS_LINES)


# writes: every value and key-level policy the pages wrote; the fields after it count some kinds of them
UPGRADE_TOTALS = ("pages", "scanned", "writes", "financier_entries", "discount_offer_entries",
                  "open_offer_entries", "fingerprint_entries", "claim_policies", "financing_policies",
                  "discount_offer_policies")
UPGRADE_TOKEN_PRINTED_AFTER = ("'next page: --bookmark' on each page's line, or after 'go on from it: "
                               "recfin chaincode upgrade-ledger --bookmark' when a page failed or was "
                               "stopped (failed_at with --json)")
COLLISION_COLUMNS = ("fingerprint", "receivable_id", "number", "code", "live", "held_by", "held_by_number",
                     "held_by_code", "held_by_live")


@chaincode.command("upgrade-ledger")
@click.option("--page-size", type=WholeNumberRange(1, 100), default=20, show_default=True,
              help="Records per transaction. A page another transaction invalidated (a record it read changed, "
                   "or one was added to its range) wrote nothing and is sent again: 3 sends at most.")
@click.option("--bookmark", type=BookmarkTokenType(printed_after=UPGRADE_TOKEN_PRINTED_AFTER), default="",
              help="Start from the page this token names, as printed on the line of the page before it "
                   "(next page: --bookmark) or when a page failed or was stopped (failed_at with --json; "
                   "default: the first page).")
@acting("regulator", admin=True,
        json_help="Print the totals, collisions, invoices without a current spelling, claims to reseal "
                  "and records passed over (unreadable, newer_version) as JSON (each page's line, with the "
                  "--bookmark of the next page, goes to stderr); when a page fails or is stopped, what the "
                  "pages before it found, with failed_at: the --bookmark token to go on from.")
def upgrade_ledger(session, as_json, page_size, bookmark) -> None:
    """Write the entries and key-level policies records of earlier contract versions lack, page after page.

    Run once after `recfin chaincode deploy` upgraded a network that holds such records: financings
    accepted, financing offers still open and discount offers published before their indexes
    existed then count in a bank's exposure and in the offer lists, and an invoice registered under a spelling
    the contract now
    refuses is registered under its current spelling too, so it cannot back a second claim. A claim
    whose key has no key-level policy (earlier versions set it only at confirmation, or the claim's orgs
    due were one org when it was written) gets the orgs due, where they are two or more orgs: every change of it
    then needs its debtor's
    and its holder's orgs (the bank's while financed, the regulator's while frozen); a financing they accepted gets
    its holder's and its bank's orgs; a discount offer and its list entry get its debtor's org. A claim
    whose key names fewer orgs than due (frozen before a freeze added the regulator's org, or guarded
    by one org) cannot be rewritten by the upgrade: it is listed, to be resealed with `recfin receivable
    reseal RECEIVABLE_ID`. A claim's entry in its debtor's payment record (GetDebtorPaymentRecord), missing,
    is written back; that entry, a request record and an assignment notice get their key-level policies
    (the invoice's orgs, the party's org, the debtor's and the bank's orgs); and every policy an earlier
    version wrote naming an org's members is rewritten to name its peers, so no client certificate of the
    org can sign a change of the key: such a page needs the peers of the orgs those policies name. A record
    the contract cannot read is passed over and listed, each once; so is one a newer contract version wrote,
    apart (the peer runs an older version than the ledger's: install the channel's version, run it again).
    Each page's line says how many values and key-level policies it wrote (every write it made, summed
    as writes in the totals, whose other fields count some kinds of them; 0 when run again) and ends
    with the --bookmark of the next page, so a run stopped in any way (killed, its ssh session dropped) goes
    on from the token of the last line printed. When a page fails or is stopped (Ctrl-C, SIGTERM,
    SIGHUP), the command shows what the pages before it found (a run resumed from that page does not
    send them again) and the --bookmark to go on from; when the contract refuses the --bookmark
    given, leave it out to start from the first page.
    It writes only entries and
    policies derived from the records it reads, and only missing ones (or policies in the earlier form):
    running it again is harmless, so a page that may have committed (its answer lost, or stopped
    while it was sent) is simply sent again.
    An invoice that already backs two claims, or one claim twice (registered under two
    spellings), is reported as a collision and left to the regulator; each page's LedgerUpgraded
    event names them. Once one claim of a pair is rejected, run it again: the claim left then
    holds the current spelling.
    The regulator's org admin (the default) runs it: it reads every claim, and its pages name claim
    ids, so the contract refuses anyone else (RULE role-not-permitted), the regulator's users too:
    the regulator reads everything but changes only freeze state.

    \b
    Example:
      recfin chaincode upgrade-ledger
      recfin chaincode upgrade-ledger --as regulator --page-size 50 --json
    """
    from client.receivables import next_bookmark

    totals = dict.fromkeys(UPGRADE_TOTALS, 0)
    findings = {"collisions": [], "without_current_spelling": [], "unreadable": [], "newer_version": [],
                "claims_to_reseal": []}
    done = False
    sent = {bookmark}   # a page answering one of these again would have the run read the same pages for ever
    # SIGTERM and SIGHUP (its ssh session dropped) stop it as Ctrl-C does, with what the pages found and the
    # --bookmark to go on from; each page's line names that too, for a stop that leaves no time to say it
    with terminations_raised():
        while not done:
            try:
                # a page invalidated by a record changed or added in its range wrote nothing: the session's
                # client sends it again (RACE_RETRY, three sends at most)
                page = session.client.upgrade_ledger(page_size, bookmark)
                # checked before the page is counted: the run goes on from the page's own bookmark, whose
                # page sent again writes nothing more and says what it found again
                next_page_at = next_bookmark(page, sent)
                _add_page(totals, findings, page)
                bookmark, done = next_page_at, page.done
            except (Exception, KeyboardInterrupt) as failure:   # the pages done are not sent again: show them
                _stopped_at(failure, totals, findings, as_json, bookmark)
                raise
            found = [(len(page.collisions), "collision(s)"), (len(page.unreadable), "unreadable"),
                     (len(page.newer_version), "of a newer contract version"),
                     (len(page.claims_to_reseal), "claim(s) to reseal")]
            next_page = "the last page" if done else f"next page: --bookmark {bookmark_token(bookmark)}"
            found_text = "".join(f", {n} {what}" for n, what in found if n)
            click.echo(f"page {totals['pages']}: {page.scanned} records, {page.written} values and key-level "
                       f"policies written{found_text}; {next_page}", err=as_json)
    _report_upgrade(totals, findings, as_json)


def _add_page(totals: dict[str, int], findings: dict[str, list], page) -> None:
    """Add what ``page`` (a ``LedgerUpgrade``) wrote and found to the run's ``totals`` and ``findings``."""
    totals["pages"] += 1
    totals["writes"] += page.written   # the counted fields' sum from a contract before it sent writes
    for field in UPGRADE_TOTALS:
        if field not in ("pages", "writes"):
            totals[field] += getattr(page, field)
    findings["collisions"] += [c.to_json() for c in page.collisions]
    findings["without_current_spelling"] += [u.to_json() for u in page.without_current_spelling]
    # a record several pages name (a party whose claims lie on two pages, say) listed once
    findings["unreadable"] = list(dict.fromkeys(findings["unreadable"] + page.unreadable))
    findings["newer_version"] = list(dict.fromkeys(findings["newer_version"] + page.newer_version))
    findings["claims_to_reseal"] += [c.to_json() for c in page.claims_to_reseal]


def _stopped_at(failure: BaseException, totals: dict[str, int], findings: dict[str, list], as_json: bool,
                bookmark: str) -> None:
    """Say what the pages before the page from ``bookmark`` found and how to go on after it failed or was
    stopped; raises a ClickException where the command's error line says more than ``failure`` (a page that
    may have committed, a stop by SIGTERM or SIGHUP), else returns for ``failure`` to be raised as it is."""
    if totals["pages"]:   # a run resumed from the failed page does not send these again: show them now
        _report_upgrade(totals, findings, as_json, failed_at=bookmark_token(bookmark))
    if committed_unread(failure):   # it did commit: not a page that "may have committed"
        raise click.ClickException(_committed_unread(failure, totals["pages"] + 1, bookmark)) from failure
    way_on = _way_on(failure, totals["pages"], bookmark)
    if may_have_committed(failure):
        # the connection's generic advice (read the record it changes before sending it again) does not apply:
        # a page sent again writes only what is still missing, nothing once it committed
        transaction = getattr(failure, "transaction_id", None) or "of the page"
        raise click.ClickException(f"{describe(failure)} (transaction {transaction} may have committed all "
                                   f"the same; {way_on})") from failure
    if way_on:
        click.echo(way_on, err=True)
        # the stop's way on is said (a page sent again writes nothing more): not the connection's generic one
        failure.way_on_told = True
    if isinstance(failure, Terminated):   # its own words and the shell's exit code for it (143, 129)
        stop = click.ClickException(str(failure))
        stop.exit_code = failure.exit_code
        raise stop from failure


def _committed_unread(failure, page: int, bookmark: str) -> str:
    """The error line of page ``page`` (sent from ``bookmark``), which committed with an answer the SDK cannot read
    (``UnreadableAnswer``): that it committed and what it wrote is on the ledger, and how to go on from it, which
    a page sent again does harmlessly (it writes only what is missing). The SDK's own line, for any call, says it
    "must not be sent again", and the page is not one that only may have committed."""
    in_transaction = f" in transaction {failure.transaction_id}" if failure.transaction_id else ""
    go_on = ((f"go on from it: recfin chaincode upgrade-ledger --bookmark {bookmark_token(bookmark)}" if bookmark
              else "run the same command again") + " (sent again, the page writes nothing more and says what it found)")
    if failure.of_no_version:
        # the same page sent again answers the same: the chaincode is what must change
        how = ("no version of the contract answers so (do the peers run other chaincode under its name?), so the "
               f"pages after it were not upgraded; once the peers run the contract, {go_on}")
    else:
        how = f"upgrade recfin to the contract's version, then {go_on}"
    return (f"page {page} of the upgrade committed{in_transaction}, but its answer cannot be read "
            f"({failure.problem}): what it wrote is on the ledger; {how}")


def _way_on(failure: BaseException, pages_done: int, bookmark: str) -> str | None:
    """The line saying how to go on after the page from ``bookmark`` failed or was stopped (Ctrl-C, SIGTERM,
    SIGHUP), ``pages_done`` pages after the first one sent; None where running the same command again is the
    way (the first page sent failed, before it could have committed, for another cause than its bookmark)."""
    from client.receivables import RefusedBeforeSending, RuleViolation

    # refused by the contract (a key of a kind it does not scan), or by the SDK's own check of it before sending
    # (text no contract version takes as the key of a page)
    if isinstance(failure, (RuleViolation, RefusedBeforeSending)) and failure.rule == "bookmark-invalid":
        # the token names no page of the scan: giving it again fails the same way
        # not to be given again, so a long one (a paste gone wrong) is named cut short
        return (f"the contract takes no page from --bookmark {as_typed_cut_short(bookmark_token(bookmark))}: leave "
                "--bookmark out to start from the first page (pages already upgraded write nothing more)")
    go_on = (f"go on from it: recfin chaincode upgrade-ledger --bookmark {bookmark_token(bookmark)}"
             if pages_done else "run the same command again")
    page = f"page {pages_done + 1}"
    if may_have_committed(failure):
        return (f"sending it again is safe: an UpgradeLedger page writes only what is missing, nothing once "
                f"it committed; {go_on}")
    if isinstance(failure, KeyboardInterrupt):
        # it may have committed: sent again, it writes nothing more
        how = str(failure) if isinstance(failure, Terminated) else "interrupted"
        committed = ("" if getattr(failure, "may_have_been_ordered", None) is False
                     else " (it may have committed: sent again, it writes nothing more)")
        return f"{page} was {how}{committed}; {go_on}"
    if not pages_done:
        return None
    return f"{page} failed; once its cause is put right, {go_on}"


def _report_upgrade(totals: dict[str, int], findings: dict[str, list], as_json: bool,
                    failed_at: str | None = None) -> None:
    """The totals and findings of the pages upgrade-ledger ran; ``failed_at``: the token of the page that failed
    after them (in --json only: the text's failure line names it)."""
    if as_json:
        emit({**totals, **findings, **({"failed_at": failed_at} if failed_at is not None else {})}, as_json=True)
        return
    emit(totals, as_json=False, columns=UPGRADE_TOTALS)
    collisions, unspelled = findings["collisions"], findings["without_current_spelling"]
    unreadable, to_reseal = findings["unreadable"], findings["claims_to_reseal"]
    if collisions:
        click.echo(f"\n{len(collisions)} invoice(s) registered twice, under two spellings (NUMBER and CODE as "
                   "RECEIVABLE_ID stores the invoice, HELD_BY_NUMBER and HELD_BY_CODE as HELD_BY does); the "
                   "registry holds the current spelling for HELD_BY, which is RECEIVABLE_ID itself where one "
                   "claim lists the invoice twice. Double financing already happened; nothing was changed: "
                   "report them to the regulator.")
        click.echo(table(collisions, COLLISION_COLUMNS))
    if unspelled:
        click.echo(f"\n{len(unspelled)} stored invoice(s) have no spelling the contract accepts now, so only "
                   "their stored fingerprint guards them: check them by hand.")
        click.echo(table(unspelled, ("receivable_id", "number", "code", "fingerprint")))
    if to_reseal:
        click.echo(f"\n{len(to_reseal)} claim(s) whose key names fewer orgs than due (KEY_ORGS now, DUE_ORGS due): "
                   "the upgrade cannot change a policy that other orgs' endorsement guards, so until the claim is "
                   "resealed KEY_ORGS alone can change it, a freeze's lifting included. Reseal each with "
                   "`recfin receivable reseal RECEIVABLE_ID` (its debtor, holder, bank while financed, or the "
                   "regulator), endorsed by KEY_ORGS.")
        click.echo(table(to_reseal, ("receivable_id", "key_orgs", "due_orgs")))
    if unreadable:
        click.echo(f"\n{len(unreadable)} record(s) the contract cannot read (a value it cannot parse, or an offer or "
                   "financing whose claim is missing) were passed over, nothing written for them: no contract "
                   "version writes such a record, so find out who wrote each (TYPE and ID name its key).")
        click.echo(table([_key_parts(k) for k in unreadable], ("type", "id")))
    if newer := findings["newer_version"]:
        click.echo(f"\n{len(newer)} record(s) a newer version of the contract wrote were passed over, "
                   "nothing written for them or the records naming them: the peer that ran the pages runs "
                   "an older contract version than the ledger's. Install the channel's version there "
                   "(`recfin chaincode config --committed` names the committed definition) and run "
                   "upgrade-ledger again; where it runs that version already, no version wrote them: find "
                   "out who wrote each (TYPE and ID name its key).")
        click.echo(table([_key_parts(k) for k in newer], ("type", "id")))


def _key_parts(key: str) -> dict[str, str]:
    """A record's composite key as its type and its attributes (a key that is no composite key, as its type)."""
    from client.receivables.ledger_keys import split_key

    object_type, attributes = split_key(key) or (key, [])
    return {"type": object_type, "id": " ".join(attributes)}
