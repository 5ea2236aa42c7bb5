"""Bad input anywhere in `recfin`: every command refuses hostile values with one `Error:` line, and changes nothing.

Walks the real command tree (``ALL`` of test_help_examples) and, for each command, lets
hypothesis build command lines from hostile values for its arguments and options: empty and
huge strings, control characters and the lone surrogates a non-UTF-8 argument decodes to,
amounts such as ``12.345`` and ``-5``, malformed dates, numbers out of range, files that do not
exist, are folders, are empty or hold garbage, unknown orgs for ``--as``, ids no ledger has.

Beside the hostile values, some parameters get good ones, so that a command reads and checks all
of its input rather than stopping at its first argument. Each command line runs in a temporary
HOME and working folder, with every ``RECFIN_*`` variable pointing at empty temporary folders and
an empty Fabric install. A command that reads connection profiles also gets, at random,
``--data-root`` naming a network that is not running: real crypto material and profiles whose
peers listen nowhere, so a ledger command's first call fails only after its input was checked.
For every command line:

- the result holds no exception but SystemExit (no traceback);
- the exit status is not 0, unless ``ACCEPTED`` names the value as one the command may take;
- stderr has exactly one ``Error:`` line, the last one (a usage error may print its usage
  above it, as click does), and it reads as a message, not as a Python exception;
- nothing was written, moved or removed, inside the temporary folders or out of them.

Commands that would start processes or do heavy work once their input passes run only with
command lines click refuses while parsing (``PARSE_ERRORS_ONLY``, each with its reason).

A guard (an audit hook, active only while a command runs) refuses to start any process but a
few read-only probes, to write anywhere outside the temporary folders, to send a signal or to
reach beyond this machine: a command that tries fails here by name instead of doing it.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cli import receivable_commands
from cli.amounts import AmountType
from cli.main import main
from cli.options import PathType
from network import crypto, namespaces, profiles
from network.topology import load as load_topology

from .test_help_examples import ALL

# ------------------------------------------------------------------ the guard


class ForbiddenAction(BaseException):
    """What the guard raises: not an Exception, so no handler of the command under test swallows it."""


# Read-only probes a command may run on bad input (as `ip` lists what exists): program name -> words it must not use.
READ_ONLY_PROGRAMS = {"ip": {"add", "del", "delete", "set", "replace", "exec", "change", "flush", "attach"}}
MUTATING_EVENTS = {
    "os.mkdir": (0,), "os.rmdir": (0,), "os.remove": (0,), "os.rename": (0, 1), "os.symlink": (1,),
    "os.link": (1,), "os.chmod": (0,), "os.chown": (0,), "os.lchown": (0,), "os.truncate": (0,), "os.utime": (0,),
    "os.mkfifo": (0,), "os.mknod": (0,), "os.setxattr": (0,), "os.removexattr": (0,), "os.chflags": (0,),
    "shutil.rmtree": (0,), "shutil.copyfile": (1,), "shutil.copytree": (1,), "shutil.move": (0, 1),
}
PROCESS_EVENTS = {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn",
                  "os.startfile", "os.killpg", "signal.pthread_kill"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}


@dataclass
class Guard:
    """Watches one command run: refuses what no bad input may cause, and records every change to a file."""

    tmp_roots: tuple[str, ...] = ()
    active: bool = False
    refused: list[str] = field(default_factory=list)
    touched: list[tuple[str, str, tuple | None]] = field(default_factory=list)   # event, path, its state before

    def changed(self) -> list[str]:
        """The paths a command wrote, moved or removed (an attempt that failed changed nothing)."""
        return list(dict.fromkeys(path for _, path, before in self.touched if state(path) != before))

    def __call__(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int) or not (
                    any(c in mode for c in "wax+") if isinstance(mode, str) else flags & WRITE_FLAGS):
                return
            self._changes(event, [path])
        elif event in MUTATING_EVENTS:
            self._changes(event, [args[i] for i in MUTATING_EVENTS[event]])
        elif event == "subprocess.Popen":
            self._process(args[1])
        elif event in PROCESS_EVENTS:
            self._refuse(f"{event}{args!r}: a command started a process on bad input")
        elif event == "os.kill" and args[1] != 0:
            self._refuse(f"os.kill{args!r}: a command sent a signal on bad input")
        elif event == "socket.connect":
            address = args[1]
            if not (isinstance(address, tuple) and address[0] in LOOPBACK):
                self._refuse(f"socket.connect({address!r}): a command reached beyond this machine")
        elif event == "socket.getaddrinfo":
            host = args[0]
            if host is not None and os.fsdecode(host) not in LOOPBACK:
                self._refuse(f"socket.getaddrinfo({host!r}): a command looked up a name on bad input")

    def _refuse(self, what: str) -> None:
        self.refused.append(what)
        raise ForbiddenAction(what)

    def _process(self, argv) -> None:
        words = [os.fsdecode(a) for a in ([argv] if isinstance(argv, (str, bytes)) else argv)]
        forbidden = READ_ONLY_PROGRAMS.get(Path(words[0]).name) if words else None
        if forbidden is None or forbidden & set(words[1:]):
            self._refuse(f"subprocess {words!r}: a command started a process on bad input")

    def _changes(self, event: str, paths: list) -> None:
        for raw in paths:
            if isinstance(raw, int):
                continue
            path = os.path.realpath(os.path.join(os.getcwd(), os.fsdecode(raw)))
            if "__pycache__" in Path(path).parts or path == os.devnull:  # Python's own bytecode cache
                continue
            self.touched.append((event, path, state(path)))
            if not any(path == root or path.startswith(root + os.sep) for root in self.tmp_roots):
                self._refuse(f"{event} {path}: a command wrote outside the temporary folders")

    @contextmanager
    def watching(self) -> Iterator[None]:
        self.refused.clear()
        self.touched.clear()
        self.active = True
        try:
            yield
        finally:
            self.active = False


def state(path: str) -> tuple | None:
    try:
        found = os.lstat(path)
    except (OSError, ValueError):
        return None
    return found.st_mode, found.st_size, found.st_mtime_ns, found.st_ino


GUARD = Guard()
_hooked = False


def guard(tmp_roots: tuple[str, ...]) -> Guard:
    """The process-wide guard (an audit hook cannot be removed: it does nothing while not watching)."""
    global _hooked
    if not _hooked:
        sys.addaudithook(GUARD)
        _hooked = True
    GUARD.tmp_roots = tmp_roots
    return GUARD


# ------------------------------------------------------------------ the world the commands run in


@dataclass
class World:
    root: Path
    files: dict[str, Path]        # hostile files and folders by what they are
    stopped_network: Path         # a data folder with crypto and profiles of a network that is not running

    def __post_init__(self) -> None:   # not a field: no repr of 100 kB in hypothesis' reports
        self.contents = {str(path): path.read_bytes() for path in self.files.values() if os.path.isfile(path)}
        self.strategies: dict[click.Parameter, st.SearchStrategy[str]] = {}

    def values_for(self, param: click.Parameter) -> st.SearchStrategy[str]:
        """``values_for(param, self)``, built once per parameter: hypothesis works out a new strategy's properties
        before its first draw, which cost more than the draws and the command lines run with them."""
        if param not in self.strategies:
            self.strategies[param] = values_for(param, self)
        return self.strategies[param]

    def undo(self, changed: list[str]) -> None:
        """Put back what a command changed in the world (a command may write where it was asked to, or write by
        design before it fails), so the next command line meets the same hostile files."""
        for path in sorted(changed, key=len, reverse=True):
            if path in self.contents:
                Path(path).write_bytes(self.contents[path])
            elif os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.lexists(path):
                os.remove(path)


def hostile_files(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    written = {
        "empty": b"",
        "garbage": b"\xff\xfe\xfd\x00\x01\x80garbage\xc3\x28",
        "json-null": b"null",
        "json-list": b"[1, 2, 3]",
        "json-string": b'"text"',
        "json-object": b'{"unexpected": {"nested": [true, false]}}',
        "json-deep": b"[" * 100_000,
        "json-huge-number": b'{"blockNumber": 1e999999, "transactionId": 7}',
        "yaml-broken": b"a: [b\n  - : : {\n",
        "yaml-list": b"- 1\n- 2\n",
        "yaml-no-such-date": b"orgs: 2026-02-30\n",   # YAML reads a date, Python cannot build it
        "yaml-tag": b'name: !!int ""\n',              # PyYAML's constructor: IndexError
        "yaml-anchor": b"x: &x [1, 2]\nname: [*x, *x]\n",
        "xml-entity": b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
        "csv-broken": b'number,qty\n"unterminated,1\n,,,,\n',
        "pdf-broken": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n%%EOF",
        "png-broken": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR garbage",
        "model.json": b'{"weights": "not numbers"}',
        "update.tx": b"\x0a\x03not a config update",
    }
    files = {}
    for name, data in written.items():
        (folder / name).write_bytes(data)
        files[name] = folder / name
    (folder / "folder").mkdir()
    files["folder"] = folder / "folder"
    files["missing"] = folder / "missing.json"
    files["missing-folder"] = folder / "no" / "such" / "folder"
    files["under-a-file"] = folder / "empty" / "child.json"
    files["name-too-long"] = folder / ("x" * 300)
    os.mkfifo(folder / "fifo")        # read as a file, it waits for a writer: only the pinned cases below name it
    files["fifo"] = folder / "fifo"
    return files


def stopped_network(data_root: Path, port: int) -> Path:
    """Crypto material and connection profiles of the default topology, every endpoint on a port nothing serves."""
    topology = load_topology()
    crypto.generate(topology, data_root)
    for path in profiles.write_all(topology, data_root):
        profile = json.loads(path.read_text())
        for endpoint in [profile["gateway"], *profile["peers"], *profile["orderers"]]:
            endpoint["address"] = f"127.0.0.1:{port}"
        path.write_text(json.dumps(profile))
    return data_root


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("bad-input").resolve()
    closed = socket.socket()            # bound, never listening: a connection to it is refused at once
    closed.bind(("127.0.0.1", 0))
    home = root / "home"
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("RECFIN_")]:
            mp.delenv(name)
        mp.setenv("HOME", str(home))
        mp.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        mp.setenv("MPLCONFIGDIR", str(home / ".matplotlib"))
        mp.setenv("RECFIN_HOME", str(root / "recfin"))                 # the data folder: <it>/network, empty
        mp.setenv("RECFIN_FABRIC_HOME", str(root / "fabric"))          # no Fabric tools
        mp.setenv("RECFIN_BUNDLE", str(root / "bundle"))               # no bundle
        for folder in (home, root / "recfin" / "network", root / "fabric", root / "cwd"):
            folder.mkdir(parents=True)
        mp.chdir(root / "cwd")
        yield World(root, hostile_files(root / "files"),
                    stopped_network(root / "stopped-network", closed.getsockname()[1]))
    closed.close()


# ------------------------------------------------------------------ hostile values

TEXT = ["", " ", "\t", "\n", "x" * 5000, "R-1\nError: forged", "\x1b[31mred\x1b[0m", "\udcff\udcfe",
        "\u202eevil", "💥", "-5", "../../etc/passwd", "%s%n{}", "R-' OR '1'='1", "\x7f\x01"]
AMOUNTS = ["12.345", "-5", "", "abc", "1e5", "NaN", "Infinity", "99999999999999999999999999", "1,2,3", "0x10",
           "12,34.5", "CNY", "USD 5", "5 fen", "-0", "0.001", " . ", "1_000", "fen"]
INTEGERS = ["", "abc", "1.5", "-5", "99999999999999999999999", "0x10", "1e3", "NaN"]
FLOATS = ["", "abc", "nan", "inf", "-inf", "-5", "1e999", "0x1p3", "1,5"]
DATES = ["2026-02-30", "2026-13-01", "", "yesterday", "0000-01-01", "9999-12-31", "1-1-1", "2026/01/01",
         "２０２６-０１-０１", "2026-01-01T00:00", "20260101", "-2026-01-01"]
FRACTIONS = ["", "abc", "-0.1", "1.5", "NaN", "Infinity", "1e999", "0.1.2", "5%"]
ORGS = ["", "/", "nosuchorg", "nosuchorg/user", "supplier/", "/supplier1", "supplier/nosuchuser",
        "supplier/a/b", "Supplier MSP", "../../etc", "\udcff", "supplier\n", "x" * 300]
PREFIXES = ["", "-", "RECFIN", "recfin-", "toolongprefix", "1abc", "\udcff", "a b"]
SUBNETS = ["", "abc", "10.0.0.0/33", "10.0.0.1/24", "300.1.1.1/24", "::1/64", "10.0.0.0/30", "-5"]
POLICIES = ["", "AND(", "OR('NoSuchMSP.peer')", "\udcff", "x" * 5000]
# Text options whose values the command reads (not only passes to a ledger that is not running).
BY_NAME = {
    "as_": ORGS, "org": ORGS, "user": ORGS, "identity": ORGS, "as_org": ORGS, "sign_as": ORGS, "org_name": ORGS,
    "prefix": PREFIXES, "subnet": SUBNETS, "signature_policy": POLICIES, "currency": ["", "cny", "EURO", "€€€", "12"],
    "advance_rate": FRACTIONS, "discount_rate": FRACTIONS, "probability": FRACTIONS, "apr": FRACTIONS,
    "min_confidence": FRACTIONS, "price_tolerance": FRACTIONS, "quantity_tolerance": FRACTIONS,
    "today": DATES, "due_date": DATES, "batch_timeout": ["", "abc", "-1s", "0ms", "99999h", "1.5.2s"],
    "absolute_max_bytes": ["", "abc", "-1 MB", "0", "999 TB", "1 XB"],
    "preferred_max_bytes": ["", "abc", "-1 MB", "0", "999 TB"],
    "tiers": ["", "30", "30:", ":0.04", "x:0.04", "30:abc", "-5:0.04", "99999999999999999999:0.1"],
    "invoices": ["", "1,2,3", "1,2026-01-01,100,13,CODE,extra", "1,2026-02-30,100,13", "1,2026-01-01,12.345,1",
                 "1,2026-01-01,-5,1", "1,2026-01-01,100,abc", ",,,", "1,2026-01-01,1e5,1"],
    "grpc_options": ["", "grpc", "keepalive=5", "grpc.x", "=5", "grpc.x=\udcff"],
    "contract": ["", "nosuchmodule:Nothing", "os:system", "chaincode:", ":Class"],
    "contract_hash": ["", "zz", "ab" * 100, "\udcff"],
    "install_root": ["", "relative/path", "\udcff"],
}
# What generated text may hit by chance that is good input for these options.
VALID = {"prefix": namespaces.PREFIX_RE.match}
YAML_FILES = {"topology_path", "config_path"}
FILE_KINDS = ["missing", "folder", "empty", "garbage", "json-null", "json-list", "json-string", "json-object",
              "json-deep", "json-huge-number", "yaml-broken", "yaml-list", "xml-entity", "csv-broken", "pdf-broken",
              "png-broken", "model.json", "update.tx", "under-a-file", "name-too-long", "missing-folder"]
FOLDER_KINDS = ["missing-folder", "empty", "garbage", "under-a-file", "name-too-long", "folder"]
# Where a command writes: only places it cannot (an existing file there would be replaced, as asked).
UNWRITABLE_KINDS = ["folder", "missing-folder", "under-a-file", "name-too-long"]
UNWRITABLE_FOLDER_KINDS = ["empty", "garbage", "under-a-file", "name-too-long"]
OUTPUTS = {"output", "evidence_file", "update_out", "plot_path", "out_dir", "out", "output_dir"}


def text_values() -> st.SearchStrategy[str]:
    """Generated text as an argument can carry it: any character but NUL, and the surrogates of non-UTF-8 bytes."""
    argv_characters = st.characters(exclude_characters="\x00", exclude_categories=("Cs",)) | st.sampled_from(
        ["\udc80", "\udcff", "\udcc3"])
    return st.sampled_from(TEXT) | st.text(argv_characters, max_size=40)


def values_for(param: click.Parameter, world: World) -> st.SearchStrategy[str]:
    """Hostile values for one parameter, by its name and type."""
    kind = param.type
    if isinstance(kind, click.Path):
        if param.name in OUTPUTS:   # '' too: Path('') is the current folder, where it would write
            names = UNWRITABLE_KINDS if kind.file_okay else UNWRITABLE_FOLDER_KINDS
            return st.sampled_from(names).map(lambda name: str(world.files[name])) | st.just("")
        names = FILE_KINDS if kind.file_okay else FOLDER_KINDS
        if param.name in YAML_FILES:   # PyYAML takes a second to refuse it: the tests at the end of this module
            names = [name for name in names if name != "json-deep"]
        return st.sampled_from(names).map(lambda name: str(world.files[name])) | st.sampled_from(["", "\udcff"])
    if isinstance(kind, AmountType):
        return st.sampled_from(AMOUNTS)
    if isinstance(kind, click.DateTime):
        return st.sampled_from(DATES)
    if isinstance(kind, click.Choice):
        choices = [str(c) for c in kind.choices]
        return st.sampled_from(["", "nosuch", "\udcff", *{c.swapcase() for c in choices} - set(choices)])
    if isinstance(kind, click.types.IntParamType):
        return st.sampled_from(INTEGERS) | st.integers().map(str).filter(lambda v: not in_range(kind, v))
    if isinstance(kind, click.types.FloatParamType):
        return st.sampled_from(FLOATS)
    if param.name in BY_NAME:
        return (st.sampled_from(BY_NAME[param.name]) | text_values()).filter(
            lambda value: not VALID.get(param.name, lambda _: False)(value))
    return text_values()


def in_range(kind: click.ParamType, value: str) -> bool:
    try:
        kind.convert(value, None, None)
        return True
    except click.BadParameter:
        return False


# ------------------------------------------------------------------ which commands, with what

# Commands that start processes or do heavy work once their input passes: only command lines click refuses
# while parsing (a value of the wrong type or range, a folder for a file) run them; the guard stops the rest.
PARSE_ERRORS_ONLY = {
    ("network", "up"): "starts the orderers, peers and chaincode servers",
    ("demo",): "brings the network up and deploys before its story",
    ("bench",): "runs load workloads (and npm for --compare-node)",
    ("risk", "train"): "trains on thousands of simulated histories, then writes the model",
    ("risk", "evaluate"): "simulates and trains for seconds before it reports",
    ("network", "netns", "up"): "makes network namespaces, a bridge and links (as root)",
    ("network", "compose-up"): "with --start, runs `docker compose up -d`",
    ("chaincode", "deploy"): "starts a chaincode server per org",
    ("chaincode", "restart"): "starts the chaincode servers",
}
# Flags never given: they would act on this machine whatever the other values (each names why).
NEVER = {
    (("network", "compose-up"), "start"): "runs `docker compose up -d`",
    (("network", "logs"), "follow"): "follows a log until Ctrl-C",
}
# Values a command takes as they are (exit 0 is right): (command, parameter name) -> why.
ACCEPTED = {
    (("network", "compose"), "data_root"): "a folder without membership.yaml records no org added or removed: "
                                           "the compose file is the topology's, as on a fresh machine",
    (("network", "netns", "status"), "folder"): "a folder `netns up` has not written yet: every org's namespace "
                                                "is shown as missing",
}
# Commands that write on a failure by design: command -> why.
CHANGES_ON_FAILURE = {
    ("network", "prepare"): "writes the crypto material and configtx.yaml, then stops without configtxgen, naming "
                            "the configtxgen command that finishes the job",
}
LEDGER_DATA_ROOT_HELP = "Network data folder holding profiles/"
# Commands that get hostile values only: those whose exit status 1 is a finding, not an error, and those that act
# on this machine's network links (as root) once their input is good.
HOSTILE_ONLY = {("invoice", "verify"), ("invoice", "match"), ("invoice", "read"),
                *(("network", "netns", verb) for verb in ("up", "down", "cut", "restore", "exec", "status"))}


def reads_profiles(cmd: click.Command) -> bool:
    """The command's --data-root is a network data folder holding connection profiles."""
    return any(p.name == "data_root" and LEDGER_DATA_ROOT_HELP in (getattr(p, "help", "") or "") for p in cmd.params)


