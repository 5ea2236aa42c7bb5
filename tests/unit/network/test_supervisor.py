"""The supervisor against real child processes (small Python programs, not Fabric)."""
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from network.errors import NetworkError, NodeTimeoutError
from network.supervisor import ProcessSpec, Supervisor, follow, tail

SLEEPER = "import time\nprint('ready', flush=True)\nwhile True: time.sleep(0.05)\n"
STUBBORN = ("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            "print('ignoring SIGTERM', flush=True)\nwhile True: time.sleep(0.05)\n")


def spec(tmp_path, code, name="node"):
    return ProcessSpec(name, [sys.executable, "-c", code], dict(os.environ), tmp_path / f"{name}.log",
                       tmp_path / f"{name}.pid")


def start_ready(sup, sp):
    """Start SLEEPER and wait for its line: Popen returns when exec has begun, but the kernel fills
    /proc/PID/cmdline a moment later, and until then another Supervisor, judging by the record, sees a process
    mid-exec (not ours)."""
    pid, _ = sup.start(sp)
    sup.wait_until(lambda: "ready" in sp.log.read_text().splitlines(), what="ready", name=sp.name, log=sp.log,
                   timeout=10)
    return pid


@pytest.fixture
def sup():
    s = Supervisor(grace=0.5, poll_interval=0.02)
    started = []
    real_start = s.start

    def start(sp):
        pid, new = real_start(sp)
        started.append(sp.pid_file)
        return pid, new

    s.start = start
    yield s
    for pid_file in started:
        s.stop(pid_file)


def test_start_writes_pid_and_log_in_its_own_group(tmp_path, sup):
    sp = spec(tmp_path, SLEEPER)
    pid, started = sup.start(sp)
    assert started
    assert json.loads(sp.pid_file.read_text())["pid"] == pid
    assert os.getpgid(pid) == pid != os.getpgid(0)
    sup.wait_until(lambda: "ready" in sp.log.read_text(), what="ready", name="node", log=sp.log, timeout=10)
    assert sp.log.read_text().startswith("==== recfin: starting node")
    assert sup.running_pid(sp.pid_file) == pid


def test_starting_a_running_process_leaves_it_alone(tmp_path, sup):
    sp = spec(tmp_path, SLEEPER)
    pid, _ = sup.start(sp)
    again, started = sup.start(sp)
    assert (again, started) == (pid, False)


def test_stop_terminates_and_removes_the_pid_file(tmp_path, sup):
    sp = spec(tmp_path, SLEEPER)
    pid, _ = sup.start(sp)
    assert sup.stop(sp.pid_file) is True
    assert sup.running_pid(sp.pid_file) is None and not sp.pid_file.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert sup.stop(sp.pid_file) is False


def test_stop_kills_what_ignores_sigterm(tmp_path, sup):
    sp = spec(tmp_path, STUBBORN)
    pid, _ = sup.start(sp)
    sup.wait_until(lambda: "ignoring" in sp.log.read_text(), what="ready", name="n", log=sp.log, timeout=10)
    assert sup.stop(sp.pid_file)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_pid_file_naming_another_program_is_not_ours(tmp_path, sup):
    pid_file = tmp_path / "x.pid"
    pid_file.write_text(json.dumps({"pid": os.getpid(), "exe": "/opt/not/this/program"}))
    assert sup.running_pid(pid_file) is None
    assert sup.stop(pid_file) is False          # and nothing was signalled: we are still here
    pid_file.write_text("garbage")
    assert sup.running_pid(pid_file) is None


def test_wait_until_times_out_naming_node_and_log(tmp_path):
    now = [0.0]
    s = Supervisor(clock=lambda: now[0], sleep=lambda dt: now.__setitem__(0, now[0] + dt))
    log = tmp_path / "peer.log"
    log.write_text("starting\nERRO cannot bind 127.0.0.1:7051\n")
    with pytest.raises(NodeTimeoutError) as err:
        s.wait_until(lambda: False, what="healthy /healthz", name="peer0.bank", log=log, timeout=5)
    msg = str(err.value)
    assert "peer0.bank: healthy /healthz not reached within 5s" in msg
    assert str(log) in msg and "cannot bind" in msg
    assert now[0] >= 5


def test_wait_until_fails_fast_when_the_process_died(tmp_path, sup):
    sp = spec(tmp_path, "import sys; print('fatal: bad config', flush=True); sys.exit(3)")
    sup.start(sp)
    with pytest.raises(NodeTimeoutError, match="exited while waiting for healthy.*fatal: bad config"):
        sup.wait_until(lambda: False, what="healthy", name="node", log=sp.log, timeout=30, pid_file=sp.pid_file)


# An orderer that cannot create its Raft WAL, as Fabric 3.1 logs it: flogging's PANI line, then the Go runtime's
# panic message and goroutine dump (GOTRACEBACK=all: every goroutine), which is what the log ends with.
GO_PANIC_LOG = """\
2026-11-30 15:00:00.101 UTC 0001 INFO [localconfig] completeInitialization -> Kafka.Version unset, setting to 0.10.2.0
2026-11-30 15:00:00.150 UTC 0002 INFO [orderer.common.server] Main -> Starting orderer with TLS enabled
2026-11-30 15:00:00.190 UTC 0003 ERRO [orderer.consensus.etcdraft] createOrReadWAL -> Failed to create WAL dir: mkdir /data/etcdraft/wal: permission denied
2026-11-30 15:00:00.191 UTC 0004 PANI [orderer.consensus.etcdraft] HandleChain -> Failed to create WAL: mkdir /data/etcdraft/wal: permission denied
panic: Failed to create WAL: mkdir /data/etcdraft/wal: permission denied

goroutine 1 [running]:
go.uber.org/zap/zapcore.CheckWriteAction.OnWrite(0x2?, 0x2?, {0x0?, 0x0?, 0xc0003a2b40?})
	/root/go/pkg/mod/go.uber.org/zap@v1.27.0/zapcore/entry.go:196 +0x54
go.uber.org/zap/zapcore.(*CheckedEntry).Write(0xc0001e8000, {0x0, 0x0, 0x0})
	/root/go/pkg/mod/go.uber.org/zap@v1.27.0/zapcore/entry.go:262 +0x3ec
github.com/hyperledger/fabric-lib-go/common/flogging.(*FabricLogger).Panicf(...)
	/root/go/pkg/mod/github.com/hyperledger/fabric-lib-go@v1.1.2/common/flogging/zap.go:79
github.com/hyperledger/fabric/orderer/consensus/etcdraft.(*Consenter).HandleChain(0xc000236a00, {0x1f6a8e0, 0xc0004c2000}, 0x0)
	/root/go/pkg/mod/github.com/hyperledger/fabric/orderer/consensus/etcdraft/consenter.go:210 +0x8e
main.main()
	/root/go/pkg/mod/github.com/hyperledger/fabric/cmd/orderer/main.go:15 +0x1d

goroutine 18 [select]:
go.opencensus.io/stats/view.(*worker).start(0xc0001b2000)
	/root/go/pkg/mod/go.opencensus.io@v0.24.0/stats/view/worker.go:292 +0x9f
created by go.opencensus.io/stats/view.init.0 in goroutine 1
	/root/go/pkg/mod/go.opencensus.io@v0.24.0/stats/view/worker.go:34 +0x8d

goroutine 34 [IO wait]:
internal/poll.runtime_pollWait(0x7f5e1c2b0e08, 0x72)
	/usr/local/go/src/runtime/netpoll.go:351 +0x85
...additional frames elided...
"""


def timed_out(log: Path) -> str:
    """The message of a wait on a live process that times out, with ``log`` as its log."""
    now = [0.0]
    s = Supervisor(clock=lambda: now[0], sleep=lambda dt: now.__setitem__(0, now[0] + dt))
    with pytest.raises(NodeTimeoutError) as err:
        s.wait_until(lambda: False, what="healthy /healthz", name="orderer0.orderer", log=log, timeout=5)
    return str(err.value)


def test_a_go_panic_is_reported_by_its_message_not_by_the_last_frame_of_its_dump(tmp_path, sup):
    dump = tmp_path / "dump.txt"
    dump.write_text(GO_PANIC_LOG)
    sp = spec(tmp_path, f"import sys; sys.stdout.write(open({str(dump)!r}).read()); sys.exit(2)", "orderer")
    sup.start(sp)
    with pytest.raises(NodeTimeoutError) as err:
        sup.wait_until(lambda: False, what="healthy", name="orderer", log=sp.log, timeout=30, pid_file=sp.pid_file)
    message = str(err.value)
    assert message.startswith(f"orderer exited while waiting for healthy: see {sp.log} (log: ")
    assert message.endswith("ERRO [orderer.consensus.etcdraft] createOrReadWAL -> Failed to create WAL dir: mkdir "
                            "/data/etcdraft/wal: permission denied | 2026-11-30 15:00:00.191 UTC 0004 PANI "
                            "[orderer.consensus.etcdraft] HandleChain -> Failed to create WAL: mkdir /data/etcdraft/wal: "
                            "permission denied | panic: Failed to create WAL: mkdir /data/etcdraft/wal: permission denied)")
    assert "goroutine" not in message and "+0x" not in message and "frames elided" not in message
    assert "\n" not in message                                  # one line, as every NetworkError


def test_the_cause_is_quoted_before_the_last_lines_when_the_process_kept_logging(tmp_path):
    log = tmp_path / "orderer.log"
    log.write_text("".join([
        "2026-11-30 15:00:00.100 UTC 0001 INFO [orderer.common.server] Main -> Starting orderer\n",
        "\x1b[31m2026-11-30 15:00:00.200 UTC 0002 ERRO\x1b[0m [orderer.consensus.etcdraft] Start -> "
        "Failed to dial orderer1.orderer.recfin.local:7150: connection refused\n",
        *(f"2026-11-30 15:00:{i:02d}.000 UTC {i + 3:04x} INFO [orderer.consensus.etcdraft] Step -> "
          f"waiting for a leader (term {i})\n" for i in range(1, 40)),
    ]))
    message = timed_out(log)
    assert message.endswith(
        "(log: 2026-11-30 15:00:00.200 UTC 0002 ERRO [orderer.consensus.etcdraft] Start -> Failed to dial "
        "orderer1.orderer.recfin.local:7150: connection refused | ... | "
        + " | ".join(f"2026-11-30 15:00:{i:02d}.000 UTC {i + 3:04x} INFO [orderer.consensus.etcdraft] Step -> "
                     f"waiting for a leader (term {i})" for i in (37, 38, 39)) + ")")


def test_a_panic_of_an_earlier_run_in_the_same_log_is_not_quoted(tmp_path):
    log = tmp_path / "orderer.log"
    log.write_text("==== recfin: starting orderer0.orderer at 2026-11-29T10:00:00+00:00: orderer\n" + GO_PANIC_LOG
                   + "==== recfin: starting orderer0.orderer at 2026-11-30T15:00:00+00:00: orderer\n"
                   + "2026-11-30 15:00:01.000 UTC 0001 INFO [orderer.common.server] Main -> Starting orderer\n"
                   + "2026-11-30 15:00:02.000 UTC 0002 WARN [orderer.consensus.etcdraft] Step -> no leader yet\n")
    quoted = timed_out(log).partition(" (log: ")[2]
    assert "panic" not in quoted and "starting orderer0.orderer" not in quoted
    assert quoted == ("2026-11-30 15:00:01.000 UTC 0001 INFO [orderer.common.server] Main -> Starting orderer | "
                      "2026-11-30 15:00:02.000 UTC 0002 WARN [orderer.consensus.etcdraft] Step -> no leader yet)")


def test_a_log_of_nothing_but_a_stack_quotes_its_last_lines(tmp_path):
    log = tmp_path / "x.log"
    log.write_text("main.main()\n\t/src/main.go:15 +0x1d\n")
    assert timed_out(log).endswith("(log: main.main() | /src/main.go:15 +0x1d)")
    (tmp_path / "empty.log").write_text("\n\n")
    assert timed_out(tmp_path / "empty.log").endswith("not reached within 5s: see " + str(tmp_path / "empty.log"))


def test_wait_until_returns_once_the_check_holds():
    calls = []
    Supervisor(sleep=lambda dt: None).wait_until(lambda: calls.append(1) or len(calls) >= 3, what="x", name="n",
                                                 log=None, timeout=10)
    assert len(calls) == 3


def test_tail(tmp_path):
    log = tmp_path / "a.log"
    log.write_text("".join(f"line {i}\n" for i in range(20000)))
    assert tail(log, 3) == ["line 19997", "line 19998", "line 19999"]
    assert tail(log, 0) == []
    assert tail(tmp_path / "absent.log", 5) == []


def test_follow_yields_appended_lines(tmp_path):
    log = tmp_path / "f.log"
    log.write_text("old 1\nold 2\n")
    seen = []

    def sleep(_):
        if not seen or seen[-1] != "appended":
            with open(log, "a") as f:
                f.write("appended\n")

    for line in follow(log, 1, stop=lambda: "appended" in seen, sleep=sleep):
        seen.append(line)
    assert seen == ["old 2", "appended"]


def test_follow_goes_on_in_the_new_log_after_a_restart_moved_the_old_one_aside(tmp_path):
    log = tmp_path / "node.log"
    log.write_text("old line\n")
    seen, naps = [], []

    def sleep(_):
        naps.append(1)                                  # bounded below: a follower stuck on the old file ends
        if not (tmp_path / "node.log.1").exists():      # a restart: the log rotated, the new process writes anew
            with open(log, "a") as f:
                f.write("last of the old process\npanic: cut sh")     # killed mid-line
            log.rename(tmp_path / "node.log.1")
            log.write_text("new process line\n")

    for line in follow(log, 1, stop=lambda: "new process line" in seen or len(naps) > 20, sleep=sleep):
        seen.append(line)
    assert seen == ["old line", "last of the old process", "panic: cut sh", "new process line"]


def test_a_recycled_pid_running_the_same_command_started_later_is_not_ours(tmp_path, sup):
    """Same interpreter, same command line, but another start time: another run, never signalled."""
    sp = spec(tmp_path, SLEEPER)
    pid = start_ready(sup, sp)
    record = json.loads(sp.pid_file.read_text())
    assert record["cmdline"] == sp.argv and record["start_time"]
    other = tmp_path / "other.pid"
    other.write_text(json.dumps({**record, "start_time": str(int(record["start_time"]) - 1)}))
    assert Supervisor().running_pid(other) is None
    assert Supervisor().stop(other) is False
    os.kill(pid, 0)                              # still running: nothing was signalled
    assert Supervisor().running_pid(sp.pid_file) == pid     # another run of recfin finds it by its record


def test_a_pid_running_the_same_program_with_another_command_line_is_not_ours(tmp_path, sup):
    sp = spec(tmp_path, SLEEPER)
    start_ready(sup, sp)
    record = json.loads(sp.pid_file.read_text())
    other = tmp_path / "other.pid"
    other.write_text(json.dumps({**record, "cmdline": [sys.executable, "-m", "chaincode"]}))
    assert Supervisor().running_pid(other) is None


def test_an_oldest_pid_file_naming_only_the_program_ties_no_process_to_itself(tmp_path, sup):
    """Its pid running that program may be another data folder's node, or a process since a reboot: taken as the
    node by its program alone, `down` signalled that process's whole group."""
    sp = spec(tmp_path, SLEEPER)
    pid = start_ready(sup, sp)
    old = tmp_path / "old.pid"
    old.write_text(json.dumps({"pid": pid, "exe": sys.executable, "name": "node"}))
    assert Supervisor().running_pid(old) is None and Supervisor().find(old).unverifiable
    with pytest.raises(NetworkError, match=rf"^node: {old} is an older recfin's record, naming only the program, "
                                           rf"and pid {pid} runs that program; .* not signalled and {old} is kept\. "
                                           rf"Check it with `ps -o pid,lstart,args -p {pid}`: .* then delete {old}"):
        Supervisor(grace=0.1).stop(old)
    assert old.exists() and sup.running_pid(sp.pid_file) == pid         # nothing signalled
    # one whose pid runs another program is a stale record: deleted, nothing signalled
    old.write_text(json.dumps({"pid": pid, "exe": "/opt/fabric/bin/peer", "name": "node"}))
    assert not Supervisor().find(old).unverifiable
    assert Supervisor(grace=0.1).stop(old) is False and not old.exists() and sup.running_pid(sp.pid_file) == pid


def test_a_kernel_thread_is_never_ours(tmp_path):
    """Its cmdline is empty, as a process's mid-exec is: taken as ours, `up` never started the node."""
    kthreads = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and p.name != "1"
                and (p / "cmdline").exists() and _readable_empty_cmdline(p)]
    if not kthreads:
        pytest.skip("no kernel thread visible in /proc")
    pid_file = tmp_path / "peer.pid"
    for record in ({"pid": kthreads[0], "exe": "/opt/fabric/bin/peer"},
                   {"pid": kthreads[0], "exe": "/opt/fabric/bin/peer", "start_time": "1", "cmdline": ["peer"]}):
        pid_file.write_text(json.dumps(record))
        assert Supervisor().running_pid(pid_file) is None
        assert Supervisor(grace=0).stop(pid_file) is False


