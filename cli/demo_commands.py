"""`recfin demo`: one story across the four orgs, with real transactions on the network.

It brings the network up if needed (``Network.up`` leaves healthy nodes alone) and
deploys the receivables chaincode unless the same definition is committed
(``Network.deploy_chaincode`` changes nothing then); ``--skip-setup`` uses a network
someone else runs. Before anything starts, the topology (with the orgs and users its data
folder's membership.yaml records) is checked for what the story needs: the orgs, their roles
and the users it acts as (``ACTORS``, ``PARTIES``), and a credit code of its own for each actor.
Then, printing who did what and the tx id of each step:

1. the org admins register the parties (a rerun reports them as already registered, once
   it has read each back and found the story's party: another party under the code stops it, and
   so does a user of a party that acts for another party, but for officer2 acting for First Bank):
   the core enterprise, the tier-1 and tier-2 suppliers, and two financiers of BankMSP,
   First Bank (officer1) and Second Bank (officer2; the contract takes one offer per
   bank and request, so two offers need two banks);
2. the tier-1 supplier registers a CNY 113,000.00 receivable backed by a new invoice (a new
   number each run), issued today and due in 90 days; the core enterprise confirms it;
3. the tier-1 supplier splits CNY 30,000.00 off to its own tier-2 supplier;
4. it requests financing on the CNY 83,000.00 it kept; both banks offer (each shown on the terms the
   ledger holds, read back); it prices and ranks the two offers on those terms with
   ``client.pricing.proposals`` and accepts the cheaper one (lowest all-in annual cost); that bank disburses
   and the core enterprise acknowledges the
   assignment notice; a second receivable on the same invoice and a second financing of
   the same claim are refused;
5. the core enterprise offers early payment at 5% APR on the tier-2 part, and the
   tier-2 supplier takes it: that part settles at a discount;
6. the tier-1 supplier registers the claim for a second delivery (CNY 22,600.00, its own new
   invoice, dated the day it is registered, due in 90 days) and the core enterprise confirms it;
7. the regulator reads the exposure, then freezes the second delivery's claim under a court
   order: the core enterprise disputes the goods delivered. A second order on the claim queues
   behind the court's (轮候冻结) and is lifted when its applicant withdraws, the story's one
   unfreeze (``lift_a_queued_order``): the court's order still holds the claim, and the demo
   never lifts it;
8. maturity settles the rest: the core enterprise pays the financed part to the bank and the
   bank records repayment; its payment on the disputed claim is refused while it is frozen.
   Settlement at maturity is the debtor's ``RecordPayment``: the contract takes each
   transaction's date from its timestamp and accepts a payment on or before the due date
   as on time. The demo does not wait 90 days, and each transaction it sends carries the
   time it is sent: it pays now, ahead of the due date, and its output says so;
9. the end prints the ledger state: each receivable of the story (id, holder, status,
   outstanding, frozen), the disputed claim frozen and unpaid, and the regulator's statistics,
   whose exposure counts it.

Before the story, the regulator's statistics say what the ledger already holds (``held_before``): each earlier
run leaves its disputed claim frozen, and a run that stopped leaves what its steps did. A rerun says so, and
its exposure step and end say how much of the exposure they count was there before it.

With --skip-setup, a network that answers without the chaincode deployed stops it before the story starts,
saying so with `recfin chaincode deploy` to run (``chaincode_not_deployed``).

A step that fails (a party's registration too) stops the story with the error's own line, naming the step
and who acted, whether its transaction may still commit (with the `recfin transaction status` that tells)
and, where the network failed it rather than the contract refused it, the acting org's peer and chaincode
server logs (`recfin network logs`; a peer's, of any org, that did not catch up with the story's last block in
time); Ctrl-C stops it the same way, with exit 130 (its transaction cannot
commit where the SDK stopped it before the orderer was handed it). The steps before it stay on the ledger,
and a new run starts a new story. The network keeps running, and the end of a run says so, with the
`recfin network down` that stops it (``network_keeps_running``); so does a setup that failed or was stopped
while some of its nodes run (``ensure_network``). With --json, stdout still gets one document: the steps
done and what stopped the run (``stopped_document``), so a script keeps their tx ids.

Dates come from the transaction timestamp (China Standard Time business dates). Each org
acts through its own peer, which commits blocks on its own: before an org acts after
another org's change, its peer is waited for until it has that change's block (``Turns``).
"""
from __future__ import annotations

import secrets
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import click

from client.money import exact_percent, percent
from network.errors import NetworkError, NodeNotFoundError, first_few, shell_word
from network.probes import accepting

from . import connection
from .amounts import money
from .forwarding import Forwarding
from .network_commands import topology_option
from .options import PathType, business_today
from .output import display_width, emit, progress, table
from .regulator_commands import EXPOSURE_COLUMNS, statistics_rows
from .request_ids import EXIT_INTERRUPTED, AnswerLost

if TYPE_CHECKING:
    from client.gateway import GatewayError
    from client.pricing.proposals import BankOffer
    from client.receivables import (Exposure, Party, Receivable, ReceivableRegistration, ReceivablesClient,
                                    RuleViolation, Statistics)
    from network import profiles
    from network.topology import Topology

REGULATOR_CODE_BODY = "11110000MB000001X"  # a synthetic credit code for the demo's regulator (GB 32100 form)
SECOND_BANK_CODE_BODY = "91110000MA1K00099"  # a synthetic credit code for the demo's second bank

# who acts: (org, user) as in network/topology.yaml
ACTORS = {
    "core": ("coreenterprise", "treasurer"),
    "tier1": ("supplier", "supplier1"),
    "tier2": ("supplier", "supplier2"),
    "bank": ("bank", "officer1"),
    "bank2": ("bank", "officer2"),
    "regulator": ("regulator", "inspector1"),
}
PARTIES = [  # (actor key, party name, role, users acting for it)
    ("core", "Core Manufacturing Co.", "core_enterprise", ("treasurer", "accountant")),
    ("tier1", "Tier-1 Parts Co.", "supplier", ("supplier1",)),
    ("tier2", "Tier-2 Castings Co.", "supplier", ("supplier2",)),
    ("bank", "First Bank", "financier", ("officer1",)),
    ("bank2", "Second Bank", "financier", ("officer2",)),
    ("regulator", "Receivables Regulator", "regulator", ("inspector1", "inspector2")),
]
# The two banks' terms on the tier-1 supplier's request (the demo's fixed quotes).
QUOTES = {
    "bank": dict(advance_rate=Decimal("0.90"), discount_rate=Decimal("0.036"), fees=Decimal("200.00"), recourse=False),
    "bank2": dict(advance_rate=Decimal("0.85"), discount_rate=Decimal("0.032"), fees=Decimal("0.00"), recourse=False),
}
# The story's amounts in yuan: each delivery's invoice (amount, VAT at 13%), the part split to the tier-2 supplier.
FIRST_DELIVERY = (Decimal("100000.00"), Decimal("13000.00"))
SECOND_DELIVERY = (Decimal("20000.00"), Decimal("2600.00"))
SPLIT_OFF = Decimal("30000.00")
TERM_DAYS = 90
STORY_COLUMNS = ["id", "holder", "status", "outstanding", "frozen"]
# The step lines' actor column fits every name a step gives who acted: a story's actor by its key, an org admin
# registering a party as ORG-admin (acting_key), so each step's "what" starts in the same column.
ACTOR_WIDTH = max(len(name) for name in [*ACTORS, *(f"{org}-admin" for org, _user in ACTORS.values())])
# The step lines' "what" column, in terminal columns, so that each step's tx id starts in the same column: a text
# wider than it is wrapped in it, the tx id after its last line.
WHAT_WIDTH = 48
# The widest the story's prose (its notes, the closing paragraphs) is wrapped to; narrower on a narrower terminal.
PROSE_WIDTH = 100