@dataclass(frozen=True)
class Line:
    """One command line: the words, and which parameters got a hostile value."""

    args: tuple[str, ...]
    hostile: tuple[str, ...]


# Good values beside the hostile ones, so that a command reads and checks all of its input (a ledger command's first
# call to the network that is not running fails after that): by parameter name, then by type.
GOOD_BY_NAME = {
    "as_": ["supplier/supplier1", "bank", "coreenterprise/treasurer", "regulator"], "org": ["supplier"],
    "user": ["supplier1"], "invoices": ["26312000000012345678,2026-03-01,100000.00,13000.00"],
    "contract_hash": ["ab" * 32], "currency": ["CNY"], "advance_rate": ["0.9"], "discount_rate": ["0.036"],
    "apr": ["0.05"], "tiers": ["30:0.04"], "probability": ["0.1"], "reason": ["goods returned"],
    "order_reference": ["(2026) Hu 0101 Bao 123"], "debtor": ["91310000MA1K000019"], "holder": ["91310000MA1K00002C"],
    "recipient": ["91320500MA1K00003D"], "uscc": ["91310000MA1K00002C"], "name": ["Tier-1 Parts Co."],
    "clients": ["supplier1"], "client_user": ["supplier1"], "client_ids": ["x509::CN=a::CN=b"],
    "client_id": ["x509::CN=a::CN=b"], "bookmark": [""], "receivable_ids": ["R-0123456789abcdef"],
    "discount_offer": ["D-0123456789abcdef"], "enterprise": ["91110000MA1K00007E"], "sign_as": ["bank"],
    "node": ["peer0.supplier"], "org_name": ["supplier"],
}


