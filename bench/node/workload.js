'use strict';
// The benchmark's workload sent by the official Fabric Gateway Node client, for comparison.
//
//   node workload.js <config.json>
//
// The config (written by `recfin bench --compare-node`) names the two actors' gateway
// peers and identities, the parties' credit codes, a registration document to copy,
// the workload and the plan. The same transactions as bench/workloads.py are sent with
// the same arguments, the same endorsing orgs named (a confirm: the debtor's and the
// holder's, Workload.confirmEndorsers), and the same waits for the other org's block (Actor.waitForBlock);
// each step (evaluate, endorse, submit, commit status) has the Python client's deadline (step_deadlines_s);
// the samples and this process's CPU seconds in the measured window are printed on
// stdout as one JSON document that bench/node_compare.py reads.

const crypto = require('node:crypto');
const fs = require('node:fs');
const grpc = require('@grpc/grpc-js');
const { CommitError, StatusCode, connect, signers } = require('@hyperledger/fabric-gateway');
const { common, orderer } = require('@hyperledger/fabric-protos');

const MIX = [['register', 4], ['confirm', 3], ['transfer', 2], ['query', 1]];
// A failure's detail names its code as bench/outcomes.py does, so the two clients' failures compare by label: a
// commit's validation code by its TxValidationCode name (StatusCode, the package's copy of that enum; one it
// does not know as client/gateway/errors.py validation_code_name writes it), a gRPC code by its name.
const VALIDATION_CODE_NAMES = new Map(Object.entries(StatusCode).map(([name, code]) => [code, name]));
const CONFLICT_CODES = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

function validationCodeName(code) {
    return VALIDATION_CODE_NAMES.get(code) ?? `UNKNOWN_VALIDATION_CODE_${code}`;
}

function grpcCodeName(code) {
    if (code == null) return '';
    return grpc.status[code] ?? String(code);
}

// The gRPC codes of a SubmitError that prove no orderer took the transaction (client/gateway/errors.py
// SUBMIT_REFUSED_CODES). With any other code it may still commit, unless it never left this client (sentNothing)
// or every orderer refused it (orderersRefused).
const SUBMIT_REFUSED_CODES = new Set([grpc.status.INVALID_ARGUMENT, grpc.status.PERMISSION_DENIED,
    grpc.status.FAILED_PRECONDITION, grpc.status.UNIMPLEMENTED, grpc.status.UNAUTHENTICATED]);

// grpc-js's words for a call it failed before the call went to any connection: no connection to the peer could be
// made, or its host name did not resolve. Nothing was sent, so a submit so failed was not ordered, as the Python
// SDK marks such a call not sent (client/gateway/_grpc_transport.py, as_transport_error). Any other UNAVAILABLE
// (the Gateway peer reaching no orderer, a connection dropped after the send) may hide a commit.
const NOT_SENT = /^(?:[a-z_]+: )?No connection established|^Name resolution failed for target /;

function sentNothing(err) {
    return err.code === grpc.status.UNAVAILABLE && NOT_SENT.test(grpcWords(err));
}

// The gRPC status's message: the package's errors carry that status as their cause, and this script's
// EvaluateError wraps the package's error.
function grpcWords(err) {
    const status = err.name === 'EvaluateError' && err.cause && err.cause.cause ? err.cause.cause : err.cause;
    return (status && status.details) || '';
}

// The Gateway's UNAVAILABLE answers to a Submit that no orderer took (client/gateway/errors.py, orderers_refused):
// it knew no orderer, or every orderer it tried answered with a refusal (as while the Raft cluster has no leader:
// such an orderer gets no detail) or was never reached (a detail in Go gRPC's words for a failed dial).
const NO_ORDERERS = 'no orderer nodes available';
const NO_ORDERER_TOOK_IT = 'no orderers could successfully process transaction';

function orderersRefused(err) {
    if (err.code !== grpc.status.UNAVAILABLE) return false;
    const said = (err.cause && err.cause.details) || '';
    return said === NO_ORDERERS || (said === NO_ORDERER_TOOK_IT
        && (err.details || []).every((detail) => (detail.message || '').includes('Error while dialing')));
}

// A failed evaluate. The package rejects one with a plain GatewayError, which a failed submit's steps also
// throw; the Python SDK raises EvaluateError, counted as `query_failed` (bench/outcomes.py), and so is this.
class EvaluateError extends Error {
    constructor(cause) {
        super(cause.message, { cause });
        this.name = 'EvaluateError';
        this.code = cause.code;
        this.details = cause.details;
        this.transactionId = cause.transactionId;
    }
}