def _readable_empty_cmdline(proc):
    try:
        return proc.joinpath("cmdline").read_bytes() == b"" and proc.joinpath("stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def member_pid(sp) -> int:
    """The pid of the member a leader started, as the leader printed it ("member-pid PID")."""
    return int(next(line for line in sp.log.read_text().splitlines() if line.startswith("member-pid ")).split()[1])


def kill_group(pgid: int) -> None:
    """Whatever of the group a failed test left running."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def leader_of(member: str, *, stays: bool = True) -> str:
    """A program that starts member in its own group, prints its pid (member_pid), then runs on, or exits."""
    return ("import subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-c', " + repr(member) + "], stdout=sys.stdout)\n"
            "print('member-pid', child.pid, flush=True)\n" + ("while True: time.sleep(0.05)\n" if stays else ""))


GROUP = leader_of(STUBBORN)


def test_stop_kills_a_group_member_that_outlives_sigterm(tmp_path, sup):
    sp = spec(tmp_path, GROUP)
    pid, _ = sup.start(sp)
    sup.wait_until(lambda: "ignoring SIGTERM" in sp.log.read_text().splitlines(), what="member ready", name="n",
                   log=sp.log, timeout=10)
    child = member_pid(sp)
    try:
        assert sup.stop(sp.pid_file)
        state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0] \
            if Path(f"/proc/{child}").exists() else "gone"
        assert state in ("gone", "Z")
    finally:
        kill_group(pid)


def test_wait_until_fails_when_the_process_died_though_the_check_passed(tmp_path, sup):
    """Another program answering on the node's port passes the check: the node itself has exited."""
    sp = spec(tmp_path, "import sys; print('FATA bind: address already in use', flush=True); sys.exit(1)")
    pid, _ = sup.start(sp)

    def answered_by_another_program():
        sup._children[pid].wait()           # the node is gone by the time the answer comes
        return True

    with pytest.raises(NodeTimeoutError, match=r"node exited while waiting for healthy.*address already in use"):
        sup.wait_until(answered_by_another_program, what="healthy", name="node", log=sp.log, timeout=30,
                       pid_file=sp.pid_file)


def test_a_log_past_the_limit_is_moved_aside_at_start(tmp_path):
    s = Supervisor(grace=0.5, poll_interval=0.02, log_limit=1000)
    sp = spec(tmp_path, SLEEPER)
    sp.log.write_text("old run\n" * 200)
    s.start(sp)
    try:
        assert sp.log.with_name("node.log.1").read_text() == "old run\n" * 200
        assert sp.log.read_text().startswith("==== recfin: starting node")
    finally:
        s.stop(sp.pid_file)
    s.start(sp)          # small: appended to
    try:
        assert sp.log.read_text().count("==== recfin: starting node") == 2
    finally:
        s.stop(sp.pid_file)


# A stand-in for a long-running node: a long first line, then a numbered line every few milliseconds.
WRITER = ("import time\nprint('x' * 2000, flush=True)\ni = 0\n"
          "while True:\n    i += 1\n    print('tick', i, flush=True)\n    time.sleep(0.005)\n")


def ticks(text):
    """The numbers of the tick lines written whole: a copy of a log being written may end mid-line ("tick ", or
    "tick 12" of "tick 123"), so the piece after the last newline is left out."""
    return [int(line.split()[1]) for line in text.split("\n")[:-1] if line.startswith("tick ")]


def past_the_long_line(sp, limit=1000):
    """Whether the log's last limit bytes are all tick lines: its long first line far enough behind."""
    return sp.log.stat().st_size > 2200 + 2 * limit


def assert_copied_aside_and_emptied(sup, sp):
    """The log's last part (its last limit bytes, from a line's start: tick lines, its long first line left out) was
    copied to .1 and the log emptied in place; the process, writing on, goes on at its start: no hole of NUL bytes
    where the old content was, its lines numbered on from .1's."""
    aside = sp.log.with_name(sp.log.name + ".1").read_text()
    assert aside.startswith("tick ") and "x" * 100 not in aside and f"==== recfin: starting {sp.name}" not in aside
    sup.wait_until(lambda: ticks(sp.log.read_text()), what="a line in the emptied log", name=sp.name, log=sp.log,
                   timeout=10)
    now = sp.log.read_bytes()
    assert b"\0" not in now and b"x" * 2000 not in now
    assert ticks(now.decode())[0] > ticks(aside)[-1]


def test_a_running_process_s_log_past_the_limit_is_copied_aside_and_emptied_when_started_again(tmp_path):
    """`up` leaves a running node alone, and its log was rotated only at a start: a node running for months filled
    the disk."""
    s = Supervisor(grace=0.5, poll_interval=0.02, log_limit=1000)
    sp = spec(tmp_path, WRITER)
    pid, _ = s.start(sp)
    try:
        s.wait_until(lambda: past_the_long_line(sp), what="its first lines", name=sp.name, log=sp.log, timeout=10)
        assert s.start(sp) == (pid, False)          # still running, left alone: its log bounded
        assert_copied_aside_and_emptied(s, sp)
    finally:
        s.stop(sp.pid_file)


def test_a_running_process_s_log_within_the_limit_is_left_as_it_is(tmp_path, sup):
    sp = spec(tmp_path, SLEEPER)
    start_ready(sup, sp)
    before = sp.log.read_text()
    sup.start(sp)
    assert sp.log.read_text() == before and not sp.log.with_name("node.log.1").exists()


def test_status_bounds_the_log_of_each_running_node(topology, tmp_path, fake_fabric):
    from network import nodeconfig
    from network.control import Network
    from network.fabric_bin import FabricInstall
    s = Supervisor(grace=0.5, poll_interval=0.02, log_limit=1000)
    dirs = nodeconfig.node_dirs(tmp_path, "peer0.bank")
    sp = ProcessSpec("peer0.bank", [sys.executable, "-c", WRITER], dict(os.environ), dirs.log, dirs.pid)
    s.start(sp)
    try:
        s.wait_until(lambda: past_the_long_line(sp), what="its first lines", name=sp.name, log=sp.log, timeout=10)
        Network(topology, data_root=tmp_path, fabric=FabricInstall.locate(), supervisor_=s).status()
        assert_copied_aside_and_emptied(s, sp)
    finally:
        s.stop(sp.pid_file)


def test_follow_reads_a_log_emptied_in_place_from_its_start(tmp_path):
    log = tmp_path / "node.log"
    log.write_text("a line before\n" * 5)
    seen, naps = [], []

    def sleep(_):
        naps.append(1)                          # bounded below: a follower left past the end of the log ends
        if len(naps) == 1:                      # copied aside and emptied while it runs; it writes on
            os.truncate(log, 0)
            with open(log, "a") as f:
                f.write("after\n")

    for line in follow(log, 1, stop=lambda: "after" in seen or len(naps) > 20, sleep=sleep):
        seen.append(line)
    assert seen == ["a line before", "after"]


def test_follow_keeps_a_line_the_emptying_cut_short_apart_from_the_next(tmp_path):
    log = tmp_path / "node.log"
    log.write_text("a line before\n")
    seen, naps = [], []

    def sleep(_):
        naps.append(1)
        if len(naps) == 1:                      # the process writes half a line
            with open(log, "a") as f:
                f.write("partial")
        elif len(naps) == 2:                    # the log is copied aside and emptied; it writes on
            os.truncate(log, 0)
            with open(log, "a") as f:
                f.write("after\n")

    for line in follow(log, 1, stop=lambda: "after" in seen or len(naps) > 20, sleep=sleep):
        seen.append(line)
    assert seen == ["a line before", "partial", "after"]


def test_a_wait_names_what_its_check_found_last_when_it_times_out(tmp_path):
    looks = []

    def check():
        looks.append(f"nothing at 127.0.0.1:{7050 + len(looks)}")
        return False
    with pytest.raises(NodeTimeoutError) as err:
        Supervisor(sleep=lambda dt: None, clock=iter(range(100)).__next__).wait_until(
            check, what="listening", name="orderer0", log=tmp_path / "none.log", timeout=3,
            last_look=lambda: looks[-1])
    assert str(err.value).startswith(f"orderer0: listening not reached within 3s ({looks[-1]}): see ")
    assert len(looks) > 1
