"""recfin's chaincode: the Python runtime (``shim``, ``contract``, ``testing``) and the contracts on it.

See docs/chaincode-api.md for the API contracts are written against.
"""