// No answer within the plan's call_timeout (bench/driver.py's deadline for one call).
class CallTimeoutError extends Error {
    constructor(seconds) {
        super(`no answer within ${seconds} s`);
        this.name = 'CallTimeoutError';
    }
}

// By error name: the package exports some of its error classes and not others (SubmitError). In the order
// bench/outcomes.py classify reads the Python SDK's errors.
function classify(err) {
    const txId = err.transactionId || null;
    // a proposal or query sent nowhere was never submitted: counted apart, as bench/outcomes.py counts the Python
    // SDK's EndorseError or EvaluateError whose `sent` is False (never_sent)
    if ((err.name === 'EndorseError' || err.name === 'EvaluateError') && sentNothing(err)) {
        return ['not_sent', txId, grpcCodeName(err.code)];
    }
    const texts = [err.message || '', ...(err.details || []).map((d) => d.message || '')];
    const rule = texts.map((t) => /RULE ([a-z0-9-]+):/.exec(t)).find(Boolean);
    if (rule) return ['refused', txId, rule[1]];
    if (err.name === 'CommitError') {
        const name = validationCodeName(err.code);
        if (CONFLICT_CODES.has(name)) return ['mvcc_conflict', txId, name];
        if (name === 'ENDORSEMENT_POLICY_FAILURE') return ['endorsement', txId, name];
        return ['invalid', txId, name];
    }
    if (err.name === 'CallTimeoutError') return ['timeout', txId, "no answer within the driver's deadline"];
    // the error's kind, as bench/outcomes.py names a timeout: the code is the same for every step
    if (err.code === grpc.status.DEADLINE_EXCEEDED) return ['timeout', txId, err.name];
    const code = grpcCodeName(err.code);
    if (err.name === 'CommitStatusError') {
        return ['commit_unknown', txId, err.code == null ? 'commit status unknown' : code];
    }
    if (err.name === 'EndorseError') return ['endorsement', txId, code];
    if (err.name === 'SubmitError') {
        const notOrdered = SUBMIT_REFUSED_CODES.has(err.code) || sentNothing(err) || orderersRefused(err);
        return [notOrdered ? 'ordering' : 'ordering_unknown', txId, code];
    }
    if (err.name === 'EvaluateError') return ['query_failed', txId, code];
    if (err.name === 'GatewayError') return ['unavailable', txId, code];
    return ['client_error', txId, String(err && err.message).slice(0, 200)];
}

// The call, or a CallTimeoutError once `seconds` pass without its answer (null: no deadline), as
// bench/driver.py bounds a call with asyncio.wait_for. The package's calls cannot be cancelled: one past
// its deadline runs on (drive() keeps its place in flight until it ends) and ends on its own, each step
// within its own deadline, or when the gateway is closed.
function withDeadline(promise, seconds) {
    if (seconds == null) return promise;
    let timer;
    const expired = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CallTimeoutError(seconds)), seconds * 1000);
    });
    return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

// The package starts block events at a given block (NOT_FOUND when that is beyond the block the peer
// commits next) or at the next commit (which never comes on an idle channel when the peer has the block
// already). A wait starts at the peer's newest block (SeekNewest), as the Python SDK's wait_for_block does:
// the unsigned request the package builds gets that start, and the package's off-line signing flow
// (Gateway.newFilteredBlockEventsRequest(bytes)) signs it with the gateway's signer and sends it.
function fromNewestBlock(requestBytes) {
    const envelope = common.Envelope.deserializeBinary(requestBytes);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const seek = orderer.SeekInfo.deserializeBinary(payload.getData_asU8());
    const newest = new orderer.SeekPosition();
    newest.setNewest(new orderer.SeekNewest());
    seek.setStart(newest);
    payload.setData(seek.serializeBinary());
    envelope.setPayload(payload.serializeBinary());
    return envelope.serializeBinary();
}

// One org's client: its contract, and the highest block its commits went into (bench/workloads.py reads
// the same from the SDK, Network.last_committed_block).
class Actor {
    constructor(gateway, config) {
        this.gateway = gateway;
        this.network = gateway.getNetwork(config.channel);
        this.contract = this.network.getContract(config.chaincode, config.contract);
        this.waitSeconds = config.wait_for_block_s;   // the Python SDK's Timeouts.wait_for_block; null: no limit
        this.latestBlock = undefined;   // bigint, once a commit status came back
    }

