"""The names `recfin bench` offers on its command line: the driver's modes and highest rate, the workloads and the
knobs a sweep turns. They live here, in a module that imports nothing, so that defining the command (its --help,
the completion of its options) loads none of the SDK, gRPC or pydantic that running a workload needs; the driver,
the workloads and the sweep take them from here."""
from __future__ import annotations

RATE = "rate"
CONCURRENCY = "concurrency"
MODES = (RATE, CONCURRENCY)
MAX_RATE = 100_000
"""The highest fixed rate, operations per second: far above what one Fabric channel commits (thousands a
second), and the pools are prepared at the rate (``workloads.pool_size_for``: rate x seconds), so a rate much
above it would spend the run preparing; due times, in nanoseconds, would also all round to 0 near 1e9/s."""
TIMELINE_RESOLUTION_S = 1e-9
"""The report's timeline bins start and end on whole nanoseconds, as the driver's due times do
(``report.bin_starts``): the shortest measured window, since a shorter one rounds to no time at all (`recfin bench
--duration` refuses one)."""
MAX_CONCURRENCY = 10_000
"""The most operations in flight in concurrency mode: as many as rate mode's default cap (--max-in-flight), twenty
times the peer Gateway's default concurrency limit (500). The driver starts one worker per operation in flight,
and a figure far past it (1e23 was taken) held the run in making workers it could never run."""
MAX_CLIENTS = 256
"""The most client processes a run starts: one per hardware thread of a two-socket 64-core server, four per core of
a 64-core one (a client process spends part of its time waiting for commits, so more than one per core can still
add load). This process keeps two file descriptors per client process, 512 within the 1,024 a common default soft
limit (ulimit -n) allows, and each is a Python interpreter of about 70 MiB before its pool. A figure far past it
(--clients and --max-in-flight of 1e23 were taken) would have started processes until the machine ran out of
memory; 64, the bound before, refused a 32-core machine its 128."""
GRPC_INT_RANGE = (-2 ** 31, 2 ** 31 - 1)
"""The whole numbers a gRPC channel option takes (a C int): gRPC raises OverflowError for one outside it only when
the channel is made, after the pools were prepared."""


def grpc_value(name: str, text: str) -> int | str:
    """A gRPC channel option's value as written on the command line: a whole number for an integer option such as
    grpc.keepalive_time_ms, anything else (a name, "--5", "²") as text, as written. ValueError, naming ``name``, for
    a whole number outside GRPC_INT_RANGE."""
    try:
        number = int(text)
    except ValueError:
        return text
    low, high = GRPC_INT_RANGE
    if not low <= number <= high:
        raise ValueError(f"{name}={text}: gRPC takes a whole number from {low} to {high} for an option")
    return number

REGISTER = "register"
CONFIRM = "confirm"
TRANSFER = "transfer"
MIXED = "mixed"
HOTKEY = "hotkey"
WORKLOAD_NAMES = (REGISTER, CONFIRM, TRANSFER, MIXED, HOTKEY)
"""Every workload (``workloads.WORKLOADS``), in the order `--workload all` runs them."""

ORDERING = "ordering"       # a channel config update on the running channel
TOPOLOGY = "topology"       # the topology's tuning: block, then network down and up
CLIENT = "client"           # an option of the run

KNOB_SETTINGS = (
    # name on the command line, how it is applied, the tuning: section ("" for a client knob), the setting in it
    ("batch-timeout", ORDERING, "ordering", "batch_timeout"),
    ("batch-size", ORDERING, "ordering", "max_message_count"),
    ("gateway-concurrency", TOPOLOGY, "peer", "gateway_concurrency"),
    ("endorser-concurrency", TOPOLOGY, "peer", "endorser_concurrency"),
    ("deliver-concurrency", TOPOLOGY, "peer", "deliver_concurrency"),
    ("write-batch", TOPOLOGY, "chaincode_runtime", "use_write_batch"),
    ("write-batch-size", TOPOLOGY, "chaincode_runtime", "max_size_write_batch"),
    ("multi-key-reads", TOPOLOGY, "chaincode_runtime", "use_get_multiple_keys"),
    ("multi-key-reads-size", TOPOLOGY, "chaincode_runtime", "max_size_get_multiple_keys"),
    ("clients", CLIENT, "", "clients"),
)
"""The knobs a sweep turns (``sweep.KNOBS``), as docs/benchmark.md "The knobs" lists them."""
KNOB_NAMES = tuple(name for name, *_ in KNOB_SETTINGS)
GRPC = "grpc.NAME"      # any gRPC channel option of the client's connections, as --grpc-option names it
