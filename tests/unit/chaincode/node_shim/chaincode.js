'use strict';
// A chaincode on the official Node shim (fabric-shim), served as chaincode-as-a-service, with the same
// operations and the same response bytes as AgreementContract in test_node_shim_agreement.py. The test
// drives both as a peer does and compares every message they send.
//
//   CHAINCODE_ID=agreement_1.0:0123 CHAINCODE_SERVER_ADDRESS=127.0.0.1:7052 node chaincode.js
//
// Prints "listening <address>" once the server accepts connections. Each operation returns compact
// JSON, which JSON.stringify and Python's json.dumps(separators=(",", ":"), ensure_ascii=False) write
// byte for byte alike for the values used here.

const shim = require('fabric-shim');

const COLLECTION = 'agreement_private';
const TRANSIENT_VALUE_KEY = 'value';
const CALLER_ATTRIBUTE = 'recfin.party';

const text = (buffer) => (buffer && buffer.length > 0 ? Buffer.from(buffer).toString('utf8') : null);

async function allRows(iterator) {
    const rows = [];
    for await (const kv of iterator) {
        rows.push([kv.key, text(kv.value)]);
    }
    return rows;
}

const operations = {
    async PutState(stub, key, value) {
        await stub.putState(key, Buffer.from(value));
        return {put: key};
    },
    async GetState(stub, key) {
        return {key, value: text(await stub.getState(key))};
    },
    async DeleteState(stub, key) {
        await stub.deleteState(key);
        return {deleted: key};
    },
    async GetRange(stub, start, end) {
        return {rows: await allRows(stub.getStateByRange(start, end))};
    },
    async GetFirstInRange(stub, start, end) {
        // Leaving the loop early closes the iterator while the peer still holds unread rows.
        for await (const kv of stub.getStateByRange(start, end)) {
            return {first: [kv.key, text(kv.value)]};
        }
        return {first: null};
    },
    async GetRangePage(stub, start, end, pageSize, bookmark) {
        const {iterator, metadata} = await stub.getStateByRangeWithPagination(start, end, parseInt(pageSize, 10), bookmark);
        const rows = [];
        let result = await iterator.next();
        while (!result.done) {
            rows.push([result.value.key, text(result.value.value)]);
            result = await iterator.next();
        }
        await iterator.close();
        return {rows, fetched_records_count: metadata.fetchedRecordsCount, bookmark: metadata.bookmark};
    },
    async PutComposite(stub, objectType, attributes, value) {
        await stub.putState(stub.createCompositeKey(objectType, JSON.parse(attributes)), Buffer.from(value));
        return {object_type: objectType, attributes: JSON.parse(attributes)};
    },
    async GetByPartialKey(stub, objectType, attributes) {
        const found = [];
        for await (const kv of stub.getStateByPartialCompositeKey(objectType, JSON.parse(attributes))) {
            const {objectType: kind, attributes: parts} = stub.splitCompositeKey(kv.key);
            found.push([kind, parts, text(kv.value)]);
        }
        return {found};
    },
    async GetHistory(stub, key) {
        const changes = [];
        for await (const modification of stub.getHistoryForKey(key)) {
            changes.push({value: text(modification.value), is_delete: modification.isDelete});
        }
        return {changes};
    },
    async PutPrivate(stub, key) {
        const value = stub.getTransient().get(TRANSIENT_VALUE_KEY);
        if (!value) {
            throw new Error(`send the private value as transient data under '${TRANSIENT_VALUE_KEY}'`);
        }
        await stub.putPrivateData(COLLECTION, key, value);
        return {collection: COLLECTION, key};
    },
    async GetPrivate(stub, key) {
        return {key, value: text(await stub.getPrivateData(COLLECTION, key))};
    },
    async GetPrivateHash(stub, key) {
        const digest = await stub.getPrivateDataHash(COLLECTION, key);
        return {key, sha256: digest && digest.length > 0 ? Buffer.from(digest).toString('hex') : null};
    },
    async DeletePrivate(stub, key) {
        await stub.deletePrivateData(COLLECTION, key);
        return {deleted: key};
    },
    async PurgePrivate(stub, key) {
        await stub.purgePrivateData(COLLECTION, key);
        return {purged: key};
    },
    async SetKeyEndorsers(stub, key, mspIds) {
        const policy = new shim.KeyEndorsementPolicy();
        policy.addOrgs('MEMBER', ...JSON.parse(mspIds));
        await stub.setStateValidationParameter(key, policy.getPolicy());
        return {orgs: policy.listOrgs()};
    },
    async GetKeyEndorsers(stub, key) {
        const policy = await stub.getStateValidationParameter(key);
        return {orgs: policy && policy.length > 0 ? new shim.KeyEndorsementPolicy(policy).listOrgs() : []};
    },
    async EmitEvent(stub, name, payload) {
        stub.setEvent(name, Buffer.from(payload));
        return {event: name};
    },
    async Fail(stub, message) {
        throw new Error(message);
    },
    async EmitThenFail(stub, name, message) {
        stub.setEvent(name, Buffer.from(message));
        throw new Error(message);
    },
    async WhoAmI(stub) {
        const creator = stub.getCreator();
        const identity = new shim.ClientIdentity(stub);
        return {
            mspid: creator.mspid,
            certificate: Buffer.from(creator.idBytes).toString('utf8'),
            party: identity.getAttributeValue(CALLER_ATTRIBUTE),
        };
    },
    async GetBinding(stub) {
        return {binding: stub.getBinding()};   // already hex: SHA-256 of nonce, creator and epoch
    },
};

class AgreementChaincode {
    async Init() {
        return shim.success();
    }

    async Invoke(stub) {
        const {fcn, params} = stub.getFunctionAndParameters();
        // The peer passes "Contract:Function", as recfin's contract API names transactions.
        const operation = operations[fcn.slice(fcn.lastIndexOf(':') + 1)];
        if (!operation) {
            return shim.error(`no operation named ${fcn}`);
        }
        try {
            return shim.success(Buffer.from(JSON.stringify(await operation(stub, ...params))));
        } catch (error) {
            return shim.error(error.message);
        }
    }
}

async function main() {
    const ccid = process.env.CHAINCODE_ID;
    const address = process.env.CHAINCODE_SERVER_ADDRESS;
    if (!ccid || !address) {
        throw new Error('set CHAINCODE_ID (the package ID) and CHAINCODE_SERVER_ADDRESS (host:port to listen on)');
    }
    await shim.server(new AgreementChaincode(), {ccid, address}).start();
    process.stdout.write(`listening ${address}\n`);
}

main().catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
});
