"""Which peer orgs the running channel has beyond topology.yaml: orgs added or removed by `recfin org`.

topology.yaml names the orgs the channel starts with. Orgs added to or removed from the
running channel are recorded in <data_root>/membership.yaml, next to the ledgers that
reflect them, so every command on that data folder (`network status`, `down`, `chaincode
deploy`, profiles) sees the channel's orgs as they are. `effective(topology, data_root)`
applies the record; the result is validated like topology.yaml (unique names, MSP IDs,
hostnames and ports).

A new org's spec follows the topology's conventions: MSP ID <Name>MSP, domain
<name>.<the other orgs' parent domain>, one peer with ports past the highest in use, an
admin and users whose `recfin.role` attribute says what its parties do, and the contract
`role:` that the receivables contract's configuration gives its MSP (network.contract_config).
An org of topology.yaml that left comes back as topology.yaml defines it (returning_org_spec: its MSP ID,
domain and users; new ports only for those taken since). It is then listed under `added:` with the spec it was
added with, which takes the place of topology.yaml's; `removed:` names every org that left the channel.
No other new org may take the MSP ID or domain of an org of topology.yaml or of one that left (departed_orgs):
the contract binds ledger parties to MSP IDs.

Users issued to an org of the running channel (`recfin org user add`, network.org_users) are
recorded here too (`users:`, by org name), so the org's users are the topology's and these: in
connection profiles, bundles and `--as ORG/USER`. A company's own keys folder (`recfin org keys`)
records the users issued from it the same way, in its own membership.yaml.

An added org's spec may give its host's `address:` (`recfin org add --address`, with_address), as a hand-written
one in topology.yaml does: bundles then write it into their hosts lines and extra_hosts (network.bundle).

On a network whose orgs run in Linux network namespaces (topology `namespaces:`, written by
`recfin network netns up`), an added org's namespace and address are recorded here too
(`namespaces:`), so the topology that `effective` gives places it like the others.

Commands on one data folder may run at once (two operators issuing users): each change of
membership.yaml, and whatever a caller does while holding `locked(data_root)` (issuing a user and
recording it), runs under an exclusive lock on <data_root>/membership.lock (flock: released when the
process ends, however it ends). The lock file stays; while a run holds the lock it holds that run's record (its
pid, its start and what it is), emptied when it lets go. A run waits LOCK_WAIT_SECONDS for another's lock, and
longer (up to LASTING_HOLDER_WAIT_SECONDS, saying so) only behind a holder whose work lasts with the folder's size
(`network backup`, `restore`) seen running: a stopped, gone or unrecorded holder is refused as before, and a record
counts only while its process holds the flock, so a record left by a killed run never keeps anyone waiting.
A refusal names the holder by its record (pid, since when) where one counts, and the file to ask `fuser` about where
none does. It orders the processes of one host;
on a data folder shared over NFS, whether two clients' flocks exclude each other depends on the NFS
setup (Linux emulates flock with the server's byte-range locks, where locking is served at all), so run
the commands that change one folder from one host.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import NamedTuple

import yaml
from pydantic import ValidationError

from client.atomic_file import make_folders, write_atomically
from client.yaml_files import read_yaml_mapping

from .errors import NetworkError, TopologyError, shell_word
from . import flock_wait
from .flock_wait import flock_holders, flock_within, held_while_stopped, process_stat, utc_stamp
from .topology import (NAME_PATTERN, NAME_RULE, OPERATIONS_PORT_SHIFT, ORG_ADD_ROLES, OrgNamespace,
                       PeerOrgSpec, Topology, UserSpec, address_refusal, format_validation_error,
                       org_identifier_clash, org_name_ends_in_hyphen, org_name_too_long)

STATE_FILE = "membership.yaml"
LOCK_FILE = "membership.lock"
# The org roles `recfin org add --role` accepts -> the recfin.role its users carry, and the org's contract role.
ROLE_ATTRS = {"core-enterprise": "debtor", "supplier": "creditor", "bank": "financier", "regulator": "regulator"}
CONTRACT_ROLES = {add_role: contract_role for contract_role, add_role in ORG_ADD_ROLES.items()}
USER_NAMES = {"core-enterprise": "treasurer", "supplier": "supplier", "bank": "officer", "regulator": "inspector"}
# How long a run waits for another holding a data folder's membership.lock. Its holders keep it for seconds (issuing a
# user, recording an org, writing the profiles), a `network backup` for as long as it writes its archive; a run
# stopped with Ctrl-Z or hung while it holds the lock would otherwise keep every other waiting silently for ever.
LOCK_WAIT_SECONDS = 60.0
# How long a run waits behind a holder that records its work lasts with the folder's size (a `network backup` of a
# large ledger) while that process is seen running; LOCK_WAIT_SECONDS run again from the last look that saw it so.
LASTING_HOLDER_WAIT_SECONDS = 6 * 3600.0
_LOCK_POLL_SECONDS = 0.1
_HOLDER_LOOK_SECONDS = 1.0     # how often a waiter looks again at who holds the lock


def state_path(data_root: Path) -> Path:
    return data_root / STATE_FILE


_held = threading.local()          # the data folders this thread holds the lock of (it is taken once per thread)


class LockOrderError(RuntimeError):
    """A thread asked for a data folder's lock out of the one order locks are taken in: a programming error."""