def good_values(param: click.Parameter) -> list[str]:
    """Values the parameter takes (none for a path: the hostile files are all there is)."""
    kind = param.type
    if param.name in GOOD_BY_NAME:
        return GOOD_BY_NAME[param.name]
    if isinstance(kind, AmountType):
        return ["1,000.00", "100000fen"]
    if isinstance(kind, click.DateTime):
        return ["2026-03-01"]
    if isinstance(kind, click.Choice):
        return [str(c) for c in kind.choices]
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return [v for v in ("20", "1", "0") if in_range(kind, v)][:1]
    if isinstance(kind, click.Path):
        return []
    return ["R-0123456789abcdef"]


@st.composite
def command_lines(draw, path: tuple[str, ...], cmd: click.Command, world: World) -> Line:
    """Some of the command's options (its required ones always) and all its arguments, at least one with a hostile
    value and some with good ones; --data-root of profiles may name the network that is not running."""
    words: list[str] = list(path)
    hostile: list[str] = []
    profiled = reads_profiles(cmd)
    mixed = path not in HOSTILE_ONLY
    params = [p for p in cmd.params if p.name not in ("help",)]
    options = [p for p in params if isinstance(p, click.Option)]
    flags = [p for p in options if p.is_flag and (path, p.name) not in NEVER]
    valued = [p for p in options if not p.is_flag and not (profiled and p.name == "data_root")]
    required = [p for p in params if p.required]
    chosen = draw(st.lists(st.sampled_from(valued), unique_by=lambda p: p.name, min_size=0 if required else 1,
                           max_size=min(3, len(valued)))) if valued else []
    chosen += [p for p in required if isinstance(p, click.Option) and p not in chosen]

    def value(p: click.Parameter) -> str:
        good = good_values(p) if mixed else []
        if good and draw(st.booleans()):
            return draw(st.sampled_from(good))
        hostile.append(p.name)
        return draw(world.values_for(p))

    if profiled:
        where = draw(st.sampled_from(["stopped", "stopped", "default", "hostile"]))
        if where != "default":
            data_root = next(p for p in options if p.name == "data_root")
            words += ["--data-root", str(world.stopped_network) if where == "stopped" else value(data_root)]
    for p in chosen:
        for _ in range(draw(st.integers(1, 2)) if p.multiple else 1):
            words += [p.opts[0], value(p)]
    for p in draw(st.lists(st.sampled_from(flags), unique_by=lambda p: p.name, max_size=2)) if flags else []:
        words.append(p.opts[0])
    for p in params:
        if isinstance(p, click.Argument):
            words += [value(p) for _ in range(draw(st.integers(1, 2)) if p.nargs == -1 else p.nargs)]
    if path == ("network", "compose") and "--write" in words and "--output" not in words:
        words += ["--output", str(world.files[draw(st.sampled_from(UNWRITABLE_KINDS))])]   # not the repository's
    assume(hostile)
    return Line(tuple(words), tuple(hostile))


