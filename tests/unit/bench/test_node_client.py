"""The Node comparison script: it parses, loads the pinned packages, and says plainly when no peer answers."""
import asyncio
import datetime
import json
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bench.node_compare import NODE_DIR, SCRIPT, plan_config

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node not found on PATH")
# the tests that run the pinned packages: skipped without Node.js, failed where bench/node has no node_modules
needs_packages = pytest.mark.usefixtures("official_node_client")


def test_the_script_parses():
    subprocess.run([NODE, "--check", str(SCRIPT)], check=True)


def test_the_package_pins_the_official_gateway_client():
    package = json.loads((NODE_DIR / "package.json").read_text())
    assert package["dependencies"]["@hyperledger/fabric-gateway"][0].isdigit()   # an exact version
    assert "@grpc/grpc-js" in package["dependencies"]
    lock = json.loads((NODE_DIR / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@hyperledger/fabric-gateway"]["version"] == \
        package["dependencies"]["@hyperledger/fabric-gateway"]


def an_identity(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench-check")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return {"address": "127.0.0.1:1", "host_name_override": "peer0.supplier.recfin.local",
            "tls_root_cert": str(folder / "cert.pem"), "msp_id": "SupplierMSP",
            "cert": str(folder / "cert.pem"), "key": str(folder / "key.pem")}


@needs_packages
def test_with_no_peer_listening_it_exits_with_one_line_saying_how_to_start_the_network(tmp_path):
    actor = an_identity(tmp_path)
    config = {"workload": "register", "pool_size": 0, "channel": "receivables", "chaincode": "receivables",
              "contract": "receivables", "plan": {"mode": "rate", "rate": 1, "warmup": 0, "duration": 1,
                                                  "max_in_flight": 10},
              "actors": {"supplier": actor, "debtor": actor}, "codes": {}, "registration": {}, "face_amount_fen": 0}
    (tmp_path / "config.json").write_text(json.dumps(config))
    done = subprocess.run([NODE, str(SCRIPT), str(tmp_path / "config.json")], cwd=NODE_DIR, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "127.0.0.1:1" in lines[0] and "recfin network up" in lines[0]


# ---------------------------------------------------------------- outcomes as the Python driver counts them


def drive_in_node(tmp_path, plan, operations: str) -> list:
    """The script's own drive() over ``operations`` (a JS generator body with `workload`, a Workload whose
    actors talk to 127.0.0.1:1, where no peer listens), under ``plan`` as bench/node_compare.py writes it;
    the samples' causes."""
    from bench.node_compare import plan_config

    from .test_cross_org_waits import run_node

    actor = an_identity(tmp_path)
    config = {"channel": "receivables", "chaincode": "receivables", "contract": "receivables",
              "actors": {"supplier": actor, "debtor": actor}, "wait_for_block_s": 5}
    (tmp_path / "config.json").write_text(json.dumps({"config": config, "plan": plan_config(plan)}))
    output = run_node(f"""
        const given = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'));
        (async () => {{
            const opened = await workload.openActor(given.config.actors.debtor, given.config);
            try {{
                const chosen = new workload.Workload(opened.actor, opened.actor, given.config);
                const ops = {{ *operations() {{ {operations} }} }};
                const result = await workload.drive(ops, given.plan);
                console.log(JSON.stringify(result.samples.map((s) => [s[0], s[4]])));
            }} finally {{
                opened.close();
            }}
        }})();
    """, str(tmp_path / "config.json"))
    return output


@needs_packages
def test_a_query_that_reaches_no_peer_counts_as_not_sent_as_in_python(tmp_path):
    from bench.driver import Plan
    from bench.outcomes import NOT_SENT

    plan = Plan("rate", rate=1, warmup=0, duration=1, call_timeout=30)
    # the package rejects the evaluate with a GatewayError (UNAVAILABLE, grpc-js's "No connection established"): no
    # peer listens, so nothing was sent, as the Python SDK's EvaluateError says with ``sent`` False
    assert drive_in_node(tmp_path, plan, "yield chosen.query('R-1');") == [["query", NOT_SENT]]


@needs_packages
def test_a_call_with_no_answer_within_the_plans_call_timeout_counts_as_a_timeout(tmp_path):
    from bench.driver import Plan
    from bench.outcomes import ANSWERED, TIMEOUT

    plan = Plan("concurrency", concurrency=2, warmup=0, duration=0.5, call_timeout=0.2)
    # one call never answers, the other answers at once; each worker sends one and the generator ends
    samples = drive_in_node(tmp_path, plan, "yield ['register', () => new Promise(() => {})]; "
                                            "yield ['query', async () => null];")
    assert sorted(samples) == [["query", ANSWERED], ["register", TIMEOUT]]


@needs_packages
def test_an_answer_without_a_tx_id_counts_as_answered_and_one_with_a_tx_id_as_committed_as_in_python():
    from bench.driver import CONCURRENCY, Operation, Plan, drive
    from bench.outcomes import ANSWERED, COMMITTED

    from .test_cross_org_waits import run_node

    async def query():
        return None

    async def register():
        return "tx-1"

    # A window far longer than two calls take, even on a loaded host (each run lasts it out): a 0.01 s window let
    # a busy host close it after the first call.
    plan = Plan(CONCURRENCY, concurrency=1, warmup=0, duration=1.0, call_timeout=None)
    python = asyncio.run(drive(iter([Operation("query", query), Operation("register", register)]), plan)).samples
    node = run_node("""
        (async () => {
            const ops = { *operations() { yield ['query', async () => null]; yield ['register', async () => 'tx-1']; } };
            const run = await workload.drive(ops, JSON.parse(process.argv[1]));
            console.log(JSON.stringify(run.samples.map((s) => [s[0], s[4], s[5]])));
        })();
    """, json.dumps(plan_config(plan)))
    assert [[s.kind, s.cause, s.tx_id] for s in python] == node == [["query", ANSWERED, None],
                                                                    ["register", COMMITTED, "tx-1"]]


def on_a_virtual_clock(fires_at: str, plan: dict, report: str):
    """What the Node script's drive() reports (``report``: a JavaScript expression over its ``run``) of the rate
    ``plan``, each operation answering at once, on a virtual clock whose time moves only when every task waits
    on a timer: after a run of turns with nothing left to do, to the earliest timer set. A timer set at ``t``
    for ``seconds`` fires at the JavaScript expression ``fires_at``."""
    from .test_cross_org_waits import run_node

    return run_node("""
        let t = 0;
        const timers = [];
        const clock = {
            now: () => t,
            sleep: (seconds) => new Promise((resolve) => timers.push({ at: %s, resolve })),
        };
        const turn = () => new Promise(setImmediate);
        let finished = false;
        (async () => {
            while (!finished) {
                for (let i = 0; i < 100; i += 1) await turn();
                if (!timers.length) continue;
                timers.sort((a, b) => a.at - b.at);
                const wake = timers[0].at;
                t = wake;
                while (timers.length && timers[0].at === wake) timers.shift().resolve();
            }
        })();
        (async () => {
            const ops = { *operations() { for (let n = 0; ; n += 1) yield ['register', async () => `tx-${n}`]; } };
            const run = await workload.drive(ops, JSON.parse(process.argv[1]), clock);
            finished = true;
            console.log(JSON.stringify(%s));
        })();
    """ % (fires_at, report), json.dumps({"mode": "rate", "warmup": 0, "call_timeout": None, **plan}))


@needs_packages
def test_a_loop_behind_its_schedule_sends_at_once_instead_of_waiting_on_a_timer():
    """The open loop on a virtual clock whose timers, as Node's, fire no sooner than 1 ms after they are set:
    at 5,000/s (one due every 0.2 ms) every operation is sent within 1 ms of its due time, and so many are
    sent per virtual second as are due. A loop that sets a timer for every send, late or not, would lose
    at least 1 ms a send, and fall seconds behind."""
    lags = on_a_virtual_clock("t + Math.max(seconds, 0.001)",
                              {"rate": 5000, "duration": 0.5, "max_in_flight": 10000},
                              "run.samples.map((s) => s[2] - s[1])")
    assert len(lags) == 2500
    assert max(lags) <= 0.001 + 1e-9


@needs_packages
def test_a_timer_that_fires_before_the_due_time_does_not_send_early():
    """Node's timers may fire up to a millisecond before the time asked for (libuv reads its clock once a turn, in
    whole milliseconds): a send then would be timed from the later due time, a latency shorter than the call.
    On a virtual clock whose timers (of 1 ms at least, as Node's) fire 0.8 ms early, no operation is sent before
    it is due."""
    early = on_a_virtual_clock("t + Math.max(seconds, 0.001) - 0.0008",
                               {"rate": 50, "duration": 1, "max_in_flight": 100},
                               "run.samples.filter((s) => s[2] < s[1]).length")
    assert early == 0


@needs_packages
def test_both_drivers_send_and_measure_as_many_operations_for_the_same_rate_plan():
    """The open loop's schedule (operation i due at i / rate) in both scripts: for rates where i * (1 / rate)
    would round a due time below the window's end, both still send, and measure, the same number."""
    from bench.driver import RATE, Plan, drive
    from bench.node_compare import plan_config

    from .fakeclock import FakeClock, run_with
    from .test_cross_org_waits import run_node
    from .test_driver import taking

    plans = [Plan(RATE, rate=49, warmup=0, duration=1, call_timeout=None),
             Plan(RATE, rate=98, warmup=0.5, duration=0.5, call_timeout=None),
             Plan(RATE, rate=103, warmup=0.5, duration=0.5, call_timeout=None)]
    python = []
    for plan in plans:
        clock = FakeClock()
        run = run_with(clock, drive(taking(clock, 0.001), plan, clock=clock))
        python.append([len(run.samples), len(run.measured())])
    node = run_node("""
        (async () => {
            const counts = [];
            for (const plan of JSON.parse(process.argv[1])) {
                const ops = { *operations() { for (let n = 0; ; n += 1) yield ['op', async () => `tx-${n}`]; } };
                const run = await workload.drive(ops, plan);
                counts.push([run.samples.length, run.samples.filter((s) => s[7]).length]);
            }
            console.log(JSON.stringify(counts));
        })();
    """, json.dumps([plan_config(plan) for plan in plans]))
    assert python == node == [[49, 49], [98, 49], [103, 51]]


@needs_packages
@pytest.mark.parametrize("plan", [{"mode": "concurrency", "concurrency": 2, "max_in_flight": 10000},
                                  {"mode": "rate", "rate": 20, "max_in_flight": 2}],
                         ids=["closed loop", "open loop"])
def test_calls_past_their_deadline_still_count_against_the_concurrency_and_max_in_flight(plan):
    """The package's calls cannot be cancelled: one past the plan's call_timeout counts as a `timeout`, but it
    runs on until its own end, and until then keeps its worker (closed loop) or slot (open loop), so no more
    calls are in flight than the plan allows, as in the Python driver, whose wait_for cancels the call. Each
    stand-in call answers long after the deadline; the stand-ins count how many run at once."""
    from .test_cross_org_waits import run_node

    result = run_node("""
        let running = 0, most = 0;
        const ops = { *operations() { for (let n = 0; ; n += 1) yield ['register', async () => {
            running += 1; most = Math.max(most, running);
            await new Promise((resolve) => setTimeout(resolve, 300));
            running -= 1;
            return `tx-${n}`;
        }]; } };
        (async () => {
            const run = await workload.drive(ops, JSON.parse(process.argv[1]));
            console.log(JSON.stringify({ most, causes: [...new Set(run.samples.map((s) => s[4]))] }));
        })();
    """, json.dumps({"rate": None, "concurrency": None, "warmup": 0, "duration": 0.5, "call_timeout": 0.02,
                     **plan}))
    assert result == {"most": 2, "causes": ["timeout"]}
