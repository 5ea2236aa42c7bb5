'use strict';
// Drives the official Fabric Gateway Node client (@hyperledger/fabric-gateway, from bench/node's
// pinned packages) through a list of steps against a Gateway, for
// tests/unit/client/test_wire_agreement_with_node.py, which runs the same steps through recfin's
// client against the same recording stand-in and compares what each sent.
//
//   node drive_official_client.js <config.json>
//
// The config names the Gateway's address and TLS root, the client's TLS certificate and key (mutual
// TLS, their hash bound into block-event requests), the user's MSP ID, certificate and key, the
// channel, chaincode and contract, bench/node (where the packages are), and the steps. An argument or
// transient value is {"text": "..."} or {"hex": "..."}. One JSON document is printed on stdout: per
// step, what the client returned (results as hex, statuses, events, block numbers, for the
// offline-signing step the bytes, digest and signature of each object signed, and for the
// checkpoint-file step what the client read from the file it was given). A step marked "fails"
// prints, instead of a result, what the client's error exposes (errorOf); the *_until_error steps
// read a stream until it fails and print the events or blocks read, then the error.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const asValue = (value) => ('hex' in value ? Buffer.from(value.hex, 'hex') : value.text);

function proposalOptions(step) {
    const options = { arguments: (step.args || []).map(asValue) };
    if (step.transient) {
        options.transientData = Object.fromEntries(
            Object.entries(step.transient).map(([key, value]) => [key, asValue(value)]));
    }
    if (step.endorsing) {
        options.endorsingOrganizations = step.endorsing;
    }
    return options;
}

const statusOf = (status) => ({ block_number: Number(status.blockNumber), code: status.code,
    successful: status.successful, transaction_id: status.transactionId });

// The first event of a stream, then the stream is closed.
async function firstOf(events) {
    try {
        for await (const event of events) {
            return event;
        }
        throw new Error('the event stream ended before its first event');
    } finally {
        events.close();
    }
}

// Everything the official client's error exposes: its class (and the classes above it), for a
// GatewayError and its subclasses the gRPC code, the status message (the ServiceError's details; the
// error's own message is "<code> <NAME>: <details>") and one detail per peer or orderer, the
// transaction ID where the class has one, and for a CommitError the transaction's validation code.
function errorOf(err) {
    const classes = [];
    for (let proto = Object.getPrototypeOf(err); proto && proto !== Object.prototype;
        proto = Object.getPrototypeOf(proto)) {
        classes.push(proto.constructor.name);
    }
    const isCommitError = classes[0] === 'CommitError';
    return {
        class: err.name,
        classes,
        grpc_code: !isCommitError && typeof err.code === 'number' ? err.code : null,
        message: err.cause && typeof err.cause.details === 'string' ? err.cause.details : err.message,
        full_message: err.message,
        details: (err.details || []).map((detail) => ({ address: detail.address, msp_id: detail.mspId,
            message: detail.message })),
        transaction_id: err.transactionId === undefined ? null : err.transactionId,
        commit_status_code: isCommitError ? err.code : null,
    };
}

// Reads a stream until it fails: the number of each event or block read, then what the error exposes.
async function readUntilError(stream, numberOf) {
    const read = [];
    try {
        for await (const item of stream) {
            read.push(numberOf(item));
        }
        throw new Error('the stream ended without an error');
    } catch (err) {
        return { read, error: errorOf(err) };
    } finally {
        stream.close();
    }
}

const BLOCK_NUMBER = {
    block: (block) => Number(block.getHeader().getNumber()),
    filtered: (block) => Number(block.getNumber()),
    private: (reply) => Number(reply.getBlock().getHeader().getNumber()),
};
const OPEN_BLOCKS = {
    block: (network, options) => network.getBlockEvents(options),
    filtered: (network, options) => network.getFilteredBlockEvents(options),
    private: (network, options) => network.getBlockAndPrivateDataEvents(options),
};

