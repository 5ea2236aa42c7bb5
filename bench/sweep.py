"""`recfin bench --knob NAME=V1,V2,...`: one knob, one benchmark run per value, one table.

Each value is applied the way docs/benchmark.md ("The knobs") says an operator applies it by hand:
- the ordering batch (`batch-timeout`, `batch-size`) with a channel config update, as `recfin network tune` does;
- a peer or chaincode-runtime setting by editing the topology's `tuning:` block and restarting the network
  (`recfin network down`, `recfin network up`), the nodes reading it when they start;
- a client setting (`clients`, `grpc.NAME`) as the option of that run alone.
The setting the network had before is put back at the end, after a failing run or Ctrl-C too. The runs
themselves are `recfin bench`'s (cli/bench_commands.py hands `run_sweep` a function measuring one value).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable

import yaml
from pydantic import TypeAdapter, ValidationError

from network.errors import NetworkError
from network.tuning import ChaincodeRuntimeTuning, OrderingTuning, PeerTuning, duration_seconds

from .choices import CLIENT, GRPC, KNOB_SETTINGS, MAX_CLIENTS, ORDERING, TOPOLOGY, grpc_value


@dataclass(frozen=True)
class Knob:
    """A knob the sweep can turn: its name on the command line, how it is applied, and the setting it is."""

    name: str
    kind: str
    section: str        # the tuning: section (ordering, peer, chaincode_runtime); "" for a client knob
    field: str          # the setting in that section, or the client option

    def parse(self, text: str) -> Any:
        """``text`` as this knob's value, checked as the topology's block (or the command's option) checks it; a
        ValueError naming the knob, the value and the allowed range."""
        if self.kind == CLIENT:
            return _client_value(self, text)
        model = {"ordering": OrderingTuning, "peer": PeerTuning, "chaincode_runtime": ChaincodeRuntimeTuning}
        field = model[self.section].model_fields[self.field]
        raw: Any = text.strip()
        if field.annotation is bool and raw.lower() in ("true", "false"):
            raw = raw.lower() == "true"
        elif field.annotation is int and raw.isascii() and raw.removeprefix("-").isdigit():
            raw = int(raw)
        try:
            return TypeAdapter(Annotated[field.annotation, *field.metadata]).validate_python(raw)
        except ValidationError as exc:
            reason = "; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())
            raise ValueError(f"{self.name}={text}: {reason}") from None

    def same(self, one: Any, other: Any) -> bool:
        """Whether two values are one setting ("1s" and "1000ms" are)."""
        if self.field == "batch_timeout":
            return duration_seconds(str(one)) == duration_seconds(str(other))
        return one == other

    @property
    def setting(self) -> str:
        """Where the value goes, as the docs name it."""
        return f"tuning.{self.section}.{self.field}" if self.section else f"--{self.field}"


def _client_value(knob: Knob, text: str) -> Any:
    if knob.field == "clients":
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_CLIENTS:
            raise ValueError(f"clients={text}: not a number of client processes: allowed 1 to {MAX_CLIENTS}")
        return int(text)
    if not text:        # as --grpc-option refuses it
        raise ValueError(f"{knob.name}= gives no value: a whole number or text, e.g. {knob.name}=30000")
    return grpc_value(knob.name, text)


KNOBS = {settings[0]: Knob(*settings) for settings in KNOB_SETTINGS}


@dataclass(frozen=True)
class Sweep:
    knob: Knob
    values: tuple[Any, ...]


def parse_sweep(text: str) -> Sweep:
    """``NAME=V1,V2,...`` as a Sweep; a ValueError naming what is wrong and what is allowed."""
    name, eq, listed = text.partition("=")
    name = name.strip()
    if name.startswith("grpc.") and name.removeprefix("grpc.").strip():
        knob = Knob(name, CLIENT, "", name)
    elif name in KNOBS:
        knob = KNOBS[name]
    else:
        raise ValueError(f"{name!r} is no knob the sweep turns: give one of {', '.join(KNOBS)} or {GRPC} "
                         "(the endorsement policy is set with `recfin chaincode deploy --signature-policy`, not here)")
    values = [value.strip() for value in listed.split(",")] if eq else []
    if not values or any(not value for value in values):
        raise ValueError(f"{text!r} lists no values: write {name}=V1,V2,..., e.g. batch-timeout=100ms,250ms,500ms")
    parsed = tuple(knob.parse(value) for value in values)
    # one setting spelt twice ("1s" and "1000ms") would be run twice and only one of the two marked the baseline
    twice = next(((a, b) for i, a in enumerate(parsed) for b in parsed[i + 1:] if knob.same(a, b)), None)
    if twice:
        spelt = f": {twice[0]} and {twice[1]} are one setting" if str(twice[0]) != str(twice[1]) else ""
        raise ValueError(f"{text!r} lists a value twice{spelt}; give each value once")
    return Sweep(knob, parsed)


class NetworkSteps:
    """Reads, changes and puts back a network knob on the running network. ``load`` gives the Network (as
    Network.load does, which the tests replace); ``say`` prints a step line."""

    def __init__(self, topology_path: Path | None, data_root: Path | None, say: Callable[[str], None],
                 load: Callable[..., Any] | None = None):
        from network import Network
        from network.topology import DEFAULT_TOPOLOGY

        self.topology_file = Path(topology_path) if topology_path else DEFAULT_TOPOLOGY
        self.data_root = data_root
        self.say = say
        self._load = load or Network.load
        self.original_text: bytes | None = None

    def network(self):
        return self._load(self.topology_file, data_root=self.data_root)

    @property
    def backup(self) -> Path:
        """The topology as it was, kept beside it while the sweep has it edited (what to copy back after a kill)."""
        return self.topology_file.with_name(self.topology_file.name + ".before-sweep")

    def current(self, knob: Knob) -> Any:
        """The knob's setting now: the channel's batch, or the topology file's tuning."""
        if knob.kind == ORDERING:
            from network.batch_tuning import BatchTuner, batch_of

            return getattr(batch_of(BatchTuner(self.network()).fetch_config()), knob.field)
        return getattr(getattr(self.network().topology.tuning, knob.section), knob.field)

    def apply(self, knob: Knob, value: Any) -> None:
        if knob.kind == ORDERING:
            self._tune(knob, value)
        elif knob.kind == TOPOLOGY:
            if self.original_text is None:
                self._keep_original()
            data = yaml.safe_load(self.original_text) or {}
            data.setdefault("tuning", {}).setdefault(knob.section, {})[knob.field] = value
            self.topology_file.write_text(yaml.safe_dump(data, sort_keys=False))
            self._restart(f"{knob.setting} {value}")

    def _keep_original(self) -> None:
        """Keep the topology as it is, in memory and beside it, before the first edit; refused (nothing changed)
        where a sweep killed midway left its copy: the file may still be that sweep's edit, the original only
        in the copy."""
        if self.backup.exists():
            raise NetworkError(f"{self.backup} holds the topology as it was before a sweep that did not finish, "
                               f"and {self.topology_file} may still be edited: copy it over {self.topology_file}, "
                               "run `recfin network down` and `recfin network up`, remove it, then sweep again")
        self.original_text = self.topology_file.read_bytes()
        self.backup.write_bytes(self.original_text)

    def restore(self, knob: Knob, original: Any) -> None:
        """Put the setting back as it was before the sweep (the topology file byte for byte)."""
        if knob.kind == ORDERING:
            self._tune(knob, original)
        elif knob.kind == TOPOLOGY and self.original_text is not None:
            self.topology_file.write_bytes(self.original_text)
            self.original_text = None
            self._restart(f"{knob.setting} {original} as before the sweep")
            self.backup.unlink(missing_ok=True)

    def how_to_restore(self, knob: Knob, original: Any) -> str:
        if knob.kind == ORDERING:
            flag = {"batch_timeout": "--batch-timeout", "max_message_count": "--batch-size"}[knob.field]
            return f"run `recfin network tune {flag} {original}`"
        return (f"copy {self.backup} over {self.topology_file}, then run `recfin network down` and "
                "`recfin network up`")

    def _tune(self, knob: Knob, value: Any) -> None:
        from network.batch_tuning import BatchTuner

        self.say(f"sweep: {knob.setting} {value} on the running channel (as `recfin network tune` does)")
        BatchTuner(self.network()).tune(**{knob.field: value})

    def _restart(self, what: str) -> None:
        self.say(f"sweep: {what} in {self.topology_file}: network down, then up")
        net = self.network()
        net.down()
        net.up()


def run_sweep(sweep: Sweep, steps, measure: Callable[[Any], dict], say: Callable[[str], None],
              before: Any = None) -> dict:
    """Apply each value, measure it (``measure(value)`` gives the run's summary), and put the setting back as
    ``steps`` found it, also when a run fails or is interrupted. ``before``: a client knob's setting without the
    sweep (the command's own option). The result: the knob, its setting before, and a row per value."""
    knob = sweep.knob
    original = steps.current(knob) if knob.kind != CLIENT else before
    baseline = next((v for v in sweep.values if original is not None and knob.same(v, original)), sweep.values[0])
    say(f"sweep: {knob.name} over {', '.join(map(str, sweep.values))} ({knob.setting} is {original} now; "
        f"baseline {baseline})")
    rows = []
    applied = False
    try:
        for value in sweep.values:
            if knob.kind != CLIENT:
                applied = True
                steps.apply(knob, value)
            rows.append(row(value, measure(value), baseline=value == baseline))
    finally:
        if applied:
            say(f"sweep: putting {knob.setting} back to {original}")
            try:
                steps.restore(knob, original)
            except (NetworkError, OSError) as error:
                raise NetworkError(f"{knob.setting} was not put back to {original}, the setting before the "
                                   f"sweep: {error}; {steps.how_to_restore(knob, original)}") from error
    return {"knob": knob.name, "setting": knob.setting, "before": original, "baseline": baseline,
            "restored": applied, "rows": rows}


def row(value: Any, summary: dict, *, baseline: bool) -> dict:
    """One value's figures from its run's summary (one workload): throughput, latency, failures by cause, the
    operations not sent (counted apart from the failures), CPU per transaction by process kind, and the settings
    the run read back from the network."""
    [(workload, entry)] = summary["workloads"].items()
    report = entry["python"]
    return {"value": value, "baseline": baseline, "workload": workload,
            "committed_tps": report["throughput_tps"],
            "latency_s": {p: report["latency_s"].get(p) for p in ("p50", "p95", "p99")},
            "failed": {cause: count for cause, count in report["failed"].items() if count},
            "not_sent": report.get("not_sent", 0),
            "cpu_ms_per_tx": cpu_ms_per_tx_by_kind(report["cpu"]),
            "settings": summary["settings"]}


def cpu_ms_per_tx_by_kind(cpu: dict) -> dict[str, float | None]:
    """Milliseconds of CPU per committed transaction, summed over the processes of each kind (None where one of
    them was not measured, or there is no figure per transaction)."""
    out: dict[str, float | None] = {}
    for entry in cpu.values():
        kind, per = entry["kind"], entry["cpu_s_per_tx"]
        total = out.get(kind, 0.0)
        out[kind] = None if per is None or (kind in out and total is None) else total + per * 1000
    return out


def table_lines(result: dict) -> list[str]:
    """The sweep as a table: one line per value, the baseline marked with *."""
    kinds = sorted({kind for r in result["rows"] for kind in r["cpu_ms_per_tx"]})
    ms = lambda seconds: "-" if seconds is None else f"{seconds * 1000:.1f}"
    head = [result["knob"], "tx/s", "p50 ms", "p95 ms", "p99 ms", "failed",
            *(f"cpu ms/tx {kind}" for kind in kinds)]
    body = [[f"{r['value']}{' *' if r['baseline'] else ''}",
             "-" if r["committed_tps"] is None else f"{r['committed_tps']:.1f}",
             *(ms(r["latency_s"][p]) for p in ("p50", "p95", "p99")),
             " ".join(f"{cause} {n}" for cause, n in [*r["failed"].items(), ("not_sent", r.get("not_sent", 0))]
                      if n) or "0",
             *("-" if r["cpu_ms_per_tx"].get(k) is None else f"{r['cpu_ms_per_tx'][k]:.2f}" for k in kinds)]
            for r in result["rows"]]
    return _columns([head, *body]) + [f"* baseline ({result['setting']} {result['before']} before the sweep"
                                      + (", put back after it)" if result["restored"] else ")")]


def _columns(rows: Iterable[list[str]]) -> list[str]:
    rows = list(rows)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(r, widths)).rstrip() for r in rows]
