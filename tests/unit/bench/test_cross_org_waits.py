"""Both clients wait for the other org's block the same way: recfin's SDK (bench/workloads.py) and the
official Node client (bench/node/workload.js).

Before an org builds on a receivable the other org changed, its client waits until its own peer has
the block that change went into, unless its own commits are already past it. Against the stand-in
Gateway of `python -m bench.client_cpu` (one peer: a block per commit status, a filtered Deliver as a
peer answers it; client CPU only, no Fabric involved), its journal shows each client's calls in order.
"""
import asyncio
import json
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from bench.loopback_peer import CHAINCODE, CHANNEL
from bench.node_compare import NODE_DIR, SCRIPT
from bench.workloads import ConfirmWorkload, Parties, TransferWorkload
from client.business_dates import business_today
from client.gateway import BlockWaitTimeoutError, GatewayError, Identity, connect, connect_async, private_key_signer
from client.receivables import CONTRACT_NAME, AsyncReceivablesClient

from .test_workloads import two_orgs

NODE = shutil.which("node")
needs_node = pytest.mark.usefixtures("official_node_client")   # skipped only where node is absent
WORKLOADS = {"confirm": ConfirmWorkload, "transfer": TransferWorkload}


def run_node(program: str, *arguments: str) -> object:
    """A Node program that requires bench/node/workload.js (as ``workload``) and prints one JSON value."""
    prelude = f"const workload = require({json.dumps(str(SCRIPT))});\n"
    done = subprocess.run([NODE, "-e", prelude + program, "--", *arguments], cwd=NODE_DIR, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def connect_as(gateway, user, connector=connect_async):
    """recfin's SDK connected to the stand-in as ``user`` (async unless ``connector`` is ``connect``)."""
    return connector(gateway.address, identity=Identity.from_pem(user.msp_id, user.certificate.public_bytes(
        serialization.Encoding.PEM)), signer=private_key_signer(user.private_key),
        tls_root_certificates=(gateway.folder / "ca.crt").read_bytes())


def waits_and_endorsements(journal):
    """What must match between the clients: each endorsement (function, org, the endorsing orgs the request
    named) and each wait (org, where its stream started, blocks received, how it ended), in order."""
    out = []
    for entry in journal:
        if entry["call"] == "endorse":
            out.append(("endorse", entry["function"].split(":")[-1], entry["msp"],
                        tuple(entry["endorsing_organizations"])))
        elif entry["call"] == "deliver_filtered":
            out.append(("wait", entry["msp"], entry["start"], len(entry["blocks"]), entry["ended"]))
    return out


def journal_of(gateway, run):
    start = len(gateway.journal())
    run()
    return gateway.journal()[start:]


# ---------------------------------------------------------------- the bookkeeping, without a network


@needs_node
def test_the_node_script_keeps_the_same_books_as_the_python_workload():
    p, supplier, debtor = two_orgs()
    python = TransferWorkload(p)

    async def python_run():
        for _ in range(2):
            await python.register().call()
        for receivable_id in ("R-1", "R-2"):
            await python.confirm(receivable_id).call()
        for receivable_id in ("R-1", "R-2"):
            await python.transfer(receivable_id).call()
    asyncio.run(python_run())

    node = run_node("""
        // Two orgs committing into one chain of blocks, each through its own peer, as test_workloads.two_orgs.
        let block = 0n, ids = 0;
        const calls = { supplier: [], debtor: [] };
        const named = {};
        const actor = (name) => ({
            latestBlock: undefined,
            async submit(fn, args, endorsingOrganizations) {
                calls[name].push([fn, fn === 'RegisterReceivable' ? '' : args[0]]);
                named[`${fn} ${args[0]}`] = endorsingOrganizations || null;
                this.latestBlock = ++block;
                return { id: fn === 'RegisterReceivable' ? `R-${++ids}` : args[0], last: { tx_id: `tx-${block}` } };
            },
            async waitForBlock(n) { calls[name].push(['wait', Number(n)]); return Number(n); },
        });
        const config = { registration: { invoices: [{ number: '26112900000000000001' }] }, codes: { transferee: 'T' },
            face_amount_fen: 113000, actors: { supplier: { msp_id: 'SupplierMSP' }, debtor: { msp_id: 'CoreEnterpriseMSP' } } };
        const w = new workload.Workload(actor('supplier'), actor('debtor'), config);
        (async () => {
            for (let i = 0; i < 2; i += 1) await w.register()[1]();
            for (const id of ['R-1', 'R-2']) await w.confirm(id)[1]();
            for (const id of ['R-1', 'R-2']) await w.transfer(id)[1]();
            console.log(JSON.stringify({ calls, named }));
        })();
    """)
    node, node_named = node["calls"], node["named"]
    # a confirm names the debtor's and the holder's orgs, as the Python workload's does; nothing else names any
    assert {key: orgs for key, orgs in node_named.items() if orgs} == {
        f"ConfirmReceivable {r}": ["CoreEnterpriseMSP", "SupplierMSP"] for r in ("R-1", "R-2")}
    assert debtor.named == {r: ["CoreEnterpriseMSP", "SupplierMSP"] for r in ("R-1", "R-2")}
    kinds = {"RegisterReceivable": "register", "ConfirmReceivable": "confirm", "TransferReceivable": "transfer"}
    python_calls = {name: [[c[0], "" if c[0] == "register" else c[1]] for c in client.calls]
                    for name, client in (("supplier", supplier), ("debtor", debtor))}
    node_calls = {name: [[kinds.get(c[0], c[0]), c[1]] for c in calls] for name, calls in node.items()}
    assert node_calls == python_calls
    # the debtor waits for R-1's block (1), then not for R-2's (2): its own confirmation is in block 3;
    # the supplier waits for R-1's confirmation (3), then not for R-2's (4): its transfer is in block 5
    assert python_calls == {"debtor": [["wait", 1], ["confirm", "R-1"], ["confirm", "R-2"]],
                            "supplier": [["register", ""], ["register", ""], ["wait", 3], ["transfer", "R-1"],
                                         ["transfer", "R-2"]]}


# ---------------------------------------------------------------- the stand-in's one peer


def test_the_stand_in_serves_filtered_blocks_as_a_peer_does(gateway, cast):
    with connect_as(gateway, cast.users["tier1"], connect) as opened:
        network = opened.get_network(CHANNEL)
        contract = network.get_contract(CHAINCODE, CONTRACT_NAME)
        contract.submit_transaction("RegisterReceivable", *cast.register_arguments(business_today()))
        newest = network.last_committed_block
        assert network.wait_for_block(newest - 3) == newest     # a block it has: its newest, at once
        with network.filtered_block_events(start_block=newest - 1) as blocks:
            received = [next(blocks) for _ in range(2)]
        assert [b.number for b in received] == [newest - 1, newest]
        assert received[1].filtered_transactions[0].txid and received[1].channel_id == CHANNEL
        with pytest.raises(BlockWaitTimeoutError):
            network.wait_for_block(newest + 1, timeout=0.3)      # not committed yet
        with pytest.raises(GatewayError, match="NOT_FOUND"), network.filtered_block_events(
                start_block=newest + 2) as beyond:               # beyond the next block: refused at once
            next(beyond)


def test_a_wait_returns_when_the_block_is_committed(gateway, cast):
    async def run():
        async with connect_as(gateway, cast.users["tier1"]) as writer, connect_as(gateway, cast.users["core"]) as waiter:
            contract = writer.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT_NAME)
            await contract.submit_transaction("RegisterReceivable", *cast.register_arguments(business_today()))
            next_block = writer.get_network(CHANNEL).last_committed_block + 1
            wait = asyncio.create_task(waiter.get_network(CHANNEL).wait_for_block(next_block, timeout=10))
            await asyncio.sleep(0.2)
            assert not wait.done()
            await contract.submit_transaction("RegisterReceivable", *cast.register_arguments(business_today()))
            return await wait, next_block

    delivered, expected = asyncio.run(run())
    assert delivered == expected


