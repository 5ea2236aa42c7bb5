"""``python -m chaincode``: serve contracts to the peers (see chaincode.shim.server)."""

from chaincode.shim.server import main

if __name__ == "__main__":
    main()