    // Contract.submit as the package does it (submitAsync, then getStatus), keeping the block: recorded
    // whether the transaction was valid or not, since the peer committed that block either way. With
    // endorsingOrganizations (MSP IDs), the Gateway sends the proposal to those orgs' peers and no other.
    async submit(name, args, endorsingOrganizations) {
        const options = endorsingOrganizations ? { arguments: args, endorsingOrganizations } : { arguments: args };
        const submitted = await this.contract.submitAsync(name, options);
        const status = await submitted.getStatus();
        if (this.latestBlock === undefined || status.blockNumber > this.latestBlock) {
            this.latestBlock = status.blockNumber;
        }
        if (!status.successful) {
            throw new CommitError({ code: status.code, transactionId: status.transactionId,
                message: `Transaction ${status.transactionId} failed to commit with status code ${status.code}` });
        }
        return JSON.parse(new TextDecoder().decode(submitted.getResult()));
    }

    async evaluate(name, args) {
        try {
            return await this.contract.evaluate(name, { arguments: args });
        } catch (err) {
            throw new EvaluateError(err);
        }
    }

    // Until this org's peer has committed block n: filtered blocks from its newest, the stream closed at the
    // first numbered n or more. Past the deadline the stream fails with DEADLINE_EXCEEDED (a timeout).
    async waitForBlock(n) {
        const request = this.gateway.newFilteredBlockEventsRequest(
            fromNewestBlock(this.network.newFilteredBlockEventsRequest().getBytes()));
        const deadline = this.waitSeconds == null ? {} : { deadline: Date.now() + this.waitSeconds * 1000 };
        const blocks = await request.getEvents(deadline);
        try {
            for await (const block of blocks) {
                if (BigInt(block.getNumber()) >= n) return block.getNumber();
            }
        } finally {
            blocks.close();
        }
        throw new Error(`the block stream ended before block ${n}`);
    }
}

// A step's deadline, as the Python client's (bench/network_session.py step_timeouts, config.step_deadlines_s):
// the package's per-call option for that step, giving each call its deadline when it starts; a step with none
// (null, or absent) gets no option and no deadline.
function stepDeadline(seconds = {}, step) {
    const limit = seconds[step];
    return limit == null ? undefined : () => ({ deadline: Date.now() + limit * 1000 });
}

async function openActor(actor, config) {
    const tls = grpc.credentials.createSsl(fs.readFileSync(actor.tls_root_cert));
    const client = new grpc.Client(actor.address, tls, { 'grpc.ssl_target_name_override': actor.host_name_override });
    const gateway = connect({
        client,
        identity: { mspId: actor.msp_id, credentials: fs.readFileSync(actor.cert) },
        signer: signers.newPrivateKeySigner(crypto.createPrivateKey(fs.readFileSync(actor.key))),
        evaluateOptions: stepDeadline(config.step_deadlines_s, 'evaluate'),
        endorseOptions: stepDeadline(config.step_deadlines_s, 'endorse'),
        submitOptions: stepDeadline(config.step_deadlines_s, 'submit'),
        commitStatusOptions: stepDeadline(config.step_deadlines_s, 'commit_status'),
    });
    return { actor: new Actor(gateway, config), close: () => { gateway.close(); client.close(); } };
}

function newRegistration(template) {
    const doc = JSON.parse(JSON.stringify(template));
    doc.invoices[0].number = doc.invoices[0].number.slice(0, 6) + String(crypto.randomInt(0, 1e12)).padStart(14, '0');
    doc.contract_hash = crypto.randomBytes(32).toString('hex');
    return JSON.stringify(doc);
}