def refused_while_parsing(cmd: click.Command, args: tuple[str, ...]) -> bool:
    """Click refuses the command line while parsing it: the command itself is never called."""
    called = []
    original, cmd.callback = cmd.callback, lambda *_, **__: called.append(True)
    try:
        CliRunner().invoke(main, list(args))
    finally:
        cmd.callback = original
    return not called


# ------------------------------------------------------------------ running one and judging it

RAW_PYTHON = ("Traceback", "' object has no attribute", "' object is not", "validation error for",
              "errors.pydantic.dev", "unsupported operand",
              "index out of range", "unexpected keyword argument", "positional argument", "invalid literal for",
              "KeyError", "AttributeError", "TypeError", "UnicodeEncodeError", "UnicodeDecodeError",
              "RecursionError", "OverflowError", "codec can't")


@dataclass
class Outcome:
    line: Line
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None
    changed: list[str]

    def problems(self, path: tuple[str, ...]) -> list[str]:
        found = []
        if self.exception is not None and not isinstance(self.exception, SystemExit):
            found.append(f"raised {type(self.exception).__name__}: {self.exception}")
        if self.exit_code == 0:
            if not any((path, name) in ACCEPTED for name in self.line.hostile):
                found.append("exit status 0 on bad input")
            return found
        lines = [line for line in self.stderr.split("\n") if line.strip()]   # as a terminal shows it
        errors = [line for line in lines if line.startswith("Error:")]
        if len(errors) != 1:
            found.append(f"{len(errors)} 'Error:' lines on stderr")
        elif lines[-1] != errors[0]:
            found.append("the 'Error:' line is not the last line of stderr (a message of several lines?)")
        elif not errors[0].removeprefix("Error:").strip():
            found.append("an empty 'Error:' line")
        raw = [marker for marker in RAW_PYTHON if marker in self.stderr]
        if raw:
            found.append(f"stderr reads as a Python exception ({', '.join(raw)})")
        if self.changed and path not in CHANGES_ON_FAILURE:
            found.append(f"changed files on bad input: {self.changed[:3]}")
        return found


