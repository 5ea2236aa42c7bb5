"""`recfin receivable audit ID`: prove from the blocks that a claim's confirmation came from its debtor's org.

Thin over ``client.receivables.audit``: every read goes to a peer of the caller's own org (its connection
profile's), and the report is printed as a table or, with ``--json``, as JSON. The exit code is the verdict, so
that a financing workflow can gate on it: 0 every check passed, 1 a check failed, 2 a usage error, 3 the audit
could not be made (the ledger refused a read, or could not be reached, or the profile is missing). The claim's
state does not change the exit code: the checks prove where it came from, and a
claim that passes them may still be one the contract will not finance now (settled, already financed, frozen, due
today or earlier), which the report's first line and its verdict name (in JSON, its "financing_refusal").
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

import click

from network.errors import NetworkError

from . import connection
from .options import PathType, names_a_record
from .output import as_typed, emit

if TYPE_CHECKING:
    from client.receivables.audit import AuditCheck

EXIT_PASSED, EXIT_CHECK_FAILED, EXIT_NOT_AUDITED = 0, 1, 3
AUDIT_COLUMNS = ["what", "subject", "expected_msp", "result", "tx_id", "reason"]


class AuditNotMade(click.ClickException):
    """The audit could not be made: one line on stderr, exit 3 (a failed check is exit 1)."""

    exit_code = EXIT_NOT_AUDITED


@click.command("audit")
@click.argument("receivable_id", callback=names_a_record)
@lambda command: connection.with_options(command, connection.who_acts_options(
    "Who audits: an org (name or MSP ID) and optionally a user of its profile; every read goes to a peer of "
    "this org [default: bank, its first client user]."))
@connection.call_timeout_option()
@click.option("--genesis-block", "genesis_file", metavar="FILE",
              type=PathType(dir_okay=False, path_type=Path, reads=True),
              help="The channel's genesis block as your org has it apart from its peer (the block it joined with: "
              "an org bundle's or the network data folder's channel/<channel>.block). No orderer signs block 0, so "
              "the peer's must be this one, or every check resting on a block's signatures fails; without it, "
              "block 0 is taken as the peer holds it.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (with \"passed\", and "
              "\"financing_refusal\": why the contract would not finance the claim now, null when it would).")
def audit(receivable_id: str, as_: str | None, org: str | None, user: str | None, data_root: Path | None,
          genesis_file: Path | None, as_json: bool) -> None:
    """Check from the blocks, before financing RECEIVABLE_ID, that its confirmation carries its debtor org's
    peer's endorsement, that the claim that confirmation wrote is the one its registration wrote (only
    status, confirmed_on, frozen, queued_freezes, last_unfreeze and last may differ, and no rejection or
    withdrawal may come between: no holder,
    amount, date or invoice changed, whichever orgs endorsed the transactions in between), and that its
    debtor's and holder's party records were created with their own orgs'. A split part was confirmed by
    the split that created it; the comparison is made of its root claim, after checking that each parent
    between them was itself created by a split of its own parent. A bank asked to finance a part is no
    party to its root, and the contract refuses it the root's history: the root's writes are then read
    back from the blocks of the org's own peer, through the version of the root's key each transaction
    read, and checked the same way, the write they start at being the registration the root's id was
    made from, submitted by a client of the org it names as the holder's (a write that read nothing
    of the key, which Fabric commits, hides those before it, and the id alone keeps only 64 bits of a
    hash whose nonce a forger picks); where they cannot be, or start elsewhere, the check fails, as
    nothing then shows the root was registered and confirmed by its debtor. Last, that the invoice
    registry (FindInvoice) holds each invoice the claim's root was registered with for that root, and
    that no fingerprint of it names another claim: a claim two orgs wrote holding another claim's
    invoice, which the debtor's peer confirms all the same, fails, as financing it would finance the
    invoice twice.

    Every transaction in the history of the claim's key (and its parents' and root's) and of the
    records' keys is read from its block: one that writes a key twice, deletes it (no contract version
    deletes a claim or a party record), or committed other than the key's history says, fails; so
    does a history whose first transaction read the key at a version, which does not reach the key's
    creation (a peer joined from a snapshot holds none before it). Each endorsement counts
    only when its signature verifies under the endorser's certificate and that certificate chains to
    the org's CA certificates in the channel config its transaction was validated under (the one its
    block names, not today's), was valid at the transaction's time, is not revoked, then or today,
    and, where the org's MSP enables NodeOUs, carries its peer OU (without NodeOUs the reason says
    the role cannot be told). A transaction a check rests on must also carry endorsements meeting the
    policies Fabric's validation held it to, under the config of its block: the chaincode's, from its
    definition in the blocks, and each key-level policy of the keys it wrote, read back through the
    versions it read (one the peer marks VALID that does not fails its check; what those reads
    cannot tell, such as a key written without reading it, the reason says). Each block read must be the
    ordering service's: its header hashes its
    data, it follows a block before it that the audit read too, and orderer signatures meeting the
    channel's /Channel/Orderer/BlockValidation, under the config it was verified under, sign it (a
    block that fails fails the check naming it). A transaction the peer says it holds none of fails
    its check; a read that never reached the peer, timed out or was refused makes no audit.

    The line after the table names the claim's status and freeze ("CONFIRMED, not frozen"): the
    checks prove where a claim came from, in whatever state it stands, so passed checks on a claim
    the contract would not finance now (not CONFIRMED: settled, financed, split...; frozen; or
    due today or earlier, judged on today's business date) say why, and on a claim with a live
    financing request, that only a bank's offer on it is taken (or, where the request names another holder
    than the claim, which the contract refuses offers on, that the claim's holder withdraws it and requests
    financing again), with exit 0 still (with --json:
    "financing_refusal", null when a financing request would be taken). Exit 0: every
    check passed; 1: a check failed (do not finance on the ledger's word);
    3: the audit could not be made (see the message). See docs/receivables.md.

    \b
    Example:
      recfin receivable audit R-0123456789abcdef --as bank/officer1
      recfin receivable audit R-0123456789abcdef.2 --as bank --json
    """
    from client.gateway import GatewayError
    from client.ledger.qscc import LedgerReadError
    from client.receivables import RuleViolation
    from client.receivables.audit import ReceivableAudit

    who_org, who_user = connection.caller(as_, org, user, "bank")
    claim, auditor = as_typed(receivable_id), as_typed(who_org)
    genesis_hash = None if genesis_file is None else _genesis_hash(genesis_file)
    try:
        with connection.open_session(who_org, who_user, data_root) as session:
            connection.note_caller(session, data_root)   # a failure's hint names the peer and profile it used
            report = ReceivableAudit.of(session.client, session.profile.msp_id,
                                        genesis_hash=genesis_hash).audit(receivable_id)
    except RuleViolation as refusal:
        raise AuditNotMade(f"cannot audit {claim}: {connection.describe(refusal)}") from None
    # describe() adds what to look at for the error it is (a peer not reached, no answer in time), none for a
    # peer that answered
    except (GatewayError, NetworkError, LedgerReadError, OSError, ValueError) as error:
        raise AuditNotMade(f"cannot audit {claim} as {auditor}: {connection.describe(error)}") from None
    if as_json:
        emit(report.to_json(), as_json=True)
    else:
        rows = [{**check.model_dump(), "result": _result(check)} for check in report.checks]
        emit(rows, as_json=False, columns=AUDIT_COLUMNS)
        failed = sum(not check.passed for check in report.checks)
        unchecked = [check.what for check in report.checks if not check.checked]
        click.echo(f"{report.receivable_id} ({report.state}): debtor {report.debtor} ({report.debtor_msp}), "
                   f"holder {report.holder} ({report.holder_msp}); audited by {report.auditor_msp} on channel "
                   f"{report.channel}")
        if not report.passed:
            click.echo(f"FAILED: {failed} of {len(report.checks)} checks failed; do not finance on the ledger's word")
        else:
            verdict = (f"PASSED, but not checked: {', '.join(unchecked)} (see its reason for what is not proven)"
                       if unchecked else "PASSED: every check passed")
            refusal = report.financing_refusal
            click.echo(verdict if refusal is None else f"{verdict}; yet {refusal}")
    raise SystemExit(EXIT_PASSED if report.passed else EXIT_CHECK_FAILED)


def _genesis_hash(path: Path) -> bytes:
    """The header hash of the genesis block in ``path``; a usage error (exit 2) naming the file where it is none."""
    from client.ledger.block_integrity import genesis_block, header_hash
    from client.ledger.qscc import LedgerReadError

    try:
        return header_hash(genesis_block(path.read_bytes(), as_typed(path)).header)
    except OSError as error:
        problem = f"{as_typed(path)} cannot be read ({error.strerror or error})"
    except LedgerReadError as error:
        problem = str(error)
    raise click.BadParameter(f"{problem}: give the channel's genesis block file your org joined with (an org "
                             "bundle's channel/<channel>.block)", param_hint="'--genesis-block'")


def _result(check: AuditCheck) -> str:
    """PASS, FAIL, or NOT CHECKED for a check that passes unmade (in JSON: passed, its reason "not checked: ...")."""
    if not check.passed:
        return "FAIL"
    return "PASS" if check.checked else "NOT CHECKED"
