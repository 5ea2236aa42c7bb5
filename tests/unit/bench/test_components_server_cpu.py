"""`python -m bench.components`: how finely it reads the chaincode server's CPU (a resolution, never a time)."""
from bench import cpu
from bench.loopback_peer import ServerProcess


def test_the_chaincode_server_reports_its_own_cpu_finer_than_a_clock_tick():
    """/proc/<pid>/stat counts 10 ms ticks, more than a transaction takes: `--iterations 3` of a 4 ms
    registration read as 0.0 ms/tx. The server reads its own CPU to the nanosecond: two readings in a row
    differ by what answering one costs, a fraction of a tick, and agree with the kernel's ticks."""
    tick = 1 / cpu.CLOCK_TICKS
    server = ServerProcess()
    try:
        before = server.cpu_seconds()
        in_ticks = cpu.cpu_seconds(server.pid)
        after = server.cpu_seconds()
    finally:
        server.close()
    assert 0 < after - before < tick
    # the server's process, not this one: the ticks /proc counted lie within two ticks (utime and stime are
    # each rounded down) of the readings around them
    assert before - 2 * tick - 1e-9 <= in_ticks <= after + 1e-9