def run(path: tuple[str, ...], line: Line, world: World, env: dict[str, str] | None = None) -> Outcome:
    watch = guard((str(world.root), os.path.realpath(tempfile.gettempdir())))
    try:
        with watch.watching():
            result = CliRunner(env=env).invoke(main, list(line.args))
    except ForbiddenAction:
        pass
    changed = watch.changed()
    world.undo([path for path in changed if path.startswith(str(world.root) + os.sep)])
    if watch.refused:
        raise AssertionError(f"recfin {' '.join(line.args)!r}: {watch.refused[0]}")
    return Outcome(line, result.exit_code, result.stdout, result.stderr, result.exception, changed)


def shown(word: str) -> str:
    """A word of a command line as a shell would take it, long ones cut short."""
    if len(word) > 80:
        word = word[:40] + "..." + word[-30:]
    return word if word and word.isprintable() and " " not in word else repr(word)


def describe(outcome: Outcome, problems: list[str]) -> str:
    shown_line = " ".join(map(shown, outcome.line.args))
    trace = ""
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        trace = "".join(traceback.format_exception(outcome.exception)[-6:])
    return (f"recfin {shown_line}\n  " + "\n  ".join(problems) + f"\n  exit {outcome.exit_code}\n  stderr: "
            f"{outcome.stderr[-300:]!r}\n{trace}")


SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.filter_too_much])


