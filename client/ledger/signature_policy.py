"""A Fabric signature policy evaluated as Fabric evaluates it: :mod:`chaincode.signature_policy`, which the
test ledger's validation uses too, under the names the client's ledger modules import."""
from chaincode.signature_policy import Evaluation, evaluate, spelled

__all__ = ["Evaluation", "evaluate", "spelled"]