async function run(step, { contract, network, offline, sign, checkpointers }) {
    switch (step.op) {
    case 'evaluate_transaction':
        return { result: hex(await contract.evaluateTransaction(step.name, ...step.args.map(asValue))) };
    case 'evaluate':
        return { result: hex(await contract.evaluate(step.name, proposalOptions(step))) };
    case 'submit_transaction':
        return { result: hex(await contract.submitTransaction(step.name, ...step.args.map(asValue))) };
    case 'submit':
        return { result: hex(await contract.submit(step.name, proposalOptions(step))) };
    case 'submit_async': {
        const submitted = await contract.submitAsync(step.name, proposalOptions(step));
        return { result: hex(submitted.getResult()), status: statusOf(await submitted.getStatus()) };
    }
    case 'offline_submit': {
        // A Gateway without a signer: every object is signed here, from its digest, and rebuilt from bytes.
        const signed = [];
        const signOffline = async (what, unsigned) => {
            const bytes = unsigned.getBytes();
            const digest = unsigned.getDigest();
            const signature = await sign(digest);
            signed.push({ what, bytes: hex(bytes), digest: hex(digest), signature: hex(signature) });
            return [bytes, signature];
        };
        const unsignedProposal = offline.contract.newProposal(step.name, proposalOptions(step));
        const proposal = offline.gateway.newSignedProposal(...await signOffline('proposal', unsignedProposal));
        const unsignedTransaction = await proposal.endorse();
        const transaction = offline.gateway.newSignedTransaction(
            ...await signOffline('transaction', unsignedTransaction));
        const unsignedCommit = await transaction.submit();
        const commit = offline.gateway.newSignedCommit(...await signOffline('commit', unsignedCommit));
        return { result: hex(transaction.getResult()), status: statusOf(await commit.getStatus()), signed };
    }
    case 'chaincode_events': {
        const start = 'start_block' in step ? { startBlock: BigInt(step.start_block) } : {};  // else the next commit
        const first = await firstOf(await network.getChaincodeEvents(step.chaincode, start));
        const checkpointer = checkpointers.inMemory();
        await checkpointer.checkpointChaincodeEvent(first);
        const resumed = await firstOf(await network.getChaincodeEvents(step.chaincode, { checkpoint: checkpointer }));
        const eventOf = (event) => ({ block_number: Number(event.blockNumber), transaction_id: event.transactionId,
            chaincode_name: event.chaincodeName, event_name: event.eventName, payload: hex(event.payload) });
        return { events: [eventOf(first), eventOf(resumed)] };
    }
    case 'block_events': {
        const open = OPEN_BLOCKS[step.kind];
        const number = BLOCK_NUMBER[step.kind];
        const first = number(await firstOf(await open(network, { startBlock: BigInt(step.start_block) })));
        const blocks = [first];
        if (step.then_from_checkpoint) {
            const checkpointer = checkpointers.inMemory();
            await checkpointer.checkpointBlock(BigInt(first));
            blocks.push(number(await firstOf(await open(network, { checkpoint: checkpointer }))));
        }
        return { blocks };
    }
    case 'chaincode_events_until_error': {
        const events = await network.getChaincodeEvents(step.chaincode, { startBlock: BigInt(step.start_block) });
        return readUntilError(events, (event) => Number(event.blockNumber));
    }
    case 'block_events_until_error': {
        const blocks = await OPEN_BLOCKS[step.kind](network, { startBlock: BigInt(step.start_block) });
        return readUntilError(blocks, BLOCK_NUMBER[step.kind]);
    }
    case 'file_checkpoint': {
        // The file checkpointer's own format: write one, read one another client wrote.
        const written = await checkpointers.file(step.write);
        await written.checkpointTransaction(BigInt(step.block), step.transaction_id);
        const read = await checkpointers.file(step.read);
        return { read: { block_number: Number(read.getBlockNumber()), transaction_id: read.getTransactionId() } };
    }
    default:
        throw new Error(`unknown step ${JSON.stringify(step.op)}`);
    }
}

async function main() {
    if (process.argv.length < 3) {
        process.stderr.write('usage: node drive_official_client.js <config.json>\n');
        process.exit(2);
    }
    const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    const requireFromBench = createRequire(path.join(config.node_dir, 'package.json'));
    const grpc = requireFromBench('@grpc/grpc-js');
    const { connect, signers, checkpointers } = requireFromBench('@hyperledger/fabric-gateway');

    const tlsCertificate = fs.readFileSync(config.tls_client_cert);
    const client = new grpc.Client(config.address, grpc.credentials.createSsl(
        fs.readFileSync(config.tls_root_cert), fs.readFileSync(config.tls_client_key), tlsCertificate));
    const tlsClientCertificateHash = crypto.createHash('sha256')
        .update(new crypto.X509Certificate(tlsCertificate).raw).digest();
    const identity = { mspId: config.msp_id, credentials: fs.readFileSync(config.cert) };
    const sign = signers.newPrivateKeySigner(crypto.createPrivateKey(fs.readFileSync(config.key)));
    const gateway = connect({ client, identity, signer: sign, tlsClientCertificateHash });
    const offlineGateway = connect({ client, identity, tlsClientCertificateHash });
    try {
        const network = gateway.getNetwork(config.channel);
        const context = {
            contract: network.getContract(config.chaincode, config.contract),
            network,
            offline: { gateway: offlineGateway,
                contract: offlineGateway.getNetwork(config.channel).getContract(config.chaincode, config.contract) },
            sign,
            checkpointers,
        };
        const steps = [];
        for (const step of config.steps) {
            try {
                steps.push({ op: step.op, ...await run(step, context) });
            } catch (err) {
                if (!step.fails) {
                    throw err;
                }
                steps.push({ op: step.op, error: errorOf(err) });
            }
        }
        process.stdout.write(JSON.stringify({ steps }) + '\n');
    } finally {
        offlineGateway.close();
        gateway.close();
        client.close();
    }
}

main().catch((err) => { process.stderr.write(`${err.stack || err}\n`); process.exit(1); });