@contextmanager
def locked(*data_roots: Path, what: str = "a recfin run", lasting: bool = False,
           say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the exclusive lock of each data folder (created when missing) until the block ends; other processes
    and threads wait for it. Taken in one order (by resolved path), so two holders of several never deadlock;
    a thread that holds one already goes on. The lock file holds this run's record meanwhile (HolderRecord: what,
    and whether its work lasts with the folder's size, so that waiters wait for it while it runs): lasting is for
    a holder that takes no other lock while it holds these, so that no wait can close a circle through it.

    Nested, a block may take only folders that come after every folder the thread holds already: holding B,
    asking for A (alone or as locked(A, B)) would take A after B while another holder of A may be waiting for
    B, so it is refused (LockOrderError) before anything is taken. Ask for every folder in the outer block.

    say: where a wait behind a lasting holder is said (by default flock_wait.say_waits: nowhere, but on stderr in
    the CLI); a say that fails (an unwritable stderr) fails no wait."""
    if not hasattr(_held, "roots"):
        _held.roots = set()
    held: set[Path] = _held.roots
    wanted = sorted({Path(r).resolve() for r in data_roots} - held)
    if wanted and held and wanted[0] < max(held):
        raise LockOrderError(f"the lock of {wanted[0]} is asked for while this thread holds the lock of "
                             f"{max(held)}, which comes after it: taken in that order, it could deadlock with a "
                             f"holder of the first waiting for the second. Ask for both in the outer "
                             f"membership.locked(...)")
    with ExitStack() as stack:
        record = _own_record(what, lasting)
        for root in wanted:
            make_folders(root)
            fd = _held_lock_file(root, say or flock_wait.say_waits)
            stack.callback(os.close, fd)
            _write_record(fd, record)
            stack.callback(_write_record, fd, b"")      # emptied before the lock is let go
            held.add(root)
            stack.callback(held.discard, root)
        yield


def _held_lock_file(root: Path, say: Callable[[str], None]) -> int:
    """The descriptor of root's lock file, exclusively flocked: the file at root/LOCK_FILE once it is held.
    A `network restore --replace` holds the lock while it moves the folder aside and renames the restored one
    into its place: the file waited on meanwhile is then the aside folder's, and held, it would guard nothing
    (the next run opens the restored folder's, and would change it beside this one), so that one is taken."""
    while True:
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _wait_for_lock(fd, root / LOCK_FILE, say)
            if os.path.samestat(os.fstat(fd), os.stat(root / LOCK_FILE)):
                return fd
        except FileNotFoundError:   # the restored folder has no lock file yet: opened again, it is made
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


class HolderRecord(NamedTuple):
    """What a holder of a membership.lock wrote in it: its process (pid, and its start in clock ticks since boot,
    which a pid taken again by a later process does not share), when it took the lock, what it is, and whether
    its work lasts with the folder's size."""
    pid: int
    start_ticks: int
    since: str
    what: str
    lasting: bool

    def named(self) -> str:
        return f"{self.what} (pid {self.pid}, holding it since {self.since})"


class LockHeldError(NetworkError):
    """A data folder's membership.lock held by another run for longer than a run waits. holder: that run, as
    far as it is known ("another recfin run ..."), and what to do about it, for a caller to put in its own words."""

    def __init__(self, path: Path, holder: str, advice: str):
        super().__init__(f"{holder}: {advice}, then run the command again")
        self.path, self.holder, self.advice = path, holder, advice


def _own_record(what: str, lasting: bool) -> bytes:
    own = process_stat(os.getpid())
    return json.dumps({"pid": os.getpid(), "start_ticks": own[1] if own else None,
                       "since": utc_stamp(),
                       "what": what, "lasting": lasting}).encode() + b"\n"


def _write_record(fd: int, record: bytes) -> None:
    """Put record in the held lock file in place of what was there. A record not written (a full disk) leaves
    waiters their plain wait, so a failure here fails no run."""
    try:
        os.ftruncate(fd, 0)
        if record:
            os.pwrite(fd, record, 0)
    except OSError:
        pass


def _read_record(fd: int) -> HolderRecord | None:
    """The record in the lock file, None where there is none or it cannot be read whole (being written)."""
    try:
        doc = json.loads(os.pread(fd, 4096, 0))
        return HolderRecord(int(doc["pid"]), int(doc["start_ticks"]), str(doc["since"]), str(doc["what"]),
                            doc["lasting"] is True)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _holder(fd: int) -> tuple[HolderRecord | None, str]:
    """The record of the run holding fd's lock, and that run's state: "running", "stopped" (Ctrl-Z, a debugger),
    "gone" (its process ended, or another took its pid: the record is a killed run's), or "unrecorded" (no record,
    or its process does not hold the lock). Only a record whose process holds the lock is trusted."""
    record = _read_record(fd)
    if record is None:
        return None, "unrecorded"
    stat = process_stat(record.pid)
    if stat is None or stat[1] != record.start_ticks or stat[0] in "ZX":
        return record, "gone"
    if record.pid not in (flock_holders(fd) or set()):
        return record, "unrecorded"
    return record, "stopped" if stat[0] in "Tt" else "running"


def _wait_for_lock(fd: int, path: Path, say: Callable[[str], None]) -> None:
    """Take fd's exclusive flock, waiting LOCK_WAIT_SECONDS for its holder, or, behind a lasting holder seen running,
    as long as it runs (up to LASTING_HOLDER_WAIT_SECONDS), saying once with say what it waits for; LockHeldError
    when that wait ends. Ctrl-C stops it."""
    started = time.monotonic()
    deadline = started + LOCK_WAIT_SECONDS
    announced: HolderRecord | None = None
    look = min(_HOLDER_LOOK_SECONDS, LOCK_WAIT_SECONDS)
    while not flock_within(fd, look, _LOCK_POLL_SECONDS):
        now = time.monotonic()
        record, state = _holder(fd)
        if record is not None and record.lasting and state == "running":
            if now - started < LASTING_HOLDER_WAIT_SECONDS:
                deadline = now + LOCK_WAIT_SECONDS
                if record != announced:
                    announced = record
                    try:
                        say(f"waiting for {record.named()} to let go of {shell_word(path)}: it holds it while it "
                            f"runs (Ctrl-C stops waiting)")
                    except OSError:     # a notice that cannot be written: the wait goes on all the same
                        pass
        if now >= deadline:
            raise _lock_held(path, record, state, now - started)


def _lock_held(path: Path, record: HolderRecord | None, state: str, waited: float) -> LockHeldError:
    shown = shell_word(path)
    find = f"`fuser {shown}` or `lsof {shown}` names it"
    if record is not None and state == "running" and record.lasting:
        return LockHeldError(path, f"{record.named()} has held {path} for over {waited:.0f} s, more than a run "
                                   f"waits for it ({LASTING_HOLDER_WAIT_SECONDS:g} s)",
                             "wait for it to finish, or stop it")
    if record is not None and state == "stopped":
        return LockHeldError(path, held_while_stopped(record.named(), record.pid, path), "resume it (or stop it)")
    if record is not None and state == "running":
        # a brief holder (an `org user add` hung midway) past the wait: named as the others are, so the operator
        # finds it without fuser
        return LockHeldError(path, f"{record.named()} has held {path} for over {LOCK_WAIT_SECONDS:g} s, where a run "
                                   f"holds it for seconds (it may be hung)",
                             f"wait for it to finish, or stop it (`kill {record.pid}`)")
    return LockHeldError(path, f"another recfin run has held {path} for over {LOCK_WAIT_SECONDS:g} s (a `recfin "
                               f"network backup` holds it while it writes its archive; an `org user add|revoke` "
                               f"stopped with Ctrl-Z or hung holds it for ever; {find})",
                         "wait for that run to finish (or resume or stop it)")


def load_state(data_root: Path) -> dict:
    path = state_path(data_root)
    if not path.is_file():
        return {"added": [], "removed": []}
    doc = read_yaml_mapping(path, "a membership record", lambda problem: _damaged(path, problem),
                            holds="a mapping of added, removed and users", allow_empty=True)
    try:
        state = {"added": _as_list(doc.get("added"), "added", dict),
                 "removed": _as_list(doc.get("removed"), "removed", str)}
        if doc.get("namespaces"):
            state["namespaces"] = dict(doc["namespaces"])
        if doc.get("users"):
            state["users"] = {org: _as_list(users, f"users of {org}", dict)
                              for org, users in dict(doc["users"]).items()}
    except (TypeError, ValueError) as exc:
        raise _damaged(path, f"a section has the wrong shape ({exc})") from None
    return state


def _as_list(value, what: str, entry: type) -> list:
    """A section that lists things (empty when absent), each an entry (a mapping, or a name); a string or a
    mapping in the place of the list, or another kind of entry, is a damaged file."""
    if not isinstance(value or [], list):
        raise TypeError(f"{what} is a {type(value).__name__}, not a list")
    for number, item in enumerate(value or [], 1):
        if not isinstance(item, entry):
            raise TypeError(f"entry {number} of {what} is a {type(item).__name__}, not a "
                            f"{'mapping' if entry is dict else 'name'}")
    return list(value or [])


def _entry(data_root: Path, model, value, what: str):
    """value (a mapping read from membership.yaml) as model; the file named damaged when it is not one."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        problem = format_validation_error(what, exc).replace("\n", "; ")
        raise _damaged(state_path(data_root), problem) from None


def _damaged(path: Path, problem: str) -> NetworkError:
    return NetworkError(f"{path} is damaged: {problem}. It records the orgs `recfin org add|remove` changed and the "
                        f"users `recfin org user add` issued: repair it (or restore it from a backup) and run the "
                        f"command again; without it, every command takes topology.yaml's orgs as the channel's")


def _save_state(data_root: Path, state: dict) -> None:
    # durable: after a power loss an empty record would lose the orgs the channel was changed to hold
    write_atomically(state_path(data_root), "# Orgs added to / removed from the running channel "
                     "by `recfin org add|remove`, and users issued "
                   "by `recfin org user add`.\n"
                   + yaml.safe_dump(state, sort_keys=False), durable=True)


def with_orgs(topology: Topology, orgs: list[PeerOrgSpec], placed: dict[str, OrgNamespace] | None = None,
              source: str = STATE_FILE) -> Topology:
    """The topology with this org list, validated as topology.yaml is, but for names or MSP IDs that differ only in
    case (org_identifier_clash) and org names over MAX_ORG_NAME (org_name_too_long): both are refused where a name
    comes in, since the channel may hold such orgs, added before, and keeps an org's name and MSP ID. In namespaces,
    placed gives new orgs theirs (a topology without namespaces ignores it). source: what a refusal names as
    holding the problem (membership.yaml, or the org as a command gives it)."""
    doc = topology.model_dump(mode="python")
    doc["orgs"] = [o.model_dump(mode="python") for o in orgs]
    if doc.get("namespaces"):           # an org that left keeps no namespace; a new one must be given one
        kept = {topology.orderer_org.name, *(o.name for o in orgs)}
        given = {name: OrgNamespace.model_validate(ns).model_dump(mode="python") for name, ns in (placed or {}).items()}
        doc["namespaces"] = {name: ns for name, ns in {**doc["namespaces"], **given}.items() if name in kept}
    try:
        return Topology.model_validate(doc)
    except ValidationError as exc:
        raise TopologyError(format_validation_error(source, exc)) from None


def effective(topology: Topology, data_root: Path) -> Topology:
    """The topology with the orgs recorded in data_root's membership.yaml added and removed.

    An added spec named like an org of topology.yaml takes that org's place: the org left the channel and
    was added again (`recfin org remove`, then `org add`), so the spec it was added with is the one the
    channel has, whatever `removed:` says of the name."""
    state = load_state(data_root)
    if not state["added"] and not state["removed"] and not state.get("users"):
        return topology
    added = {spec.name: spec for spec in (_entry(data_root, PeerOrgSpec, o, f"added org {number}")
                                          for number, o in enumerate(state["added"], 1))}
    defined = [added.pop(o.name, o) for o in topology.orgs if o.name in added or o.name not in state["removed"]]
    orgs = [with_recorded_users(o, data_root, state) for o in [*defined, *added.values()]]
    return with_orgs(topology, orgs, recorded_namespaces(data_root))


def recorded_users(data_root: Path, org_name: str, state: dict | None = None) -> list[UserSpec]:
    """The users issued to org_name after its spec was written (`recfin org user add`)."""
    state = load_state(data_root) if state is None else state
    return [_entry(data_root, UserSpec, u, f"user {number} of {org_name}")
            for number, u in enumerate(state.get("users", {}).get(org_name, []), 1)]


def with_recorded_users(org: PeerOrgSpec, data_root: Path, state: dict | None = None) -> PeerOrgSpec:
    """The org's spec with the users recorded for it in data_root (a spec that already names one keeps its own)."""
    named = {u.name for u in org.users}
    extra = [u for u in recorded_users(data_root, org.name, state) if u.name not in named]
    if not extra:
        return org
    try:
        return PeerOrgSpec.model_validate({**org.model_dump(mode="python"),
                                           "users": [u.model_dump(mode="python") for u in [*org.users, *extra]]})
    except ValidationError as exc:
        raise TopologyError(format_validation_error(f"{STATE_FILE} users of {org.name}", exc)) from None


def record_user(data_root: Path, org_name: str, user: UserSpec) -> None:
    with locked(data_root):
        state = load_state(data_root)
        users = [u for u in state.get("users", {}).get(org_name, []) if u.get("name") != user.name]
        state["users"] = {**state.get("users", {}), org_name: [*users, user.model_dump(mode="json")]}
        _save_state(data_root, state)


def recorded_namespaces(data_root: Path) -> dict[str, OrgNamespace]:
    """The namespaces and addresses of added orgs (on a network in namespaces)."""
    return {name: _entry(data_root, OrgNamespace, ns, f"namespace of {name}")
            for name, ns in load_state(data_root).get("namespaces", {}).items()}


def record_added(data_root: Path, org: PeerOrgSpec, namespace: OrgNamespace | None = None) -> None:
    with locked(data_root):
        state = load_state(data_root)
        state["added"] = [o for o in state["added"] if o.get("name") != org.name] + [org.model_dump(mode="json")]
        state["removed"] = [n for n in state["removed"] if n != org.name]
        if namespace is not None:
            state["namespaces"] = {**state.get("namespaces", {}), org.name: namespace.model_dump(mode="json")}
        _save_state(data_root, state)


def record_namespace(data_root: Path, org_name: str, namespace: OrgNamespace) -> None:
    """Move an added org to another namespace or address (`netns up` with another prefix or subnet)."""
    with locked(data_root):
        state = load_state(data_root)
        if state.get("namespaces", {}).get(org_name) != namespace.model_dump(mode="json"):
            state["namespaces"] = {**state.get("namespaces", {}), org_name: namespace.model_dump(mode="json")}
            _save_state(data_root, state)


def record_removed(data_root: Path, org_name: str) -> None:
    with locked(data_root):
        state = load_state(data_root)
        state["added"] = [o for o in state["added"] if o.get("name") != org_name]
        # Recorded whether or not it was added here: an org of topology.yaml that was added again after it
        # left has an `added:` spec, and with the name off `removed:` topology.yaml's spec would come back.
        if org_name not in state["removed"]:
            state["removed"].append(org_name)
        if org_name in state.get("namespaces", {}):     # its namespace is removed with it: the address is free again
            del state["namespaces"][org_name]
            if not state["namespaces"]:
                del state["namespaces"]
        _save_state(data_root, state)


# ---- roles ---------------------------------------------------------------------------------
def org_role(org: PeerOrgSpec) -> str:
    """The `recfin org add --role` name of an org's contract role."""
    return next(role for role, contract_role in CONTRACT_ROLES.items() if contract_role == org.role)


def last_of_role(topology: Topology, org_name: str) -> str | None:
    """The role the channel would lose entirely if org_name left (None when another org holds it)."""
    org = topology.org(org_name)
    return role_lost(org, [o for o in topology.orgs if o.name != org.name])


def role_lost(org: PeerOrgSpec, staying: list[PeerOrgSpec]) -> str | None:
    """The role no org would hold once org has left and the staying orgs stay (None when one of them holds it)."""
    role = org_role(org)
    return None if any(org_role(o) == role for o in staying) else role


def enterprises_of(org: PeerOrgSpec) -> list[str]:
    """The enterprises the org's users act for (their recfin.enterprise attributes)."""
    return sorted({u.attrs["recfin.enterprise"] for u in org.users if "recfin.enterprise" in u.attrs})


# ---- a new org's spec ------------------------------------------------------------------------
def msp_id_for(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-")) + "MSP"


def _parent_domain(topology: Topology) -> str:
    parents = {o.domain.split(".", 1)[1] for o in topology.orgs if "." in o.domain}
    return sorted(parents)[0] if len(parents) == 1 else f"{topology.name}.local"


def _check_role(role: str) -> None:
    if role not in ROLE_ATTRS:
        raise NetworkError(f"role {role!r}: choose one of {', '.join(ROLE_ATTRS)}")


def name_refusal(name: str, whose: str = "an org's") -> str | None:
    """Why name cannot be a new org's (or, with whose="a user's", a new user's) name, None when it can. Said as the
    rule it breaks: the MSP ID and domain derived from it would break their own patterns too, and naming those
    would point at fields nobody typed."""
    if re.fullmatch(NAME_PATTERN, name):
        return None
    return f"{name!r} cannot be {whose} name: use {NAME_RULE}"


def enterprise_refusal(role: str, enterprise: str | None) -> str | None:
    """Why a new org of role cannot have enterprise (None: none given) for its users' recfin.enterprise, None when
    it can: the users of every role but the regulator act for an enterprise, the regulator's for none."""
    if role == "regulator" and enterprise:
        return ("a regulator org's users act for no enterprise (their certificates carry recfin.role=regulator "
                "alone, as topology.yaml's regulator's do): leave --enterprise out")
    if role != "regulator" and not enterprise:
        return (f"a {role} org's users act for an enterprise: give its unified social credit code "
                f"with --enterprise")
    return None


def _first_ports(topology: Topology) -> tuple[int, int, int]:
    """Where a new org's ports start, past the highest in use: its peer's (the chaincode port is one above),
    its peer's operations port, and its chaincode server's."""
    peers = [p for o in topology.orgs for p in o.peers]
    return (max(p.port for p in peers) + 1000,
            max([p.operations_port for p in peers] + [o.operations_port for o in topology.orderer_org.orderers]) + 1,
            max(o.chaincode_server_port for o in topology.orgs) + 1)


class DepartedOrg(NamedTuple):
    """An org that is not in the channel now but was, or is to be (topology.yaml's): what a new org may not take."""
    name: str
    msp_id: str
    domain: str
    role: str | None = None         # its `--role` where known (topology.yaml's orgs)

    def add_command(self) -> str:
        return f"recfin org add {self.name} " + (f"--role {self.role}" if self.role else "--role ROLE")


def departed_orgs(defined: Topology, topology: Topology, data_root: Path) -> list[DepartedOrg]:
    """The orgs of topology.yaml (defined) and those membership.yaml lists as removed that are not among the
    channel's orgs (topology). The receivables contract binds ledger parties to an MSP ID, so an org under a departed
    org's MSP ID (or domain) with a CA of its own could act for that org's parties. A removed org that is not
    topology.yaml's has no spec kept: its MSP ID and domain are those `recfin org add` and `recfin org keys` give a
    new org of that name."""
    departed = {o.name: DepartedOrg(o.name, o.msp_id, o.domain, org_role(o)) for o in defined.orgs}
    parent = _parent_domain(defined)
    for name in load_state(data_root)["removed"]:
        departed.setdefault(name, DepartedOrg(name, msp_id_for(name), f"{name}.{parent}"))
    present = {o.name for o in topology.orgs}
    return [org for org in departed.values() if org.name not in present]


def takes_departed(org: DepartedOrg, msp_id: str, domain: str) -> bool:
    """Whether an org of this MSP ID and domain would take the departed org's: either equal ignoring case, as
    org_identifier_clash compares the channel's orgs. One only in case apart would stand beside the departed
    org once it came back, where a lookup in another case fits both."""
    return org.msp_id.lower() == msp_id.lower() or org.domain.lower() == domain.lower()


def departed_clash(departed: Iterable[DepartedOrg], name: str, msp_id: str, domain: str) -> DepartedOrg | None:
    """The departed org, other than name itself, whose MSP ID or domain an org named name would take."""
    return next((org for org in departed if org.name != name and takes_departed(org, msp_id, domain)), None)


def departed_clash_problem(org: DepartedOrg, name: str, msp_id: str, domain: str) -> str:
    if org.msp_id.lower() != msp_id.lower():
        taken = f"the domain {domain}"
    elif org.msp_id != msp_id:
        return (f"an org named {name} would take the MSP ID {msp_id}, which is, ignoring case, {org.name}'s "
                f"{org.msp_id}, an org of topology.yaml or one that left the channel: once {org.name} came "
                f"back, the two would stand side by side and either could be taken for the other")
    else:
        taken = f"the MSP ID {msp_id}"
    return (f"an org named {name} would take {taken}, which is {org.name}'s, an org of topology.yaml or one "
            f"that left the channel: the receivables contract binds {org.name}'s parties on the ledger to its MSP "
            f"ID, so an org under it with another CA could act for them")


def new_org_spec(topology: Topology, name: str, role: str, enterprise: str | None = None,
                 users: int = 2, departed: Sequence[DepartedOrg] = ()) -> PeerOrgSpec:
    """The spec of a new peer org in this topology's conventions (NetworkError on a clash or bad role). departed
    (departed_orgs): orgs not in the channel whose MSP ID and domain the new org may not take either."""
    _check_role(role)
    if refusal := name_refusal(name):
        raise NetworkError(refusal)
    if any(name.lower() == o.name.lower() for o in topology.orgs) or name == topology.orderer_org.name:
        raise NetworkError(f"an org named {name} is already in the network: choose another name")
    msp_id, domain = msp_id_for(name), f"{name}.{_parent_domain(topology)}"
    # checked here, before any of its files is written: the orgs already in the channel may clash among themselves
    # or have longer names (added before the checks), which is theirs to keep, so only the new org's are refused
    if problem := org_name_too_long(name):
        raise NetworkError(f"an org named {name} cannot join: {problem}. Choose a shorter name")
    if problem := org_name_ends_in_hyphen(name):   # else its domain <name>.<parent> is refused, unsaid why
        raise NetworkError(f"an org named {name} cannot join: {problem}. Drop the hyphen")
    existing = [(o.name, o.msp_id) for o in [topology.orderer_org, *topology.orgs]]
    if clash := org_identifier_clash(existing, joining=(name, msp_id)):
        raise NetworkError(f"an org named {name} (MSP ID {msp_id}) cannot join: {clash}. Choose another name")
    if clash := departed_clash(departed, name, msp_id, domain):
        raise NetworkError(f"{departed_clash_problem(clash, name, msp_id, domain)}. Add {clash.name} back under its "
                           f"own name (`{clash.add_command()}`), or choose another name")
    if refusal := enterprise_refusal(role, enterprise):
        raise NetworkError(refusal)
    peer_port, operations_port, cc_server_port = _first_ports(topology)
    attrs = {"recfin.role": ROLE_ATTRS[role]} | ({"recfin.enterprise": enterprise} if enterprise else {})
    try:
        spec = PeerOrgSpec.model_validate({
            "name": name, "msp_id": msp_id, "domain": domain,
            "role": CONTRACT_ROLES[role],
            "chaincode_server_port": cc_server_port,
            "peers": [{"name": "peer0", "port": peer_port, "chaincode_port": peer_port + 1,
                       "operations_port": operations_port}],
            "users": [{"name": f"{USER_NAMES[role]}{i}", "attrs": attrs} for i in range(1, users + 1)],
        })
    except ValidationError as exc:
        raise TopologyError(format_validation_error(f"org {name}", exc)) from None
    if clash := _host_clash(topology, spec):
        host, owner = clash
        raise NetworkError(f"an org named {name} cannot join: its host {host} (named after its domain {domain}) is "
                           f"{owner}'s. Choose another name")
    return _fitting(topology, spec)


def _host_clash(topology: Topology, org: PeerOrgSpec) -> tuple[str, str] | None:
    """A hostname of the org's peers or chaincode server that an org of the topology has already, and that org's
    name; None when none has."""
    grown = topology.model_copy(update={"orgs": [*topology.orgs, org]})     # not validated: the clash is the point
    taken = {node.hostname: node.org_name for node in grown.nodes() if node.org_name != org.name}
    taken |= {grown.chaincode_server_host(o): o.name for o in topology.orgs}
    own = [*(node.hostname for node in grown.peers(org.name)), grown.chaincode_server_host(org)]
    return next(((host, taken[host]) for host in own if host in taken), None)


def with_address(org: PeerOrgSpec, address: str | None, given_as: str = "`address:`") -> PeerOrgSpec:
    """The org's spec with its host's `address:` (`recfin org add --address`), recorded as a hand-written one is, so
    that bundles name it (network.bundle); the spec as it is when address is None. Refused (TopologyError) as
    topology.yaml's address would be: one no other host reaches, or one its peers' own addresses disagree with.
    ``given_as``: where the address came from, named in the refusal."""
    if address is None:
        return org
    if (refusal := address_refusal(f"org {org.name}", address, given_as)) is not None:
        raise TopologyError(refusal)
    try:
        return PeerOrgSpec.model_validate({**org.model_dump(mode="python"), "address": address})
    except ValidationError as exc:
        raise TopologyError(format_validation_error(given_as, exc)) from None


def _fitting(topology: Topology, spec: PeerOrgSpec) -> PeerOrgSpec:
    """spec, once its ports, hostnames and MSP ID are checked not to clash with the topology's orgs (on a
    namespaced network its namespace is given it later)."""
    # the problem is the spec's (the orgs recorded passed this check when they came in): it names no file
    with_orgs(topology.model_copy(update={"namespaces": {}}), [*topology.orgs, spec], source="the org as given")
    return spec


def recorded_org_spec(recorded: dict, data_root: Path, role: str,
                      enterprise: str | None = None) -> PeerOrgSpec:
    """The spec membership.yaml records for an added org (recorded: its entry under `added:`), which an
    `org add` run again (one stopped after the channel took the org, or a finished one) goes on with.
    Refused (NetworkError) when role, or an enterprise given, is not the one the org was added with: the
    channel took the update carrying that spec, which its admins signed, and its users' certificates carry
    those attributes, so an add that went on would report the org added while its parties keep the first
    role."""
    _check_role(role)
    org = _entry(data_root, PeerOrgSpec, recorded, f"added org {recorded.get('name')}")
    enterprises = enterprises_of(org)
    given = f"--role {role}" if CONTRACT_ROLES[role] != org.role else (
        f"--enterprise {enterprise}" if enterprise and enterprise not in enterprises else None)
    if given is None:
        return org
    first = f"--role {org_role(org)}" + (f" --enterprise {enterprises[0]}" if len(enterprises) == 1 else "")
    raise NetworkError(f"{org.name} was added to the channel as a {org_role(org)} org whose users act for "
                       f"{', '.join(enterprises) or 'no enterprise'} ({state_path(data_root)} records the "
                       f"spec the admins signed), not with {given}: an org keeps the role and users it "
                       f"joined with. Run `recfin org add {org.name} {first}` to finish its add here; for "
                       f"another role, add an org under another name")


def returning_org_spec(defined: Topology, topology: Topology, name: str, role: str,
                       enterprise: str | None = None) -> PeerOrgSpec:
    """The spec of org name of topology.yaml (defined) that left the channel and is added again to the channel's
    orgs (topology): topology.yaml's, so it comes back with its MSP ID, which its parties on the ledger are bound
    to, its domain and its users (whose certificates the data folder still holds). It keeps its ports too, but
    any that an org of the channel has taken since, which moves past the highest in use as a new org's would.
    role must be its role; an enterprise given, one its users act for."""
    _check_role(role)
    org = next(o for o in defined.orgs if o.name == name)
    if CONTRACT_ROLES[role] != org.role:
        raise NetworkError(f"{name} is an org of topology.yaml, which gives it the role {org_role(org)}: it comes back "
                           f"as it left, its MSP ID {org.msp_id} with it; give --role {org_role(org)}")
    enterprises = enterprises_of(org)
    if enterprise and enterprise not in enterprises:
        raise NetworkError(f"{name} is an org of topology.yaml, whose users act for "
                           f"{', '.join(enterprises) or 'no enterprise'}, not {enterprise}: it comes back as "
                           f"topology.yaml defines it; leave --enterprise out")
    in_use = topology.ports_in_use()
    own = {org.chaincode_server_port, org.chaincode_server_port + OPERATIONS_PORT_SHIFT,
           *(port for peer in org.peers for port in (peer.port, peer.chaincode_port, peer.operations_port))}
    taken = in_use | own
    peer_port, operations_port, cc_server_port = _first_ports(topology)

    def free(port: int, first: int, step: int, *above: int) -> int:
        """port where neither it nor the ports above it are in use, else the first free one from first on."""
        if not any(port + shift in in_use for shift in (0, *above)):
            return port
        while any(first + shift in taken for shift in (0, *above)):
            first += step
        taken.update(first + shift for shift in (0, *above))
        return first

    peers = [peer.model_copy(update={"port": free(peer.port, peer_port, 1000),
                                     "chaincode_port": free(peer.chaincode_port, peer_port + 1, 1000),
                                     "operations_port": free(peer.operations_port, operations_port, 1)})
             for peer in org.peers]
    cc_server = free(org.chaincode_server_port, cc_server_port, 1, OPERATIONS_PORT_SHIFT)
    return _fitting(topology, org.model_copy(update={"peers": peers, "chaincode_server_port": cc_server}))