@pytest.mark.parametrize("path, cmd", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_bad_input_gets_one_error_line_and_changes_nothing(path, cmd, world):
    @SETTINGS
    @given(st.data())
    def check(data):
        line = data.draw(command_lines(path, cmd, world))
        if path in PARSE_ERRORS_ONLY:
            assume(refused_while_parsing(cmd, line.args))
        outcome = run(path, line, world)
        problems = outcome.problems(path)
        assert not problems, describe(outcome, problems)

    check()


# ------------------------------------------------------------------ each crash found, pinned

FORGED = "R-1\nError: forged"          # a value whose newline, echoed raw, would print a second Error: line
OFFLINE_QUOTE = ["--face", "1,000,000", "--due", "2027-03-01", "--grade", "B"]
STOPPED = "@stopped-network"            # @NAME: the world's hostile file NAME; @stopped-network: that data folder
REGISTER = ["receivable", "register", "--debtor", "91310000MA1K000019", "--face", "1,000.00", "--issue", "2026-03-01",
            "--due", "2026-05-31", "--invoice", "26312000000012345678,2026-03-01,100000.00,13000.00",
            "--data-root", STOPPED]
REFUSALS = {
    # a file an option names that is no topology, no config block, no org definition or no checkpoint: a usage
    # error naming the option (exit 2), as a file that cannot be read is
    "topology not UTF-8": (["network", "status", "--topology", "@garbage"], 2, "not UTF-8 text"),
    "topology nested too deeply": (["chaincode", "config", "--topology", "@json-deep"], 2, "nested too deeply"),
    "topology empty": (["network", "status", "--topology", "@empty"], 2, "the file is empty"),
    "topology value no date": (["network", "status", "--topology", "@yaml-no-such-date"], 2,
                               "cannot read the value 2026-02-30 at line 1, column 7 (day is out of range for month)"),
    "topology with a tag": (["network", "status", "--topology", "@yaml-tag"], 2,
                            "the tag !!int at line 1, column 7: tags are not read in a topology"),
    "topology with an anchor": (["chaincode", "config", "--topology", "@yaml-anchor"], 2,
                                "the anchor &x at line 1, column 4: anchors and aliases (&name, *name) are not read"),
    # refused as the option's value, before anything reads it
    "topology a device": (["network", "status", "--topology", "/dev/zero"], 2,
                          "Invalid value for '--topology': /dev/zero is a device, not a file"),
    "invoice a device": (["invoice", "verify", "/dev/zero"], 2, "Invalid value for 'FILE': /dev/zero is a device"),
    "config block not a block (add)": (["org", "add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E",
                                        "--dry-run", "--config-block", "@garbage"], 2,
                                       "Invalid value for '--config-block'"),
    "config block not a block (remove)": (["org", "remove", "bank", "--dry-run", "--config-block", "@garbage"], 2,
                                          "not a Fabric config block"),
    "org definition not UTF-8": (["org", "add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E",
                                  "--dry-run", "--definition", "@garbage"], 2,
                                 "not an org definition (not UTF-8 text)"),
    "data folder name too long": (["receivable", "get", "R-1", "--data-root", "@name-too-long"], 1,
                                  "File name too long"),
    # refused before its profile is looked for (no org or user is named so), where the lookup said "File name too long"
    "org name too long": (["receivable", "get", "R-1", "--as", "x" * 300, "--data-root", STOPPED], 2,
                          "it has 300 characters, more than any org's name, MSP ID or user's name"),
    "bundle name too long": (["host", "status", "--bundle", "@name-too-long"], 1, "File name too long"),
    # --as names the bank whose pricing file is read: refused as no org's name, before any file is looked for
    "bank name too long": (["finance", "quote", "R-1", "--as", "x" * 300, *OFFLINE_QUOTE], 2,
                           "it has 300 characters, more than any org's name, MSP ID or user's name"),
    "bank name with a newline": (["finance", "quote", "R-1", "--as", FORGED, *OFFLINE_QUOTE], 2,
                                 "holds '\\n', ' ', ':', which no org's name"),
    # a file an option names that cannot be read as what it holds: a usage error naming the option, as a
    # declined quote exits 1
    "pricing nested too deeply": (["finance", "quote", "R-1", "--as", "bank", "--config", "@json-deep",
                                   *OFFLINE_QUOTE], 2, "nested too deeply to be a bank's pricing settings"),
    "pricing not YAML": (["finance", "quote", "R-1", "--as", "bank", "--config", "@update.tx",
                          *OFFLINE_QUOTE], 2, "Invalid value for '--config'"),
    "pricing with a tag": (["finance", "quote", "R-1", "--as", "bank", "--config", "@yaml-tag",
                            *OFFLINE_QUOTE], 2,
                           "the tag !!int at line 1, column 7: tags are not read in a bank's pricing settings"),
    "pricing missing": (["finance", "quote", "R-1", "--as", "bank", "--config", "@missing",
                         *OFFLINE_QUOTE], 2, "Invalid value for '--config'"),
    "compose --output without --write": (["network", "compose", "--output", "@missing"], 2,
                                         "--output is where --write writes"),
    "compose --write into no folder": (["network", "compose", "--write", "--output", "@missing-folder"], 1,
                                       "is missing: create it first"),
    "compose --write into ''": (["network", "compose", "--write", "--output", ""], 2,
                                "Invalid value for '--output': '' is empty: give the path of a file"),
    "netns prefix of other links": (["network", "netns", "down", "--prefix", "BR"], 2,
                                    "1-8 lower-case letters and digits"),
    "netns prefix empty": (["network", "netns", "status", "--prefix", ""], 2, "1-8 lower-case letters and digits"),
    # a word typed in another encoding (lone surrogates): refused naming its parameter before connecting,
    # where it reached the SDK (exit 1, naming no option) or the contract ("Invalid JSON: lone leading
    # surrogate")
    "ledger argument not UTF-8": (["receivable", "confirm", "R-\udcff\udcfe", "--data-root", STOPPED], 2,
                                  "Invalid value for 'RECEIVABLE_ID': 'R-\\xff\\xfe' is not UTF-8 text"),
    "party name not UTF-8": (["party", "register", "--as", "supplier/admin", "--uscc", "91310000MA1K00002C",
                              "--name", "\udcd6\udcd0", "--role", "supplier", "--client", "supplier1",
                              "--data-root", STOPPED], 2,
                             "Invalid value for '--name': '\\xd6\\xd0' is not UTF-8 text: it holds "
                             "bytes of another encoding, as a terminal set to GBK or another legacy encoding "
                             "sends; nothing was sent: set the terminal to UTF-8"),
    "contract hash not UTF-8": ([*REGISTER, "--contract-hash", "\udcd6\udcd0"], 2,
                                "type it again, or give --contract-file instead"),
    "contract hash empty": ([*REGISTER, "--contract-hash", ""], 2, "64 hex digits"),
    "contract hash not hex": ([*REGISTER, "--contract-hash", "zz" * 32], 2, "64 hex digits"),
    "contract hash of 65 digits": ([*REGISTER, "--contract-hash", "c" * 65], 2, "64 hex digits"),
    "contract file and hash both": ([*REGISTER, "--contract-file", "@pdf-broken", "--contract-hash", "c" * 64], 2,
                                    "give exactly one of --contract-file or --contract-hash"),
    "invoice of six fields": ([*REGISTER, "--contract-hash", "c" * 64,
                               "--invoice", "26312000000012345679,2026-03-01,100.00,13.00,044031900111,x"], 2,
                              "write NUMBER,DATE,AMOUNT,TAX[,CODE]"),
    "invoice of three fields": ([*REGISTER, "--contract-hash", "c" * 64,
                                 "--invoice", "26312000000012345679,2026-03-01,100.00"], 2,
                                "write NUMBER,DATE,AMOUNT,TAX[,CODE]"),
    "rate not a number": (["finance", "offer", "F-1", "--advance-rate", "abc", "--discount-rate", "0.03",
                           "--expires", "2026-04-30", "--data-root", STOPPED], 2,
                          "Invalid value for '--advance-rate': rate 'abc' is not a decimal number"),
    "model name too long": (["risk", "score", "R-1", "--model", "@name-too-long", "--synthetic-seed", "1"], 2,
                            "Invalid value for '--model': no model at"),
    "synthetic debtor with a newline": (["risk", "score", FORGED, "--synthetic-seed", "1", "--synthetic-debtors",
                                         "20"], 2, "no synthetic debtor 'R-1\\nError: forged'"),
    # an empty path is "." to pathlib: these wrote a model, or an org's private keys, into the current folder
    "model folder empty": (["risk", "train", "--debtors", "20", "--out", ""], 2,
                           "Invalid value for '--out': '' is empty: give the path of a folder"),
    "keys folder empty": (["org", "keys", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E",
                           "--out", ""], 2, "Invalid value for '--out': '' is empty: give the path of a folder"),
    "checkpoint empty": (["events", "--checkpoint", "", "--data-root", STOPPED], 2,
                         "Invalid value for '--checkpoint': '' is empty: give the path of a file"),
    "request file empty": (["hsm", "generate", "--token", "t", "--common-name", "a", "--csr", ""], 2,
                           "Invalid value for '--csr': '' is empty"),
    "hsm library empty": (["hsm", "generate", "--token", "t", "--common-name", "a", "--csr", "@missing",
                           "--library", ""], 2, "Invalid value for '--library': '' is empty: give the path of a file"),
    "hsm key label with a line break": (["hsm", "generate", "--token", "t", "--common-name", "a", "--csr", "@missing",
                                         "--key-label", "a\nb"], 2,
                                        "Invalid value for '--key-label': 'a\\nb' has a control, line-break or invisible format character"),
    # a FIFO or a device, read with Path.read_bytes, waited for a writer or filled memory
    "contract file a device": ([*REGISTER, "--contract-file", "/dev/zero"], 2,
                               "Invalid value for '--contract-file': /dev/zero: it is a device, not a file"),
    "contract file empty": ([*REGISTER, "--contract-file", "@empty"], 2,
                            "is empty: give the signed trade contract's file"),
    "request file a FIFO": (["org", "user", "add", "supplier", "supplier9", "--csr", "@fifo"], 2,
                            "fifo: it is a FIFO, not a file"),
    "config block a FIFO": (["org", "remove", "bank", "--dry-run", "--config-block", "@fifo"], 2,
                            "fifo: it is a FIFO, not a file"),
    "config block empty": (["org", "remove", "bank", "--dry-run", "--config-block", "@empty"], 2,
                           "empty is empty: give the channel's config block"),
    # the contract's rules on a claim's amounts, said before connecting (they reached the ledger)
    "face zero": ([*REGISTER, "--contract-hash", "c" * 64, "--face", "0"], 2,
                  "Invalid value for '--face': CNY 0.00 is zero, which the contract refuses (amount-not-positive)"),
    "invoice of amount zero": ([*REGISTER, "--contract-hash", "c" * 64, "--invoice",
                                "26312000000012345679,2026-03-01,0,0"], 2, "its amount is zero, which the contract "
                                                                            "refuses (amount-not-positive)"),
    "face above the invoices": ([*REGISTER, "--contract-hash", "c" * 64, "--face", "113,000.01"], 2,
                                "CNY 113,000.01 exceeds the invoices' total with tax, CNY 113,000.00, which the "
                                "contract refuses (face-exceeds-invoices)"),
    "debtor name empty": (["invoice", "verify", "@missing", "--debtor", "91440300MA5F7KQ3XU", "--debtor-name", ""], 2,
                          "Invalid value for '--debtor-name': '' is blank: give the party's registered name"),
    "supplier name blank": (["invoice", "verify", "@missing", "--supplier", "91440300MA5F7KQ3XU", "--supplier-name",
                             "  "], 2, "Invalid value for '--supplier-name': '  ' is blank"),
    "invoice JSON null": (["invoice", "verify", "@json-null"], 2,
                          "JSON holding null, not an invoice object: expected {\"EInvoice\": ...}"),
    "invoice JSON string": (["invoice", "verify", "@json-string"], 2, "JSON holding a string, not an invoice object"),
    # the gateway's UNAVAILABLE names no step to take
    "ledger command, network down": (["receivable", "get", "R-1", "--data-root", STOPPED], 1,
                                     "; is the network up? `recfin network status --data-root "),
    **{f"checkpoint {kind}": (["events", "--checkpoint", f"@{kind}", "--data-root", STOPPED], 2,
                              "is not a checkpoint file")
       for kind in ("garbage", "json-list", "json-string", "json-huge-number", "json-deep")},
}


def words(args: list[str], world: World) -> tuple[str, ...]:
    return tuple(str(world.stopped_network) if a == STOPPED else str(world.files[a[1:]]) if a.startswith("@") else a
                 for a in args)


def command_of(args: tuple[str, ...]) -> tuple[str, ...]:
    return next(path for path, _ in sorted(ALL, key=lambda item: -len(item[0])) if args[:len(path)] == path)


@pytest.mark.parametrize("case", REFUSALS)
def test_a_crash_found_here_is_now_one_error_line(case, world, monkeypatch):
    # REGISTER's claim is issued on 2026-03-01 and due on 2026-05-31: the commands count today as that issue date
    monkeypatch.setattr(receivable_commands, "business_today", lambda: date(2026, 3, 1))
    args, exit_code, says = REFUSALS[case]
    line = Line(words(args, world), ("the value the case is about",))
    outcome = run(command_of(line.args), line, world)
    problems = outcome.problems(command_of(line.args))
    assert not problems, describe(outcome, problems)
    assert outcome.exit_code == exit_code and says in outcome.stderr.split("\n")[-2], outcome.stderr


@pytest.mark.parametrize("args", [["network", "prepare", "--hostnames"], ["network", "down"],
                                  ["network", "down", "--purge"], ["network", "status"]])
def test_recfin_home_naming_a_file_is_said_so_naming_the_file(args, world):
    """Bug: with RECFIN_HOME a file, `prepare --hostnames` said "<file>: File exists" and `down` "...node.pid: Not a
    directory", naming no setting to change."""
    home = world.files["garbage"]
    outcome = run(tuple(args[:2]), Line(tuple(args), ("RECFIN_HOME",)), world, env={"RECFIN_HOME": str(home)})
    assert not outcome.problems(tuple(args[:2])), describe(outcome, outcome.problems(tuple(args[:2])))
    assert outcome.exit_code == 1 and f"is inside {home}, which is a file: point --data-root, the topology's " \
        "data_root or RECFIN_HOME at a new or empty folder" in outcome.stderr, outcome.stderr


@pytest.mark.parametrize("path, cmd", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_every_path_parameter_refuses_an_empty_path(path, cmd):
    """Every path option and argument is of the shared type that refuses '' naming the option: Path('') is '.', so
    an empty value (an unset shell variable) wrote a model or an org's keys into the current folder."""
    plain = [p.name for p in cmd.params if isinstance(p.type, click.Path) and not isinstance(p.type, PathType)]
    assert not plain, f"recfin {' '.join(path)}: {plain} take click.Path, not cli.options.PathType"


def test_a_file_name_that_is_not_utf8_is_printed_back_as_its_bytes(world):
    """Bug: `network compose --write --output` named in another encoding wrote the file, then failed printing its
    name (UnicodeEncodeError on a UTF-8 terminal)."""
    target = world.root / "cwd" / "caf\udce9.yaml"
    try:
        result = CliRunner().invoke(main, ["network", "compose", "--write", "--output", str(target)])
        assert result.exit_code == 0 and os.fsencode(target) in result.stdout_bytes, result.output
        assert target.read_text().startswith("#") or "services:" in target.read_text()
    finally:
        target.unlink(missing_ok=True)


def test_a_checkpoint_file_holding_something_else_is_refused_naming_it(tmp_path):
    from client.gateway import FileCheckpointer
    for text in ("[1, 2]", '{"blockNumber": -1}', '{"blockNumber": true}', '{"blockNumber": 3, "transactionId": 7}'):
        (tmp_path / "checkpoint").write_text(text)
        with pytest.raises(ValueError, match="is not a checkpoint file"):
            FileCheckpointer(tmp_path / "checkpoint")
    (tmp_path / "checkpoint").write_text('{"blockNumber": 3, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}')
    resumed = FileCheckpointer(tmp_path / "checkpoint")
    assert (resumed.block_number, resumed.transaction_id) == (3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")


# ------------------------------------------------------------------ text that is not UTF-8, refused up front

NOT_UTF8 = "\udcd6\udcd0"   # 中 typed in a GBK terminal, as Python decodes the argument on a UTF-8 host


def takes_text(param: click.Parameter) -> bool:
    """A parameter whose words are text: not a path (a file named in another encoding is opened by its
    bytes), not a program's own arguments, not a flag."""
    return not (isinstance(param.type, click.Path) or param.type is click.UNPROCESSED
                or (isinstance(param, click.Option) and (param.is_flag or param.count)))


def line_giving(path: tuple[str, ...], cmd: click.Command, target: click.Parameter, word: str) -> list[str]:
    """A command line giving ``word`` for ``target``, and good values for the arguments before it."""
    if isinstance(target, click.Option):
        return [*path, target.opts[0], word]
    before = []
    for param in cmd.params:
        if param is target:
            return [*path, *before, word]
        if isinstance(param, click.Argument):
            before.append((good_values(param) or ["R-0123456789abcdef"])[0])
    raise AssertionError(f"{target.name} is no argument of {path}")


TAKING_TEXT = [(path, cmd) for path, cmd in ALL if any(takes_text(param) for param in cmd.params)]


def test_the_commands_taking_text_are_found():
    """Guards the search: with none found, the test below would check nothing."""
    assert {("party", "register"), ("receivable", "reject"), ("finance", "offer")} <= {path for path, _ in TAKING_TEXT}


@pytest.mark.parametrize("path, cmd", TAKING_TEXT, ids=[" ".join(p) for p, _ in TAKING_TEXT])
def test_every_text_parameter_refuses_words_not_utf8_before_the_command_runs(path, cmd, monkeypatch):
    """Bug: `party register --name` in a GBK terminal reached the contract ("Invalid JSON: lone leading
    surrogate"), and `receivable reject --reason` exited 1 with "an argument ... is not valid text", naming no
    option. Every text option and argument is a usage error naming it, and the command itself never runs."""
    ran = []
    monkeypatch.setattr(cmd, "callback", lambda *_, **__: ran.append(True))
    for param in [p for p in cmd.params if takes_text(p)]:
        result = CliRunner().invoke(main, line_giving(path, cmd, param, NOT_UTF8))
        named = param.get_error_hint(click.Context(cmd))
        assert result.exit_code == 2, (param.name, result.output)
        said = f"Error: Invalid value for {named}: '\\xd6\\xd0' is not UTF-8 text"
        assert said in result.stderr, result.stderr
        assert "set the terminal to UTF-8" in result.stderr, result.stderr
        assert not ran, f"recfin {' '.join(path)} ran with {param.name} not UTF-8"


def test_a_file_named_in_another_encoding_is_still_a_file(tmp_path):
    """Paths are no text to refuse: a file named in another encoding is read by its bytes, as before."""
    named = tmp_path / "\u53d1\u7968-\udcd6\udcd0.json"
    named.write_bytes(b"null")
    result = CliRunner().invoke(main, ["invoice", "verify", str(named)])
    assert result.exit_code == 2 and "not an invoice object" in result.stderr, result.stderr
