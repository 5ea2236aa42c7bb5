'use strict';
// The official Fabric Gateway Node client's own CPU per transaction, for bench/client_cpu.py.
// Client CPU only; the Gateway is a stand-in returning prepared replies; no Fabric involved.
//
//   node client_cpu.js <config.json>
//
// The config (written by `python -m bench.client_cpu`) names the stand-in Gateway's address
// and TLS root, the user's MSP ID, certificate and key, the function and the argument lists
// (warm-up, then measured), how many transactions are in flight, and the result the stand-in
// returns (hex). Each transaction is one submitTransaction (endorse, submit, commit status),
// as in workload.js. This process's CPU (process.cpuUsage(): all its threads, the OS counters
// /proc/<pid>/stat shows) is read just before and after the measured loop, so start-up,
// module loading and the warm-up are left out. One JSON document is printed on stdout.

const crypto = require('node:crypto');
const fs = require('node:fs');
const grpc = require('@grpc/grpc-js');
const { connect, signers } = require('@hyperledger/fabric-gateway');

const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// Closed loop: `concurrency` workers, each taking the next argument list when its last submit is done.
async function submitAll(contract, config, argumentLists, results) {
    let next = 0;
    const worker = async () => {
        while (next < argumentLists.length) {
            const args = argumentLists[next];
            next += 1;
            results.push(await contract.submitTransaction(config.function, ...args));
        }
    };
    await Promise.all(Array.from({ length: config.concurrency }, worker));
}

async function main() {
    if (process.argv.length < 3) {
        process.stderr.write('usage: node client_cpu.js <config.json> (written by `python -m bench.client_cpu`)\n');
        process.exit(2);
    }
    const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    const client = new grpc.Client(config.address, grpc.credentials.createSsl(fs.readFileSync(config.tls_root_cert)));
    const gateway = connect({
        client,
        identity: { mspId: config.msp_id, credentials: fs.readFileSync(config.cert) },
        signer: signers.newPrivateKeySigner(crypto.createPrivateKey(fs.readFileSync(config.key))),
    });
    try {
        const contract = gateway.getNetwork(config.channel).getContract(config.chaincode, config.contract);
        await submitAll(contract, config, config.warmup, []);
        const results = [];
        const started = performance.now();
        const before = cpuSeconds();
        await submitAll(contract, config, config.measured, results);
        const cpu_s = cpuSeconds() - before;
        const wall_s = (performance.now() - started) / 1000;
        const expected = Buffer.from(config.expected_result, 'hex');
        const results_matched = results.filter((r) => Buffer.from(r).equals(expected)).length;
        process.stdout.write(JSON.stringify({ client: 'node', transactions: results.length, cpu_s, wall_s,
            results_matched }) + '\n');
    } finally {
        gateway.close();
        client.close();
    }
}

main().catch((err) => { process.stderr.write(`${err.stack || err}\n`); process.exit(1); });
