"""The contract API: write contracts as classes of ``@transaction`` methods taking a ``Context``."""

from ._base import Contract
from ._context import Context
from ._decorator import EVALUATE, SUBMIT, transaction
from ._errors import ContractError
from ._router import SYSTEM_CONTRACT_NAME, ContractRouter

__all__ = [
    "EVALUATE",
    "SUBMIT",
    "SYSTEM_CONTRACT_NAME",
    "Context",
    "Contract",
    "ContractError",
    "ContractRouter",
    "transaction",
]