class Turns:
    """Read-your-writes across the story's orgs: ``turns(session)`` is the session's client, once every peer the
    story has used has the story's latest change.

    A submit returns when the acting org's own peer has committed it; the other orgs' peers commit that block
    on their own, a moment later. The next step runs the chaincode on its own org's peer, and the Gateway may
    ask any other org's peer to endorse it too, so before the step every peer the story has used is caught up
    with the latest block (``catch_up``): otherwise one of them could read state it does not have yet and the
    step be refused (``not-found``). A peer that made the latest change, or already waited for it, is not
    waited for. Clients without a gateway Network report no blocks and never wait.
    """

    def __init__(self) -> None:
        self._sessions: dict[int, connection.Session] = {}
        self._peer_has: dict[str, int] = {}  # per gateway peer address: the highest block it is known to have
        self.acting: connection.Session | None = None  # whose client was handed out last: who acts in a failing step
        # the client method called last since the last step was recorded: the call a failing step made last
        self.calling: str | None = None

    def __call__(self, session: connection.Session) -> ReceivablesClient:
        self._sessions[id(session)] = session
        self.acting = session
        latest = self._latest()
        if latest is not None:
            block, writer = latest.client.last_committed_block, latest.profile.gateway.address
            self._peer_has[writer] = max(self._peer_has.get(writer, -1), block)
            for peer, other in self._one_session_per_peer().items():
                if self._peer_has.get(peer, -1) < block:
                    other.client.catch_up(latest.client)
                    self._peer_has[peer] = block
        # to the story a ReceivablesClient, whose calls are noted
        return _CallsNoted(session.client, self)   # type: ignore[return-value]

    def session_of_peer(self, address: str) -> connection.Session | None:
        """A session of the story whose gateway peer is at ``address`` (None: no session used that peer)."""
        return next((s for s in self._sessions.values() if s.profile.gateway.address == address), None)

    def _latest(self) -> connection.Session | None:
        """The session whose change is the story's latest (the highest block)."""
        committed = [s for s in self._sessions.values() if s.client.last_committed_block is not None]
        return max(committed, key=lambda s: s.client.last_committed_block, default=None)

    def _one_session_per_peer(self) -> dict[str, connection.Session]:
        peers: dict[str, connection.Session] = {}
        for session in self._sessions.values():
            peers.setdefault(session.profile.gateway.address, session)
        return peers


class _CallsNoted(Forwarding):
    """An actor's client that notes the name of each of its methods the story calls (``Turns.calling``), so
    that a step that fails says which call it made last: its number alone names no step of ``steps``."""

    def __init__(self, client: ReceivablesClient, turns: Turns) -> None:
        super().__init__(client)
        self._turns = turns

    def __getattr__(self, name: str) -> Any:
        value = super().__getattr__(name)
        if callable(value):
            self._turns.calling = name
        return value


@dataclass
class Run:
    say: Callable[[str], None]
    steps: list[dict[str, Any]] = field(default_factory=list)
    turns: Turns = field(default_factory=Turns)

    def step(self, actor: str, what: str, tx_id: str | None, *, shown: str | None = None, **facts: Any) -> None:
        """Record a step. ``facts`` go to --json as they are (amounts as integer fen); ``shown`` is how the console
        line gives them where plain ``key=value`` would print fen (default: ``key=value`` pairs)."""
        n = len(self.steps) + 1
        self.steps.append({"step": n, "actor": actor, "what": what, "tx_id": tx_id, **facts})
        self.turns.calling = None     # its calls are done: a failure after it is in another step
        extra = shown if shown is not None else "  ".join(f"{k}={v}" for k, v in facts.items())
        # wrapped in its column, so the tx id of every step starts in the same column; the continuation lines under
        # the column, the tx id after the last, so that a step's lines joined read as the step
        prefix = f"[{n:2d}] {actor:<{ACTOR_WIDTH}} "
        lines = wrapped(what, width=WHAT_WIDTH) or [""]
        for i, line in enumerate(lines):
            head = prefix if i == 0 else " " * display_width(prefix)
            if i < len(lines) - 1:
                self.say(head + line)
            else:   # padded by the columns it takes on a terminal: 确权 takes four, not two
                padding = " " * max(WHAT_WIDTH - display_width(line), 0)
                self.say(f"{head}{line}{padding} tx {tx_id or '-'}  {extra}".rstrip())

    def refused(self, actor: str, what: str, error: RuleViolation) -> None:
        """A step the contract refused at endorsement: nothing was submitted, so no tx id; the refused proposal's
        id (``proposal_tx_id``, --json only) is what the peers' logs name it by."""
        self.step(actor, what + " -> refused", None, rule=error.rule, proposal_tx_id=error.transaction_id,
                  shown=f"rule={error.rule}")

    def note(self, text: str) -> None:
        """Say what the steps that follow do and why, where their lines alone could mislead (not a step)."""
        for line in wrapped(text, first_indent="     ", rest_indent="       "):
            self.say(line)


def wrapped(text: str, *, first_indent: str = "", rest_indent: str = "", width: int | None = None) -> list[str]:
    """``text`` as lines of ``width`` columns at most, by default lines that fit the terminal (at most
    :data:`PROSE_WIDTH` columns, fewer on a narrower one, as ``COLUMNS`` or the terminal says), broken between words
    and measured in terminal columns (``display_width``: 轮候冻结 takes eight). A word wider than the line (a long
    path) stays whole on a line of its own: a command cut in two could not be copied."""
    if width is None:
        width = min(PROSE_WIDTH, shutil.get_terminal_size((PROSE_WIDTH, 24)).columns)
    lines: list[str] = []
    line = ""
    for word in text.split():
        if not line:
            line = (rest_indent if lines else first_indent) + word
        elif display_width(f"{line} {word}") > width:
            lines.append(line)
            line = rest_indent + word
        else:
            line = f"{line} {word}"
    return lines + [line] if line else lines


def credit_code_of(session: connection.Session, fallback_body: str) -> str:
    """The enterprise a user acts for (its `recfin.enterprise` attribute in the topology), or a synthetic code."""
    from network.org_users import ENTERPRISE_ATTR

    return session.user.attrs.get(ENTERPRISE_ATTR) or with_check_digit(fallback_body)


def listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: names in a sentence."""
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1]]))


def with_check_digit(body: str) -> str:
    from client.invoices.credit_code import credit_code_check_digit

    return body + credit_code_check_digit(body)


def actor_codes(users: dict[str, tuple[str, str, dict[str, str]]], where: str) -> dict[str, str]:
    """Each actor's credit code, from its (org, user, attributes) in ``users``: the enterprise the user acts for
    (its `recfin.enterprise` attribute); a synthetic code for the regulator's user where it has none, and always
    for the second bank (officer2 shares officer1's attribute).

    The contract knows a party by its code, and the story moves claims between the actors' parties: two actors
    sharing a code would be one party (a supplier registered under the regulator's code, a split to oneself).
    So a ClickException names every actor without a code and every code two actors share, and where the
    attributes are set (``where``), before anything is registered."""
    from network.org_users import ENTERPRISE_ATTR

    codes, without = {}, []
    for key, (org, user, attrs) in users.items():
        if key == "bank2":
            codes[key] = with_check_digit(SECOND_BANK_CODE_BODY)
        elif attrs.get(ENTERPRISE_ATTR):
            codes[key] = attrs[ENTERPRISE_ATTR]
        elif key == "regulator":
            codes[key] = with_check_digit(REGULATOR_CODE_BODY)
        else:
            without.append(f"{org}/{user}")
    holders: dict[str, list[str]] = {}
    for key, code in codes.items():
        holders.setdefault(code, []).append("/".join(users[key][:2]))
    shared = {code: who for code, who in holders.items() if len(who) > 1}
    if not without and not shared:
        return codes
    problems = ([f"{listed(without)} {'has' if len(without) == 1 else 'have'} no {ENTERPRISE_ATTR} attribute"]
                if without else []) + [f"{listed(who)} share {code}" for code, who in shared.items()]
    raise click.ClickException(
        f"the parties of `recfin demo` (the benchmark's too) need a credit code each, and in {where}, "
        f"{'; '.join(problems)}. Give each of those users its own 18-character unified social credit code as "
        f"{ENTERPRISE_ATTR}: in the topology's users (attrs:), then `recfin network up` writes it into the "
        f"profiles; a user issued later takes it as `recfin org user add ORG USER --attr {ENTERPRISE_ATTR}=CODE`. "
        f"The regulator's user may have none: the demo then gives it {with_check_digit(REGULATOR_CODE_BODY)}, and "
        f"Second Bank always has {with_check_digit(SECOND_BANK_CODE_BODY)}")


def demo_codes(sessions: dict[str, connection.Session], data_root: Path | None) -> dict[str, str]:
    """Each actor's credit code, read from the user its session acts as in data_root's connection profiles
    (default: the topology's folder, as connection.open_session reads them; see :func:`actor_codes`)."""
    from network import profiles

    folder = profiles.profiles_dir(data_root or profiles.default_data_root())
    return actor_codes({key: (s.profile.org, s.user.name, s.user.attrs) for key, s in sessions.items()},
                       f"the connection profiles in {folder}")


def story_users_by_org() -> dict[str, tuple[str, set[str]]]:
    """Per org the story acts in: the role its parties have in the story, and the users it acts as."""
    out: dict[str, tuple[str, set[str]]] = {}
    for key, _name, role, users in PARTIES:
        org, actor = ACTORS[key]
        out.setdefault(org, (role, set()))[1].update({actor, *users})
    return out


def check_story_fits(defined: Topology, topology_file: Path, data_root: Path) -> None:
    """Stop before anything starts where the network cannot carry the story, naming what it lacks: the orgs, their
    roles and the users the story acts as (fixed, ACTORS and PARTIES: the demo has no option to choose others),
    and a credit code of its own for each actor (see :func:`actor_codes`).

    The network is the topology file as data_root's membership.yaml changes it (membership.effective), as the
    network and its profiles have it: a user issued with `recfin org user add` is one of its org's users."""
    from network import membership

    topology = membership.effective(defined, data_root)
    where = str(topology_file) if topology is defined else f"{topology_file} and {membership.state_path(data_root)}"
    lacking = []
    for org, (role, users) in story_users_by_org().items():
        try:
            spec = topology.org(org)
        except NodeNotFoundError:
            lacking.append(f"org {org} (a {role} org with users {', '.join(sorted(users))})")
            continue
        if spec.role != role:
            lacking.append(f"org {org} as a {role} org (it is a {spec.role} org)")
        absent = sorted(users - {u.name for u in spec.users})
        if absent:
            lacking.append(f"org {org}'s user{'s' if len(absent) > 1 else ''} {', '.join(absent)}")
    if lacking:
        raise click.ClickException(
            f"the demo cannot run on {where}: its story acts as fixed orgs and users, and the topology lacks "
            f"{'; '.join(lacking)}. Run it on a topology that has them, as network/topology.yaml does")
    attrs = {org: {u.name: u.attrs for u in topology.org(org).users} for org in story_users_by_org()}
    actor_codes({key: (org, user, attrs[org][user]) for key, (org, user) in ACTORS.items()}, where)


def ensure_network(topology: Topology, data_root: Path, say: Callable[[str], None],
                   topology_path: Path | None = None, other_data_root: Path | None = None) -> None:
    """Up (idempotent) and the receivables chaincode deployed (idempotent: the same definition changes nothing).

    Where either fails, or Ctrl-C stops it (exit 130), while processes of the network run (nodes it started
    before a later one failed), the error says so, and how to go on or stop them (:func:`setup_stopped_line`):
    the network's own line names only what failed, and the operator of a first run would not know that the
    rest is up."""
    from network import Network

    net = Network(topology, data_root=data_root, say=say)
    say("network: bringing it up if needed")
    try:
        net.up()
        result = net.deploy_chaincode()
    except (NetworkError, KeyboardInterrupt) as error:
        try:
            running = [row.name for row in net.status() if row.pid is not None]
        except (NetworkError, OSError):
            raise error from None   # what failed is the line to give, not why it could not be looked at
        if not running:
            raise
        line = setup_stopped_line(error, running, topology_path, other_data_root)
        if isinstance(error, KeyboardInterrupt):   # exit 130, or a signal's own code (request_ids.Terminated)
            raise AnswerLost(line, getattr(error, "exit_code", EXIT_INTERRUPTED)) from error
        raise click.ClickException(line) from error
    say(f"chaincode {result.name} {result.version} sequence {result.sequence}"
        + (" deployed" if result.changed else " already committed"))


def setup_stopped_line(error: NetworkError | KeyboardInterrupt, running: list[str], topology_path: Path | None,
                       other_data_root: Path | None) -> str:
    """The line for a setup that failed while ``running`` (names of nodes and chaincode servers) run: the error's
    own line, what keeps running, and the commands that show and stop it (``up`` and ``deploy`` both take up
    again from what runs, so running the demo again goes on)."""
    option, needs = network_command_options(topology_path, other_data_root)
    mend = "" if isinstance(error, KeyboardInterrupt) else "once that is mended, "
    return (f"{connection.describe(error).rstrip('.')}. Setting the network up stopped there, and "
            f"{first_few(running)} keep running ({len(running)} in all): {mend}run the demo again, "
            f"which goes on with them (`recfin network status{option}` shows them), or stop them with "
            f"`recfin network down{option}`, which keeps the ledgers{needs}")


@click.command()
@topology_option
@click.option("--data-root", type=PathType(file_okay=False, path_type=Path),
              help="Network data folder holding profiles/ (default: the topology's).")
@click.option("--skip-setup", is_flag=True,
              help="Do not bring the network up or deploy: use the running network's profiles as they are.")
@connection.call_timeout_option()
@click.option("--json", "as_json", is_flag=True,
              help="Print the steps and the ledger state (its amounts in integer fen) as one JSON document; "
                   "progress goes to stderr. A run that stops midway prints the steps done and what stopped "
                   "it (under 'stopped': the step, who acted, the SDK call it made last, the error line, the "
                   "exit status).")
@connection.reports_ledger_errors
def demo(topology_path: Path | None, data_root: Path | None, skip_setup: bool, as_json: bool) -> None:
    """Tell one story across the four orgs with real transactions, printing each step's tx id.

    A claim is confirmed and split; one part is financed by the cheaper of two banks, the
    other paid early at a discount. The regulator freezes a disputed second claim, which
    stays frozen (a second order queued behind the first is lifted), and the rest
    settles: paid ahead of its due date, as the ledger dates
    each transaction when it is sent and the demo does not wait 90 days. Brings the
    network up and deploys the chaincode if needed, and leaves it running (its end
    names `recfin network down`, which stops it); runs again on the same ledger (new
    invoice numbers each run, and one more frozen claim), saying what the ledger held
    before it, which the exposure it reads counts too. Its invoices are made up, so it
    runs only where the contract asks for no invoice attestation (the default topology).
    A step that fails, or Ctrl-C (exit 130), stops it on one line naming the step,
    who acted and, where the network rather than the contract failed it, the
    logs to read; the steps before stay on the ledger, and --json still prints
    them, with what stopped the run.

    \b
    Example:
      recfin demo
      recfin demo --json > demo.json
      recfin demo --skip-setup --data-root /srv/recfin/network
    """
    from client.gateway import GatewayError
    from client.receivables import RuleViolation
    from network import membership
    from network.topology import DEFAULT_TOPOLOGY, load as load_topology

    say = progress(as_json)
    topology = load_topology(topology_path)
    topology_file = topology_path or DEFAULT_TOPOLOGY
    # stop before anything starts or is written
    if topology.contract.require_attestation:
        raise click.ClickException(ATTESTATION_NEEDED.format(where=f"{topology_file} sets"))
    # The chosen topology's folder, for the network and for every profile the story opens.
    on_another_network = data_root is not None or topology_path is not None
    # `recfin network` commands act on their topology's folder: a hint naming them says when that is not this one
    other_data_root = (data_root if data_root and data_root.resolve() != topology.resolved_data_root().resolve()
                       else None)
    data_root = data_root or topology.resolved_data_root()
    check_story_fits(topology, topology_file, data_root)
    # commands the ending suggests name that folder unless it is the one they find by default
    network_options = f" --data-root {shell_word(data_root)}" if on_another_network else ""
    if not skip_setup:
        ensure_network(topology, data_root, say, topology_path, other_data_root)
    run = Run(say)
    network = membership.effective(topology, data_root)

    def logs(session: connection.Session) -> str:
        return logs_to_read(network, session, topology_path, other_data_root)
    left_running = network_keeps_running(topology_path, other_data_root, story_told=False)
    with ExitStack() as stack:
        s = {key: stack.enter_context(connection.open_session(org, user, data_root))
             for key, (org, user) in ACTORS.items()}
        codes = demo_codes(s, data_root)
        try:
            try:
                try:    # the story's first call through each org's peer
                    register_parties(run, stack, s, codes, data_root, network_options)
                except GatewayError as error:
                    down = peers_not_answering(error, s.values())
                    if down:
                        raise click.ClickException(not_answering_hint(down, skip_setup, topology_path,
                                                                      other_data_root)) from error
                    # only a network the demo did not set up: one it set up has the chaincode just deployed
                    acting = run.turns.acting
                    if skip_setup and acting is not None and chaincode_not_deployed(error, acting.profile):
                        raise click.ClickException(not_deployed_hint(error, acting.profile, topology_path,
                                                                     other_data_root)) from error
                    raise
            # a party's registration is a step too; the refusals register_parties words itself stand as
            # they are
            except (KeyboardInterrupt, RuleViolation, GatewayError) as error:
                raise stopped(run, s, error, logs, network_options, left_running) from error
            try:
                summary, stats, before = connection.reports_ledger_errors(story)(run, s, codes)
            except (KeyboardInterrupt, click.ClickException) as error:
                raise stopped(run, s, error, logs, network_options, left_running) from error
        except click.ClickException as ending:
            # the steps done stay on the ledger: a script reading stdout gets them, and what stopped the run
            if as_json:
                emit(stopped_document(run, s, ending), as_json=True)
            raise
    if as_json:
        emit({"steps": run.steps, **summary}, as_json=True)
        say(network_keeps_running(topology_path, other_data_root, story_told=True))
        return
    click.echo("\nLedger state (read by the regulator):")
    click.echo(table([{**row, "outstanding": money(row["outstanding"]), "frozen": "yes" if row["frozen"] else "no"}
                      for row in summary["ledger"]], STORY_COLUMNS))
    for row in summary["ledger"]:
        if row["frozen"]:
            click.echo("\n".join(wrapped(
                f"{row['id']} stays frozen under order {row['frozen']['order_reference']}: {money(row['outstanding'])} "
                "unpaid, counted in the exposure below. The core enterprise can pay it once the regulator lifts the "
                "order:")))
            click.echo(f"  recfin regulator unfreeze {row['id']} --order ORDER-LIFTING-IT{network_options}")
    click.echo("")
    click.echo(table(statistics_rows(stats), EXPOSURE_COLUMNS))   # never empty: the disputed claim stays unpaid
    counts = summary["statistics"]["count_by_status"]
    click.echo("by status: " + (", ".join(f"{status} {n}" for status, n in counts.items() if n) or "none"))
    earlier = exposure_held_before(before)
    if earlier:
        click.echo("\n".join(wrapped(earlier)))
    click.echo("")
    click.echo("\n".join(wrapped(network_keeps_running(topology_path, other_data_root, story_told=True))))


def network_keeps_running(topology_path: Path | None, other_data_root: Path | None, *, story_told: bool) -> str:
    """What the demo's end says of its network, which it leaves running (on the ports the tests' own network needs):
    that it runs, and the commands that show and stop it (given the topology the demo ran on). ``story_told``: the
    run's last line; else the sentence that ends the line of a step that stopped it (that line has no last period)."""
    option, needs = network_command_options(topology_path, other_data_root)
    if story_told:
        return (f"The network keeps running, its ledgers holding the story: `recfin network status{option}` shows it, "
                f"`recfin network down{option}` stops it (the ledgers stay, and the demo runs again on them){needs}.")
    return f". The network keeps running: `recfin network down{option}` stops it, keeping the ledgers{needs}"


def stopped(run: Run, s: dict[str, connection.Session], error: BaseException,
            logs: Callable[[connection.Session], str], command_options: str = "",
            network_left: str = "") -> click.ClickException:
    """The error that ends the demo where a step failed or Ctrl-C stopped it: one line
    (:func:`stopped_midway`, then ``network_left``: that the network keeps running), with exit status 130 for
    Ctrl-C, as every ledger command a stop cuts short."""
    line = stopped_midway(run, s, error, logs, command_options) + network_left
    if isinstance(error, KeyboardInterrupt):
        return AnswerLost(line, EXIT_INTERRUPTED)
    return click.ClickException(line)


def acting_key(run: Run, s: dict[str, connection.Session]) -> str | None:
    """Who acted last, as the steps name it: the story's actor by its key, an org admin registering a party as
    ``ORG-admin``; None before anyone acted."""
    acting = run.turns.acting
    if acting is None:
        return None
    return next((key for key, session in s.items() if session is acting), f"{acting.profile.org}-admin")


def stopped_document(run: Run, s: dict[str, connection.Session],
                     ending: click.ClickException) -> dict[str, Any]:
    """What --json prints where the demo stopped before its end: the steps done (on the ledger, their tx ids),
    and under ``stopped`` the step it stopped at, who acted, the SDK call the step made last
    (``accept_discount_offer``; None where it made none), the error line stderr gives (without
    ``Error: ``) and the exit status the demo ends with."""
    return {"steps": run.steps, "stopped": {"step": len(run.steps) + 1, "actor": acting_key(run, s),
                                            "call": run.turns.calling,
                                            "error": ending.message, "exit_code": ending.exit_code}}


def stopped_midway(run: Run, s: dict[str, connection.Session], error: BaseException,
                   logs: Callable[[connection.Session], str] = lambda _session: "",
                   command_options: str = "") -> str:
    """The line for a step of the demo that failed (the parties' registration included) or that Ctrl-C
    stopped: which step and who acted, the error's own line, whether its transaction may still commit and the
    `recfin transaction status` that tells (or, stopped before the orderer was handed it, that it cannot), the
    logs that say why where the network failed it (``logs``, given the acting session), what stays on the
    ledger, and that a new run starts a new story (it does not resume this one).

    error: a ClickException (its cause the error it words, if any), a refusal or gateway error, or Ctrl-C's
    KeyboardInterrupt (the SDK's ``may_have_been_ordered`` on it says whether the orderer was handed its
    transaction; False: it cannot commit). command_options: the ``--data-root`` of the network the demo ran
    on, where the commands it names must be given it."""
    from client.gateway import BlockWaitTimeoutError, CommitStatusError, GatewayError, SubmitError

    n = len(run.steps)
    acting = run.turns.acting
    who = acting_key(run, s)
    after = f", after [{n}] {run.steps[-1]['actor']} {run.steps[-1]['what']}" if n else ""
    by = f" ({who} acting{after})" if who else ""
    said, cause = (error.message, error.__cause__) if isinstance(error, click.ClickException) else (
        connection.describe(error), error)
    interrupted = isinstance(cause, KeyboardInterrupt)
    # asked of the acting org's peer, which the step sent its transaction through
    as_acting = f" --as {acting.profile.org}/{acting.user.name}" if acting is not None else ""
    sent = getattr(cause, "transaction_id", None)   # the SDK names it on the error, and on a stop once built

    def look_up(transaction: str) -> str:
        return f"`recfin transaction status {transaction}{as_acting}{command_options}`"

    if interrupted and getattr(cause, "may_have_been_ordered", None) is False:
        # the SDK stopped it while it was endorsed (or paused after an attempt committed invalid): no one else
        # holds a transaction of it signed, so nothing of it can commit and there is nothing to look up
        tx = f" {sent}" if sent else ""
        pending = (" It was stopped before anything of it that can commit reached the orderer: its own "
                   f"transaction{tx} cannot commit.")
    elif interrupted:   # handed to the orderer (may_have_been_ordered True), or not said: it may commit
        pending = (" Its own transaction, if it was sent, may still commit: "
                   + (f"look its tx id up ({look_up(sent)}) before acting on it." if sent else
                      f"look the story's ids up ({look_up('TXID')}) before acting on them."))
    elif isinstance(cause, CommitStatusError) or (isinstance(cause, SubmitError)
                                                  and cause.may_have_been_ordered):
        pending = (f" Its own transaction may still commit: look its tx id up ({look_up(sent)}) before "
                   "acting on it.")
    else:
        pending = ""
    # a refusal names its rule; a gateway error (a peer, orderer or chaincode server failing) is in their logs: the
    # acting org's, or those of the peer that did not catch up with the story's last block in time (another org's:
    # before an org acts, every peer the story used is waited for, Turns)
    late = run.turns.session_of_peer(cause.address) if isinstance(cause, BlockWaitTimeoutError) else None
    why = logs(late or acting) if acting is not None and isinstance(cause, GatewayError) else ""
    done = (f"Steps 1-{n} stay on the ledger as done (their tx ids above)" if n else
            "No step before it was done")
    what = "was stopped" if interrupted else "failed"
    return (f"step [{n + 1}] of the story {what}{by}: {said.rstrip('.')}.{pending}{why} {done}; running the "
            "demo again starts a new story, with new invoices, rather than going on with this one")


def logs_to_read(topology: Topology, session: connection.Session, topology_path: Path | None,
                 other_data_root: Path | None) -> str:
    """Where to read why a step failed on the network: the logs of the acting org's gateway peer and of its
    chaincode server, as `recfin network logs` names them (given the topology to use, as
    :func:`network_command_options` says)."""
    from network import ccservers

    org = session.profile.org
    peers = topology.peers(org)
    if not peers:
        return ""
    peer = next((p for p in peers if p.address == session.profile.gateway.address), peers[0])
    option, needs = network_command_options(topology_path, other_data_root)
    server = ccservers.server_name(topology.chaincode.name, org)
    return (f" Its {org} peer and chaincode server log why: `recfin network logs {peer.name}{option}` and "
            f"`recfin network logs {server}{option}`{needs}.")


def peers_not_answering(error: GatewayError, sessions: Iterable[connection.Session]) -> list[str]:
    """The story's gateway peers ("the ORG peer at ADDRESS") that take no connection, when ``error`` is an
    UNAVAILABLE that reached no orderer; else none, and the error's own line stands. Such an error's line names a
    transaction (``[tx ...]``) that was never sent: a peer that is down is what to say. A submit that may have
    been ordered keeps its line, whose tx id is what to look up."""
    import grpc
    from client.gateway import CommitStatusError, SubmitError

    if error.code != grpc.StatusCode.UNAVAILABLE or isinstance(error, (SubmitError, CommitStatusError)):
        return []
    peers: dict[str, str] = {}
    for session in sessions:
        peers.setdefault(session.profile.gateway.address, session.profile.org)
    return [f"the {org} peer at {address}" for address, org in peers.items() if not accepting(address)]


def network_command_options(topology_path: Path | None, other_data_root: Path | None) -> tuple[str, str]:
    """What `recfin network up|status|logs`, which take no --data-root and act on their topology's data
    folder, need to reach the demo's network: their --topology option, and what to say of FILE where the demo
    ran on another --data-root (``other_data_root``) than its topology's ("" otherwise)."""
    from network.topology import DEFAULT_TOPOLOGY

    if other_data_root is not None:
        return " --topology FILE", (
            f". Those commands act on the data folder of their topology, not on --data-root: FILE is a "
            f"topology like {topology_path or DEFAULT_TOPOLOGY} whose data_root is {other_data_root}")
    return (f" --topology {shell_word(topology_path)}" if topology_path else ""), ""


def not_answering_hint(down: list[str], skip_setup: bool, topology_path: Path | None,
                       other_data_root: Path | None) -> str:
    """The line for peers that are not answering: what to run (with the topology given, if one was).

    other_data_root: the --data-root given, where it is not the topology's folder. `recfin network up`, `status`
    and `logs` take no --data-root and act on the folder their topology names, so the line names the folder and
    has them given a topology naming it."""
    said = f"{listed(down)} {'is' if len(down) == 1 else 'are'} not answering (nothing accepts connections there)"
    topology, needs = network_command_options(topology_path, other_data_root)
    network = f"the network in {other_data_root}" if other_data_root is not None else "the network"
    if skip_setup:
        return (f"{said}: start {network} with `recfin network up{topology}` (or run the demo without --skip-setup, "
                f"which starts it), and see its nodes with `recfin network status{topology}`{needs}")
    return (f"{said}, though {network} was just brought up: see which node stopped with `recfin network "
            f"status{topology}`, and why with `recfin network logs NODE{topology}`{needs}")


def chaincode_not_deployed(error: GatewayError, profile: profiles.ConnectionProfile) -> bool:
    """Whether ``error`` says that ``profile``'s chaincode is not deployed on its channel (not installed, or not
    defined there), as Fabric's Gateway and peers say it: no peer of the acting org has it, though that org's
    gateway peer answered (``failed to find any endorsing peers for org(s)`` naming that org: a down peer of
    another org is no such sign); discovery holds no definition of it; no peer to evaluate it on; or a peer's
    refusal that it is not defined there. Each names the chaincode, or the acting org, so another chaincode's
    failure (qscc's, say) is not taken for it."""
    from client.receivables import orgs_without_endorsing_peers

    name, channel = profile.chaincode, profile.channel
    signs = (f"No metadata was found for chaincode {name} in channel {channel}",
             f"no peers available to evaluate chaincode {name} in channel {channel}",
             f"make sure the chaincode {name} has been successfully defined on channel {channel}")
    said = [error.message or "", *(detail.message or "" for detail in error.details)]
    if any(sign in words for sign in signs for words in said):
        return True
    return profile.msp_id in orgs_without_endorsing_peers(error)


def not_deployed_hint(error: GatewayError, profile: profiles.ConnectionProfile, topology_path: Path | None,
                      other_data_root: Path | None) -> str:
    """The line for a network that runs without the story's chaincode deployed (``--skip-setup``): what is
    missing and the deploy that adds it (given the topology to use, as :func:`network_command_options` says),
    then the Gateway's and its peers' own words, for whoever reads the peer's logs. No transaction id: the
    proposal reached no orderer, so there is nothing to look up."""
    option, needs = network_command_options(topology_path, other_data_root)
    words = "; ".join(dict.fromkeys([error.message, *(detail.message for detail in error.details)]))
    return (f"the {profile.chaincode} chaincode is not deployed on channel {profile.channel} (the {profile.org} "
            f"peer answered: {words}): deploy it with `recfin chaincode deploy{option}` (or run the demo without "
            f"--skip-setup, which brings the network up and deploys it){needs}")


def register_parties(run: Run, stack: ExitStack, s: dict, codes: dict, data_root: Path | None,
                     command_options: str = "") -> None:
    """The org admins register the story's parties (a rerun finds them registered). A party refused because a user
    it needs acts for another party already stops the demo once all are tried, before the story starts: its claims
    would move to parties that are not there. The one exception is Second Bank where officer2 acts for First Bank
    (an older demo bound it so): the story then finances with First Bank alone (``make_offers``).

    command_options: what the `recfin party` commands the refusal suggests need to reach this network's folder."""
    from client.receivables import RuleViolation, client_id_of

    admins: dict[str, connection.Session] = {}
    bound_elsewhere: list[str] = []
    for key, name, role, users in PARTIES:
        org = ACTORS[key][0]
        if org not in admins:
            admins[org] = stack.enter_context(connection.open_session(org, None, data_root, admin=True))
        admin = admins[org]
        client_ids = {u: client_id_of(admin.profile.user(u).cert) for u in users}
        try:
            party = run.turns(admin).register_party(codes[key], name, role, admin.profile.msp_id, client_ids.values())
            run.step(f"{org}-admin", f"register party {name}", party.tx_id, uscc=codes[key])
        except RuleViolation as error:
            if error.rule == "party-already-registered":  # a rerun, if the party under that code is the story's
                party = run.turns(admin).get_party(codes[key])
                differences = party_differences(party, name, role, admin.profile.msp_id, client_ids)
                if differences:
                    unbound = unbound_users(party, client_ids)
                    # the story's party but for users not bound to it: binding them is the way on
                    way_on = (bind_hint(admin, codes[key], unbound, command_options)
                              if unbound and len(differences) == 1 else fixed_code_hint(key))
                    raise click.ClickException(
                        f"the ledger's party {codes[key]} is not the demo's {name}, which the demo registers under "
                        f"that code: {'; '.join(differences)}. To go on, {way_on}run the demo on a new ledger"
                    ) from error
                run.step(f"{org}-admin", f"party {name} already registered", None, uscc=codes[key])
            elif error.rule == "identity-already-bound":  # an older ledger: its user acts for another party
                run.refused(f"{org}-admin", f"register party {name}", error)
                acting = parties_acted_for(run.turns(admin), admin.profile.msp_id, client_ids)
                if key == "bank2" and acting and all(p.uscc == codes["bank"] for p in acting.values()):
                    continue
                bound_elsewhere.append(bound_elsewhere_hint(admin, name, codes[key], acting, error, command_options))
            else:
                raise
    if bound_elsewhere:
        raise click.ClickException(
            f"the demo cannot tell its story on this ledger: {'; '.join(bound_elsewhere)}, and one identity acts for "
            "one party. To go on, run the demo on a new ledger, or free each of those users: an admin of its org "
            "binds another user to the party it acts for (a party keeps its last identity), then unbinds it")


def parties_acted_for(admin: ReceivablesClient, msp_id: str, client_ids: dict[str, str]) -> dict[str, Party]:
    """Per user of the org (its client id in ``client_ids``), the party it acts for on the ledger, if any."""
    found = {user: admin.find_identity_party(msp_id, client_id).party for user, client_id in client_ids.items()}
    return {user: party for user, party in found.items() if party is not None}


def bound_elsewhere_hint(admin: connection.Session, name: str, code: str, acting: dict[str, Party],
                         error: RuleViolation, command_options: str) -> str:
    """Which of a refused party's users act for another party, and the commands (as the org's admin, ``admin``)
    that free each of them."""
    org, as_admin = admin.profile.org, f"{admin.profile.org}/{admin.user.name}"
    if not acting:   # bound when refused, free when asked: the contract's own words say which
        return f"the demo's {name} ({code}) was refused: {error.detail}"
    return "; ".join(
        f"{org}/{user}, which the demo's {name} ({code}) needs, acts for {party.name} ({party.uscc}) "
        f"(`recfin party bind {party.uscc} --as {as_admin} --client OTHER_USER{command_options}`, then "
        f"`recfin party unbind {party.uscc} --as {as_admin} --client {user}{command_options}`)"
        for user, party in acting.items())


def fixed_code_hint(key: str) -> str:
    """What gives an actor another code: its user's attribute, except for Second Bank, whose code is fixed."""
    from network.org_users import ENTERPRISE_ATTR

    if key == "bank2":
        return ""
    org, user = ACTORS[key]
    return f"give {org}/{user} a code no other party holds as its {ENTERPRISE_ATTR} attribute, or "


def party_differences(party: Party, name: str, role: str, msp_id: str, client_ids: dict[str, str]) -> list[str]:
    """How a party on the ledger differs from the one the demo registers (its name, role and org, and each user
    that should act for it and does not); empty when it is that party. Identities bound later stay allowed."""
    differences = [f"its {what} is {have!r}, not {want!r}" for what, have, want in (
        ("name", party.name, name), ("role", party.role, role), ("org", party.msp_id, msp_id)) if have != want]
    unbound = unbound_users(party, client_ids)
    if unbound:
        differences.append(f"{listed(unbound)} {'does' if len(unbound) == 1 else 'do'} not act for it")
    return differences


def unbound_users(party: Party, client_ids: dict[str, str]) -> list[str]:
    """The users (their client ids in ``client_ids``) that do not act for ``party``."""
    return [user for user, client_id in client_ids.items() if client_id not in party.client_ids]


def bind_hint(admin: connection.Session, code: str, users: list[str], command_options: str) -> str:
    """The commands with which the org's admin (``admin``) binds each of ``users`` to the party ``code``, said
    as a way on ("..., or ")."""
    as_admin = f"{admin.profile.org}/{admin.user.name}"
    commands = ", ".join(f"`recfin party bind {code} --as {as_admin} --client {user}{command_options}`"
                         for user in users)
    return f"have its org's admin bind {listed(users)} to it ({commands}), or "


def delivery(codes: dict[str, str], today: date, amounts: tuple[Decimal, Decimal]) -> ReceivableRegistration:
    """The tier-1 supplier's claim on the core enterprise for one delivery: its invoice (a new number each run,
    dated today), due ``TERM_DAYS`` from today."""
    from client.receivables import InvoiceInput, ReceivableRegistration

    amount, tax = amounts
    invoice = InvoiceInput(number=f"{today:%y%m%d}{secrets.randbelow(10**14):014d}", date=today, amount=amount,
                           tax=tax, seller_tax_id=codes["tier1"], buyer_tax_id=codes["core"])
    return ReceivableRegistration(debtor=codes["core"], face_amount=amount + tax, issue_date=today,
                                  due_date=today + timedelta(days=TERM_DAYS), invoices=[invoice],
                                  contract_hash=secrets.token_hex(32))


# The story's invoices are made up for it (a new number each run), so no verification source knows them and no
# honest attestation of one can be made: the demo runs only where registration asks for none.
ATTESTATION_NEEDED = (
    "the demo cannot run on this network: {where} contract.require_attestation: true, and the demo registers "
    "invoices it makes up for the story, which no verification source can pass. Run it on a topology with "
    "require_attestation: false (network/topology.yaml's default), or take a real invoice through `recfin invoice "
    "verify`, `recfin invoice attest` and `recfin invoice register` (docs/invoices.md)")


def register_and_confirm(run: Run, by: Callable[[str], ReceivablesClient], registration: ReceivableRegistration,
                         what: str) -> Receivable:
    """The tier-1 supplier registers ``what`` (a claim on one invoice); the core enterprise confirms it."""
    from client.receivables import RuleViolation

    try:
        r = by("tier1").register_receivable(registration)
    except RuleViolation as error:
        if error.rule == "invoice-not-attested":   # the chaincode servers run with another topology's settings
            raise click.ClickException(ATTESTATION_NEEDED.format(where="the deployed contract has")) from error
        raise
    run.step("tier1", f"register {what} (invoice {registration.invoices[0].number})", r.tx_id, id=r.id,
             face=r.face_amount, due=r.due_date.isoformat(),
             shown=f"id={r.id}  face={money(r.face_amount, r.currency)}  due={r.due_date.isoformat()}")
    r = by("core").confirm(r.id)
    run.step("core", f"confirm {r.id} (确权)", r.tx_id, status=r.status)
    return r


def financed_shares(total: dict[str, Exposure]) -> str:
    """The financed share of the exposure as a percentage, per currency when there are several."""
    if len(total) == 1:
        return percent(next(iter(total.values())).financed_share, 2)
    return ", ".join(f"{percent(t.financed_share, 2)} of {c}" for c, t in total.items())


def story(run: Run, s: dict, codes: dict) -> tuple[dict[str, Any], Statistics, Statistics]:
    """Tell the story; return what --json prints after the steps (amounts in integer fen), the regulator's
    closing statistics (the exposure table people get) and its statistics before the story (what the ledger
    held then, which that table counts too)."""
    from chaincode.receivables.dates import days_text
    from client.pricing.money import percent_of
    from client.pricing.proposals import ReceivableTerms, rank_proposals
    from client.gateway import GatewayError
    from client.receivables import DiscountOfferRequest, ReceivablesError, RuleViolation

    def by(key: str) -> ReceivablesClient:
        """The actor's client, its peer caught up with the story's latest change."""
        return run.turns(s[key])

    # what the ledger holds before the story (earlier runs' claims: each run leaves one frozen, a stopped run
    # what its steps did): the exposure step and the end count it too, so they say how much of it was there. Where
    # it cannot be read the story stops here, having sent nothing: its figures would go unexplained, and the
    # exposure step reads the same statistics
    regulator = by("regulator")
    try:
        before = regulator.statistics()
    except (ReceivablesError, GatewayError) as error:
        raise click.ClickException(
            "reading what the ledger already holds (the regulator's statistics) before this run's story, which "
            f"sent nothing yet: {connection.describe(error)}") from error
    held = held_before(before)
    if held:
        run.note(held)
    exposure_before = {c: t.exposure for c, t in before.total.items() if t.exposure}

    today = business_today()
    registration = delivery(codes, today, FIRST_DELIVERY)

    # 1. register and confirm
    r = register_and_confirm(run, by, registration, "receivable")

    # 2. split part to the tier-2 supplier
    split = by("tier1").transfer(r.id, codes["tier2"], SPLIT_OFF)
    moved, kept = split.children_records
    run.step("tier1", f"split {money(moved.face_amount, moved.currency)} to its tier-2 supplier", split.tx_id,
             moved=moved.id, kept=kept.id)

    # 3. financing: two offers, compared, the cheaper accepted
    f = by("tier1").request_financing(kept.id)
    run.step("tier1", f"request financing on {kept.id}", f.tx_id, financing=f.id)
    offers = make_offers(run, s, f.id, today)
    # the live request named, as the ledger would: the offers on it are takeable now
    terms = ReceivableTerms(receivable_id=kept.id, face_amount=kept.outstanding, due_date=kept.due_date,
                            financing_id=f.id)
    ranked = rank_proposals(terms, today, [o for o, _ in offers.values()], by="cost")
    # the cheapest the holder can take now: the offers are on its live request, so that is the cheapest eligible
    best = next((p for p in ranked if p.takeable_now), None)
    if best is None:
        raise click.ClickException("no financing offer the holder can take now: " + "; ".join(p.why for p in ranked))
    winner = next(key for key, (o, _) in offers.items() if o.offer_id == best.offer_id)
    eligible = [p for p in ranked if p.eligible]
    run.step("tier1", "compare the offers (client.pricing.proposals)", None, chosen=best.offer_id,
             offers={p.offer_id: {"apr": str(p.apr), "net_cash": p.net_cash} for p in eligible},
             shown="  ".join([f"chosen={best.offer_id}"] + [
                 f"{p.offer_id}={percent_of(p.exact_apr)} all-in, {money(p.net_cash)} now" for p in eligible]))
    f = by("tier1").accept_offer(best.offer_id)
    why = "the cheaper" if sum(p.eligible for p in ranked) > 1 else "the only one"
    run.step("tier1", f"accept {winner}'s offer, {why}", f.tx_id, status=f.status)
    f = by(winner).record_disbursement(f.id)
    run.step(winner, "disburse; assignment notice issued", f.tx_id, notice=f.notice_id)
    n = by("core").acknowledge_assignment(f.notice_id)
    run.step("core", "acknowledge the assignment notice", n.tx_id, status=n.status)

    # anti double-financing
    try:
        by("tier1").register_receivable(registration.model_copy(update={"contract_hash": secrets.token_hex(32)}))
        raise click.ClickException("a second receivable on the same invoice was accepted: anti double-financing failed")
    except RuleViolation as error:
        run.refused("tier1", "register again with the same invoice", error)
    try:
        by("tier1").request_financing(kept.id)
        raise click.ClickException("a second financing of one claim was accepted: anti double-financing failed")
    except RuleViolation as error:
        run.refused("tier1", f"request financing again on {kept.id}", error)

    # 4. dynamic discounting for the tier-2 supplier
    offer = by("core").publish_discount_offer(DiscountOfferRequest(
        apr=Decimal("0.05"), expires_on=today + timedelta(days=7), receivable_ids=[moved.id]))
    run.step("core", "publish early-payment offer, 5% APR", offer.tx_id, offer=offer.id)
    # on the terms published: the contract refuses the acceptance if the offer no longer has them
    early = by("tier2").accept_discount_offer(offer.id, moved.id, as_read=offer)
    paid = early.payments[-1]
    run.step("tier2", f"take early payment on {moved.id}", early.tx_id, paid=paid.amount,
             discount=paid.discount, status=early.status,
             shown=f"paid={money(paid.amount)}  discount={money(paid.discount)}  status={early.status}")

    # 5. a second delivery, whose goods the core enterprise will dispute
    # the story may have crossed midnight (China Standard Time): this claim and the order are dated by now
    disputed = register_and_confirm(run, by, delivery(codes, business_today(), SECOND_DELIVERY),
                                    "the second delivery's claim")

    # 6. the regulator: the exposure, then a freeze under a court order that stays in force
    stats = by("regulator").statistics()
    run.step("regulator", "read the exposure", None,
             exposure={c: t.exposure for c, t in stats.total.items()},
             financed_share={c: str(t.financed_share) for c, t in stats.total.items()},
             exposure_before_this_run=exposure_before,
             shown="exposure=" + ", ".join(money(t.exposure, c) for c, t in stats.total.items())
             + "  financed_share=" + financed_shares(stats.total)
             + (f"  ({amounts_text(exposure_before)} of it held before this run)" if exposure_before else ""))
    order = f"DEMO-{business_today():%Y%m%d}-{secrets.token_hex(3).upper()}"
    run.note(f"the core enterprise disputes the goods of the second delivery; a court orders {disputed.id} "
             "frozen until the dispute is decided.")
    frozen = by("regulator").freeze(
        disputed.id, f"{order} (dispute over the goods of invoice {disputed.invoices[0].number})")
    run.step("regulator", f"freeze {disputed.id} under order {order}", frozen.tx_id, frozen=True, shown="frozen=yes")
    lift_a_queued_order(run, by, frozen, order)

    # 7. maturity settles the rest; the disputed claim stays frozen, unpaid
    run.note(f"maturity: {kept.id} falls due on {kept.due_date}, {disputed.id} on {disputed.due_date}. Settlement "
             "at maturity is the "
             "debtor's payment, and the contract dates each transaction by its own timestamp; rather than wait "
             f"{TERM_DAYS} days, the core enterprise pays now, ahead of the due date, which the contract accepts as "
             "payment on time.")
    owed = by("tier1").get_receivable(kept.id).outstanding
    payment = by("core").settle(kept.id, owed)
    on = payment.payments[-1]   # the payment as the ledger recorded it, its amount included
    run.step("core", f"pay {money(on.amount, payment.currency)} to the bank, due {kept.due_date}", payment.tx_id,
             payee=payment.allocations[0].payee if payment.allocations else "-", status=payment.status,
             paid_on=on.date.isoformat(), due=kept.due_date.isoformat(), late=on.late,
             shown=f"payee={on.payee}  status={payment.status}  paid_on={on.date}, "
                   f"{days_text((kept.due_date - on.date).days)} before the due date" + ("  late" if on.late else ""))
    f = by(winner).record_repayment(f.id)
    run.step(winner, "record repayment; financing closed", f.tx_id, status=f.status)
    try:
        by("core").settle(disputed.id, disputed.outstanding)
        raise click.ClickException(f"a payment on frozen {disputed.id} was accepted: the freeze did not hold")
    except RuleViolation as error:
        run.refused("core", f"pay {disputed.id} while it is frozen", error)

    # 8. the ledger state
    stats = by("regulator").statistics()
    story_ids = [r.id, moved.id, kept.id, disputed.id]
    ledger = [by("regulator").get_receivable(i).to_json() for i in story_ids]
    ledger_rows = [{"id": d["id"], "holder": d["holder"], "status": d["status"], "outstanding": d["outstanding"],
                    "frozen": d["frozen"]} for d in ledger]
    run.step("regulator", "read the ledger state and statistics", None,
             **{k.lower(): v for k, v in stats.count_by_status.items() if v})
    return {
        "receivable_id": r.id, "financing_id": f.id, "chosen_offer": best.offer_id, "chosen_bank": winner,
        "disputed_receivable_id": disputed.id,
        "proposals": [p.model_dump(mode="json") for p in ranked],
        "ledger": ledger_rows, "statistics": stats.to_json(), "provenance": by("regulator").provenance(r.id).to_json(),
    }, stats, before


def held_before(before: Statistics) -> str:
    """What the ledger held before this run's story, from the regulator's statistics then ("" where it held no
    receivable): how many, by status, and how much of them was outstanding. A rerun's figures count them too."""
    counts = {status: n for status, n in before.count_by_status.items() if n}
    if not counts:
        return ""
    total = sum(counts.values())
    outstanding = {c: t.exposure for c, t in before.total.items() if t.exposure}
    return (f"the ledger already holds {total} receivable{'s' if total > 1 else ''} "
            f"({', '.join(f'{status} {n}' for status, n in counts.items())}), "
            f"{amounts_text(outstanding) if outstanding else 'nothing'} of them outstanding: earlier runs of the "
            "demo leave their disputed claim frozen, and a run that stopped leaves what its steps did. This run "
            "tells its story on new claims, and the exposure it reads counts those too.")


def amounts_text(amounts: dict[str, int]) -> str:
    """Fen per currency as people read them: ``CNY 22,600.00``, ``CNY 1.00 and USD 2.00``."""
    return listed([money(fen, currency) for currency, fen in amounts.items()])


def exposure_held_before(before: Statistics) -> str:
    """The closing line on the exposure the ledger held before this run (``before``: the regulator's statistics
    then), which the exposure table counts; "" where there was none."""
    outstanding = {c: t.exposure for c, t in before.total.items() if t.exposure}
    if not outstanding:
        return ""
    claims = sum(t.receivables for t in before.total.values())
    return (f"The exposure above counts {amounts_text(outstanding)} the ledger held before this run ({claims} "
            f"receivable{'s' if claims != 1 else ''} outstanding), with this run's disputed claim.")


def lift_a_queued_order(run: Run, by: Callable[[str], ReceivablesClient], frozen: Receivable, court: str) -> None:
    """The story's unfreeze, which leaves the claim frozen: a second order on the claim ``frozen`` (under the court's
    order ``court``) queues behind the first (轮候冻结), and the regulator lifts it once its applicant withdraws. A
    lifting of the court's order would free the disputed claim, which the story keeps frozen to its end."""
    second = f"{court}-2"
    run.note(f"a creditor of the tier-1 supplier obtains a second order freezing {frozen.id}, which queues behind the "
             "court's (轮候冻结).")
    queued = by("regulator").freeze(frozen.id, f"{second} (preservation for a creditor of the tier-1 supplier)")
    if not queued.queued_freezes:
        raise click.ClickException(f"a second order on frozen {frozen.id} took effect at once: the court's order "
                                   "no longer held it")
    run.step("regulator", f"freeze {frozen.id} under order {second}: queued", queued.tx_id, frozen=True, queued=True,
             shown=f"queued behind {court}")
    run.note(f"the creditor withdraws its application: the regulator lifts order {second}, and the court's order "
             f"still holds {frozen.id}.")
    lifted = by("regulator").unfreeze(frozen.id, f"{second}-LIFTED (application withdrawn)",
                                      lifts=queued.queued_freezes[-1].order_reference)
    if lifted.frozen is None or lifted.frozen.order_reference != frozen.frozen.order_reference:
        raise click.ClickException(f"lifting the queued order {second} left {frozen.id} "
                                   + ("free" if lifted.frozen is None else
                                      f"frozen under {lifted.frozen.order_reference}")
                                   + f": the court's order {court} no longer held it")
    run.step("regulator", f"unfreeze {frozen.id}: lift order {second}", lifted.tx_id, frozen=True,
             lifted=lifted.last_unfreeze.lifted if lifted.last_unfreeze else None,
             shown=f"still frozen under {court}")


def term_percent(rate: Decimal, places: int) -> str:
    """An offer's rate as the line saying what the bank offered shows it: a percentage with at least ``places``
    decimals and every further digit the ledger holds (0.9 -> '90%', 0.855 -> '85.5%', 0.0325 at 1 -> '3.25%').
    Rounded, it would read as a rate the offer does not carry."""
    return exact_percent(rate, places).replace(".%", "%")


def make_offers(run: Run, s: dict, financing_id: str, today: date) -> dict[str, tuple[BankOffer, Any]]:
    """Each bank offers its quote; a second bank that is not a separate party (an older ledger bound officer2 to
    First Bank) is reported and skipped. Each offer is shown, and compared, on the terms the ledger holds for it,
    read back by its bank: the public offer keeps only their hash."""
    from client.pricing.proposals import BankOffer
    from client.receivables import FinancingTerms

    out: dict[str, tuple[BankOffer, Any]] = {}
    first = run.turns(s["bank"]).who_am_i().uscc
    for key in ("bank", "bank2"):
        if key == "bank2" and run.turns(s[key]).who_am_i().uscc == first:
            run.step(key, "second bank unavailable: officer2 acts for First Bank on this ledger", None)
            continue
        quote = QUOTES[key]
        terms = FinancingTerms(**quote, expires_on=today + timedelta(days=14))
        o = run.turns(s[key]).make_offer(financing_id, terms)
        # any peer of the terms' collection may answer: each the story used has the offer's block first (Turns)
        held = run.turns(s[key]).get_offer_terms(o.id)
        run.step(key, f"offer {term_percent(held.advance_rate, 0)} advance at {term_percent(held.discount_rate, 1)} "
                      f"{held.day_count}, fees {money(held.fees)}", o.tx_id, offer=o.id, terms_hash=o.terms_hash)
        out[key] = (BankOffer(offer_id=o.id, financier=o.financier, advance_rate=held.advance_rate,
                              discount_rate=held.discount_rate, fees=held.fees,
                              recourse=held.recourse, day_count=held.day_count, expires_on=held.expires_on), o)
    return out
