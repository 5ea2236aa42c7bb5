"""recfin's chaincode: the Python runtime (``shim``, ``contract``, ``testing``) and the contracts on it.

``caller_values`` and ``client_ids`` hold what the runtime shares with the contracts' domain modules, outside
its packages, so that a client importing those modules to check a request loads no runtime.

See docs/chaincode-api.md for the API contracts are written against.
"""
