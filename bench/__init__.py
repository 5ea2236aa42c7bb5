"""`recfin bench`: load workloads on the receivables SDK, a fixed-rate and fixed-concurrency driver,
and reports (outcomes by cause, throughput, latency percentiles, CPU per committed transaction).

- ``workloads``: register, confirm, transfer and the mixed business flow, as endless operations, and ``hotkey``
  (many clients on one receivable family);
- ``exactly_once``: the hotkey workload's check that every acknowledged transfer is on the ledger once;
- ``choices``: the modes, workloads and knobs `recfin bench` offers, in a module that loads nothing else;
- ``driver``: open loop (latency from the scheduled time) and closed loop, warm-up then a measured window;
- ``outcomes``: each operation's cause (committed, MVCC conflict, endorsement, timeout...) from the SDK's errors;
- ``stats``, ``cpu``, ``report``, ``plot``: percentiles, /proc CPU seconds, the JSON report, the PNG;
- ``runner``: one run, in this process or across client processes;
- ``node_compare``: the same workload through the official Node Gateway client (``bench/node``);
- ``ledger_check``: after a fault, every acknowledged tx on every peer, the state replayed from blocks, each valid
  tx's endorsements against its policies, and the peers compared with each other.
- ``sdk_roundtrip``: ``python -m bench.sdk_roundtrip``, the Gateway SDK's round trip on the feature contract
  (sequential and concurrent submits from one process) and the demo's time.
- ``components``: ``python -m bench.components``, CPU and peer round trips per transaction of the chaincode
  server, and the client's own CPU, without a network; on ``loopback_peer`` (a real chaincode server in its
  own process, with this process as its peer), ``cast`` (who acts, with what arguments), ``prepared_gateway``
  (a stand-in Gateway's prepared replies) and ``profiling`` (top functions, the machine);
- ``client_cpu``: ``python -m bench.client_cpu``, client CPU per transaction of ours and of the Node client
  against a stand-in Gateway (no Fabric).
- ``signing``: ``python -m bench.signing``, what one signature costs with a keystore key and with the same key in
  a PKCS#11 token (SoftHSM2 by default).

See docs/benchmark.md.
"""