class Workload {
    constructor(supplier, debtor, config) {
        Object.assign(this, { supplier, debtor, config });
        this.registered = [];
        this.confirmed = [];
        this.known = [];
        this.writtenIn = new Map();   // pooled receivable -> the block its last change committed in
        // A confirm's endorsers: the debtor's org, whose peer is waited for until it has the registration's
        // block (caughtUp), and the holder's (the supplier's), whose peer committed it; left to the Gateway,
        // the second could be an org whose peer has not committed the registration yet
        // (bench/workloads.py Parties.confirm_endorsers).
        this.confirmEndorsers = [config.actors.debtor.msp_id, config.actors.supplier.msp_id];
    }
    register() {
        return ['register', async () => {
            const doc = await this.supplier.submit('RegisterReceivable',
                [newRegistration(this.config.registration), crypto.randomUUID().replace(/-/g, '')]);
            this.written(doc.id, this.supplier);
            this.registered.push(doc.id);
            return doc.last.tx_id;
        }];
    }
    confirm(id) {
        return ['confirm', async () => {
            await this.caughtUp(this.debtor, id);
            const doc = await this.debtor.submit('ConfirmReceivable', [id], this.confirmEndorsers);
            this.written(doc.id, this.debtor);
            this.confirmed.push(doc.id);
            return doc.last.tx_id;
        }];
    }
    transfer(id) {
        return ['transfer', async () => {
            await this.caughtUp(this.supplier, id);
            const doc = await this.supplier.submit('TransferReceivable', [id, this.config.codes.transferee,
                String(this.config.face_amount_fen), crypto.randomUUID().replace(/-/g, '')]);
            return doc.last.tx_id;
        }];
    }
    // The block the writer's latest commit went into: this change is in it or before (bench/workloads.py _written).
    written(id, writer) {
        if (writer.latestBlock !== undefined) this.writtenIn.set(id, writer.latestBlock);
    }
    // Before the other org builds on a receivable, its own peer must have the block the receivable's last
    // change went into, unless the actor's own commits are already past it (bench/workloads.py _caught_up).
    // The other endorser is the org that wrote that block: named for a confirm; for a transfer the claim's
    // key-level policy (debtor and holder) leaves the Gateway no other choice.
    async caughtUp(actor, id) {
        const block = this.writtenIn.get(id);
        this.writtenIn.delete(id);
        if (block !== undefined && (actor.latestBlock === undefined || actor.latestBlock < block)) {
            await actor.waitForBlock(block);
        }
    }
    query(id) {
        return ['query', async () => { await this.debtor.evaluate('GetReceivable', [id]); return null; }];
    }
    // As bench/workloads.py _fill: `count` operations, 16 at a time, each tried again with a new operation
    // after a failure while the run has tries left (twice the count in all).
    async fill(count, make) {
        let done = 0;
        let tries = 0;
        let started = 0;
        const one = async () => {
            while (done < count && tries < 2 * count) {
                tries += 1;
                const op = make();
                if (!op) return;
                try { await op[1](); done += 1; return; } catch (e) { /* counted by the shortfall below */ }
            }
        };
        const slot = async () => { while (started < count) { started += 1; await one(); } };
        await Promise.all(Array.from({ length: Math.min(16, count) }, slot));
        return done;
    }
    async prepare(pool) {
        const name = this.config.workload;
        if (name === 'confirm' || name === 'transfer') await this.fill(pool, () => this.register());
        if (name === 'transfer') await this.fill(this.registered.length, () => this.registered.length && this.confirm(this.registered.shift()));
        if (name === 'mixed') {
            const seed = Math.max(1, Math.floor(pool / 10));
            await this.fill(2 * seed, () => this.register());
            await this.fill(seed, () => this.registered.length && this.confirm(this.registered.shift()));
            this.known.push(...this.confirmed);
        }
    }
    *operations() {
        const name = this.config.workload;
        const cycle = MIX.flatMap(([kind, weight]) => Array(weight).fill(kind));
        for (;;) {
            if (name === 'register') yield this.register();
            else if (name === 'confirm') { if (!this.registered.length) return; yield this.confirm(this.registered.shift()); }
            else if (name === 'transfer') { if (!this.confirmed.length) return; yield this.transfer(this.confirmed.shift()); }
            else {
                for (const kind of cycle) {
                    if (kind === 'confirm' && this.registered.length) yield this.confirm(this.registered.shift());
                    else if (kind === 'transfer' && this.confirmed.length) {
                        const id = this.confirmed.shift();
                        this.known.push(id);
                        yield this.transfer(id);
                    } else if (kind === 'query' && this.known.length) {
                        this.known.unshift(this.known.pop());
                        yield this.query(this.known[0]);
                    } else yield this.register();
                }
            }
        }
    }
}

// The real clock: seconds, and a timer to wait on. Node fires a timer no sooner than 1 ms after it is set, however
// short the wait asked for. drive() takes another clock in the tests, which move time themselves.
const REAL_CLOCK = {
    now: () => performance.now() / 1000,
    sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000))),
};
// A turn for the other tasks and for I/O, with no timer (and so no 1 ms floor).
const yieldTurn = () => new Promise(setImmediate);
const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// Operation i's due time, i / rate rounded to the nanosecond as bench/driver.py rounds it: unrounded, 55 / 4.4 is
// 12.499999999999998, inside a window that ends at 12.5 s, where bench/driver.py's 12.5 is not, so the two clients
// would send and measure a different number of operations for the same plan.
const dueTime = (i, rate) => Number((i / rate).toFixed(9));