# ---------------------------------------------------------------- both clients, same transactions, same waits


def run_python_workload(gateway, cast, workload: str, pool: int) -> None:
    async def run():
        async with connect_as(gateway, cast.users["tier1"]) as s, connect_as(gateway, cast.users["core"]) as d:
            clients = [AsyncReceivablesClient(g.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT_NAME),
                                      g.get_network(CHANNEL)) for g in (s, d)]
            chosen = WORKLOADS[workload](Parties(*clients, cast.codes["tier1"], cast.codes["core"],
                                                 cast.codes["tier2"], supplier_msp=cast.users["tier1"].msp_id,
                                                 debtor_msp=cast.users["core"].msp_id))
            await chosen.prepare(pool, say=lambda line: None)
            for operation in chosen.operations():
                await operation.call()
    asyncio.run(run())


def node_actor(gateway, user, folder):
    pem = serialization.Encoding.PEM
    (folder / f"{user.msp_id}.crt").write_bytes(user.certificate.public_bytes(pem))
    (folder / f"{user.msp_id}.key").write_bytes(user.private_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return {"address": gateway.address, "host_name_override": "localhost",
            "tls_root_cert": str(gateway.folder / "ca.crt"), "msp_id": user.msp_id,
            "cert": str(folder / f"{user.msp_id}.crt"), "key": str(folder / f"{user.msp_id}.key")}


def node_config(gateway, cast, folder, workload: str, pool: int, wait_seconds: float = 30.0):
    return {"workload": workload, "pool_size": pool, "channel": CHANNEL, "chaincode": CHAINCODE,
            "contract": CONTRACT_NAME,
            "plan": {"mode": "concurrency", "concurrency": 1, "rate": None, "warmup": 0, "duration": 2,
                     "max_in_flight": 1},
            "actors": {"supplier": node_actor(gateway, cast.users["tier1"], folder),
                       "debtor": node_actor(gateway, cast.users["core"], folder)},
            "codes": {"supplier": cast.codes["tier1"], "debtor": cast.codes["core"], "transferee": cast.codes["tier2"]},
            "registration": json.loads(cast.register_arguments(business_today())[0]), "face_amount_fen": 113000,
            "wait_for_block_s": wait_seconds}


def run_node_workload(gateway, cast, folder, workload: str, pool: int) -> dict:
    path = folder / "config.json"
    path.write_text(json.dumps(node_config(gateway, cast, folder, workload, pool)))
    done = subprocess.run([NODE, str(SCRIPT), str(path)], cwd=NODE_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


SUPPLIER, DEBTOR = "SupplierMSP", "CoreEnterpriseMSP"
# Each wait: a filtered Deliver from the peer's newest block, closed by the client after that one block.
WAIT = ("newest", 1, "cancelled by the client")
# What each endorse request names: a confirm, the debtor's and the holder's orgs (both peers have the registration:
# one wrote it, the other waited for it); a registration and a transfer, none (the Gateway plans them).
REGISTER = ("endorse", "RegisterReceivable", SUPPLIER, ())
CONFIRM = ("endorse", "ConfirmReceivable", DEBTOR, (DEBTOR, SUPPLIER))
TRANSFER = ("endorse", "TransferReceivable", SUPPLIER, ())
EXPECTED = {
    # the debtor waits for the registrations' block before its first confirmation; its second builds on a
    # receivable whose last change is its own first confirmation, so it does not wait again
    ("confirm", 2): [REGISTER] * 2 + [("wait", DEBTOR, *WAIT), CONFIRM, CONFIRM],
    # the debtor waits for the supplier's block, then the supplier for the debtor's
    ("transfer", 1): [REGISTER, ("wait", DEBTOR, *WAIT), CONFIRM, ("wait", SUPPLIER, *WAIT), TRANSFER],
}


@pytest.mark.parametrize("workload, pool", list(EXPECTED))
def test_our_workload_waits_before_each_cross_org_operation_on_the_stand_in(gateway, cast, workload, pool):
    journal = journal_of(gateway, lambda: run_python_workload(gateway, cast, workload, pool))
    assert waits_and_endorsements(journal) == EXPECTED[workload, pool]


@needs_node
@pytest.mark.parametrize("workload, pool", list(EXPECTED))
def test_the_node_client_sends_the_same_transactions_with_the_same_waits(gateway, cast, tmp_path, workload, pool):
    output = {}
    journal = journal_of(gateway, lambda: output.update(run_node_workload(gateway, cast, tmp_path, workload, pool)))
    assert waits_and_endorsements(journal) == EXPECTED[workload, pool]
    assert {row[4] for row in output["samples"]} == {"committed"}      # each sample: kind, due, sent, finished, cause
    assert output["exhausted"]


@needs_node
def test_a_node_wait_for_a_block_that_never_comes_ends_as_a_timeout(gateway, cast, tmp_path):
    path = tmp_path / "config.json"
    # long enough for the stand-in to have the stream before the deadline even on a loaded machine (with 0.3 s
    # the deadline could pass before the request reached it, and no stream was journalled)
    path.write_text(json.dumps(node_config(gateway, cast, tmp_path, "confirm", 0, wait_seconds=3)))
    start = len(gateway.journal())
    output = run_node("""
        const config = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'));
        (async () => {
            const opened = await workload.openActor(config.actors.debtor, config);
            try {
                await opened.actor.waitForBlock(BigInt(Number.MAX_SAFE_INTEGER));
                console.log(JSON.stringify({ waited: true }));
            } catch (err) {
                console.log(JSON.stringify({ name: err.name, code: err.code }));
            } finally {
                opened.close();
            }
        })();
    """, str(path))
    assert output == {"name": "GatewayError", "code": 4}     # DEADLINE_EXCEEDED: the script counts it a timeout
    (stream,) = [entry for entry in gateway.journal()[start:] if entry["call"] == "deliver_filtered"]
    assert (stream["msp"], stream["start"], len(stream["blocks"])) == (DEBTOR, "newest", 1)
