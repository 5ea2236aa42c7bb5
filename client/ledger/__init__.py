"""A channel's ledger read as an auditor reads it, from a peer of the auditor's own org.

- :mod:`.qscc`: the query system chaincode (``GetTransactionByID``, ``GetChainInfo``, ``GetBlockByNumber``,
  ``GetBlockByTxID``), each query pinned to the caller's own org, the channel configuration in force (its last
  config block) and the config block a block names (``last_config_index``);
- :mod:`.lifecycle`: a chaincode's committed definition (``_lifecycle`` ``QueryChaincodeDefinition``), asked as
  qscc is, and the member orgs of one of its private data collections;
- :mod:`.event_checkpoints`: whether a chaincode events checkpoint can be resumed from (its transaction valid, with
  an event, in the block it says), asked of the own org's peer before resuming;
- :mod:`.signature_policy`: a signature policy evaluated as Fabric evaluates it, greedily, each signer counted
  once (a collection's endorsement rule here, a config update's signatures in :mod:`.config_policies`);
- :mod:`.msp`: the channel's org MSPs as that configuration defines them, and whether a certificate is one of
  theirs (chains to its CA certificates, within its dates, not revoked);
- :mod:`.config_policies`: whether signatures meet a policy of a channel config as the ordering service judges
  them (a config update's admins', a block's orderers');
- :mod:`.revocation`: certificate revocation lists matched to the CA that issued them, as Fabric's MSP does;
- :mod:`.endorsements`: a committed transaction's endorsements, each signature verified against its
  endorser's certificate, and what the transaction wrote;
- :mod:`.block_integrity`: whether a block is one the ordering service cut (its data hash, its link with the
  block before it, its orderer signatures under the channel's BlockValidation policy);
- :mod:`.endorsement_policy`: whether a committed transaction's endorsements meet the policies Fabric's validation
  held it to (the chaincode's definition, the collections', each written key's key-level policy).

``client.receivables.audit`` builds on them to prove who endorsed the transactions a claim rests on.
"""