// Open loop: operation i is due at i / rate; latency counts from the due time (as bench/driver.py). A loop behind
// its schedule sends the next at once, after a turn without a timer: a timer would cost at least 1 ms per send,
// capping the rate near 1,000/s and counting the loop's own delay as the operations' latency.
// Closed loop: `concurrency` workers, each sending the next when the last is done. Each call is bounded by
// plan.call_timeout, as the Python driver bounds it. An answer with no tx id (a query's) counts as `answered`,
// not `committed` (bench/driver.py).
// A call past its deadline counts as a `timeout` then, but it still runs (it cannot be cancelled, where the
// Python driver's wait_for cancels its call): its worker or max_in_flight slot stays taken until it ends, so
// no more calls are ever in flight than the plan allows, as in the Python driver. A worker stops waiting for
// it when the window closes, since it sends nothing after that; drive() returns with every sample taken, and
// a call still running then ends when the gateway is closed.
async function drive(workload, plan, clock = REAL_CLOCK) {
    const origin = clock.now();
    const now = () => clock.now() - origin;
    const end = plan.warmup + plan.duration;
    const samples = [];
    const cpu = {};
    let exhausted = false;
    const marks = (async () => {
        await clock.sleep(plan.warmup - now()); cpu.start = cpuSeconds();
        await clock.sleep(end - now()); cpu.end = cpuSeconds();
    })();
    // Sends one operation. `recorded`: its sample is taken (at the answer, or at the deadline); `ended`: the
    // call itself is over, which for one past its deadline is later.
    const perform = ([kind, call], due) => {
        const sent = now();
        const answer = new Promise((resolve) => resolve(call()));   // call() throwing at once: a failed call
        const ended = answer.then(() => {}, () => {});
        const recorded = withDeadline(answer, plan.call_timeout).then(
            (txId) => [txId == null ? 'answered' : 'committed', txId ?? null, ''],
            classify,
        ).then((outcome) => {
            samples.push([kind, due, sent, now(), ...outcome, due >= plan.warmup && due < end]);
        });
        return { recorded, ended };
    };
    const ops = workload.operations();
    if (plan.mode === 'rate') {
        const inFlight = new Set();   // until each call ends, past its deadline or not
        const unrecorded = new Set();   // until each call's sample is taken
        for (let i = 0; dueTime(i, plan.rate) < end; i += 1) {
            const due = dueTime(i, plan.rate);
            let wait = due - now();
            if (!(wait > 0)) await yieldTurn();
            // A timer may fire up to a millisecond before `due` (libuv reads its clock once a turn, in whole
            // ms): sending then would count less than the call took. Wait on until the due time has come.
            while (wait > 0) { await clock.sleep(wait); wait = due - now(); }
            while (inFlight.size >= plan.max_in_flight) await Promise.race(inFlight);
            const next = ops.next();
            if (next.done) { exhausted = true; break; }
            const { recorded, ended } = perform(next.value, due);
            const slot = ended.then(() => inFlight.delete(slot));
            inFlight.add(slot);
            const taking = recorded.then(() => unrecorded.delete(taking));
            unrecorded.add(taking);
        }
        await Promise.all(unrecorded);
    } else {
        const windowClosed = marks.then(() => 'closed');
        await Promise.all(Array.from({ length: plan.concurrency }, async () => {
            while (now() < end) {
                const next = ops.next();
                if (next.done) { exhausted = true; return; }
                const { recorded, ended } = perform(next.value, now());
                await recorded;
                if (await Promise.race([ended, windowClosed]) === 'closed') return;
            }
        }));
    }
    await marks;
    return { samples, exhausted, cpu_s: cpu.end - cpu.start };
}

async function main() {
    if (process.argv.length < 3) {
        process.stderr.write('usage: node workload.js <config.json> (written by `recfin bench --compare-node`)\n');
        process.exit(2);
    }
    const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    const supplier = await openActor(config.actors.supplier, config);
    const debtor = await openActor(config.actors.debtor, config);
    try {
        try {
            await debtor.actor.evaluate('WhoAmI', []);   // fail fast, with one line, when no peer answers
        } catch (err) {
            process.stderr.write(`no gateway peer answered at ${config.actors.debtor.address}: ${err.message.split('\n')[0]}; `
                + 'start the network with `recfin network up` and `recfin chaincode deploy`\n');
            process.exit(3);
        }
        const workload = new Workload(supplier.actor, debtor.actor, config);
        await workload.prepare(config.pool_size);
        const result = await drive(workload, config.plan);
        process.stdout.write(JSON.stringify({ client: 'node', ...result }) + '\n');
    } finally {
        supplier.close();
        debtor.close();
    }
}

module.exports = { Actor, Workload, classify, drive, fromNewestBlock, openActor };

if (require.main === module) {
    main().catch((err) => { process.stderr.write(`${err.stack || err}\n`); process.exit(1); });
}
