"""The router: from a transaction's arguments to a contract method, and from its outcome to a Response.

The first argument names the function: ``Contract:Function``, or plain
``Function`` for the default contract (the first registered).
``org.hyperledger.fabric:GetMetadata`` describes every contract.
"""

from __future__ import annotations

import functools

import inspect
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chaincode.shim._execution import SENT_AS_WRITTEN, failure_response, is_transaction_failure
from chaincode.shim._stub import ChaincodeStub
from chaincode.shim._text import excerpt
from chaincode.shim._types import INTERNAL_ERROR, OK, Response

from ._base import Contract
from ._context import Context
from ._conversion import ConversionError, Signature, encode_result
from ._decorator import TransactionMark, transaction
from ._errors import ContractError
from ._schema import schema_of

logger = logging.getLogger(__name__)

SYSTEM_CONTRACT_NAME = "org.hyperledger.fabric"
METADATA_SCHEMA_URL = "https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json"
TRANSIENT_DESCRIPTION = ("transient data, not an argument: the proposal's transient map carries it under this "
                         "key, as UTF-8 JSON of this schema, and it is kept out of the transaction on the ledger")


@dataclass(frozen=True)
class Route:
    contract: Contract
    mark: TransactionMark
    method: Callable[..., Any]
    signature: Signature


class SystemContract(Contract):
    """Fabric's reserved contract: ``GetMetadata`` returns the metadata of every contract (and itself)."""

    name = SYSTEM_CONTRACT_NAME

    def __init__(self, router: ContractRouter) -> None:
        super().__init__()
        self._router = router

    @transaction(evaluate=True)
    async def GetMetadata(self, ctx: Context) -> dict:
        # the JSON object, encoded once when the router was built (encode_result sends bytes as they are):
        # any channel member may call this as often as it likes, on the loop that serves every stream
        return self._router.metadata_json


def _first_of_group(exc: BaseException) -> BaseException | None:
    """The first exception of an exception group holding only exceptions written for the caller: ContractErrors
    and those ``failure_response`` sends as written (a PeerError, the peer's refusal, say). ``asyncio.TaskGroup``
    raises what the checks and reads a contract runs in it raise wrapped in one, and the caller must learn the rule
    broken or the peer's refusal, not of an internal ExceptionGroup. A group that also holds any other exception is
    a bug, answered as one."""
    if not isinstance(exc, BaseExceptionGroup):
        return None
    told, others = exc.split((ContractError, *SENT_AS_WRITTEN))
    if told is None or others is not None:
        return None
    first: BaseException = told
    while isinstance(first, BaseExceptionGroup):
        first = first.exceptions[0]
    return first


class ContractRouter:
    """Holds the registered contracts and runs one transaction at a time against them (concurrently safe)."""

    def __init__(self, contracts: Sequence[Contract], *, title: str = "recfin chaincode",
                 version: str = "0.1.0") -> None:
        if not contracts:
            raise ValueError("register at least one contract")
        self.title = title
        self.version = version
        self._routes: dict[str, dict[str, Route]] = {}
        self._contracts: dict[str, Contract] = {}
        for contract in [*contracts, SystemContract(self)]:
            self._register(contract)
        self.default_contract = contracts[0]

    @functools.cached_property
    def metadata_json(self) -> bytes:
        """The metadata, encoded once. The contracts never change once registered, so neither does it: built at
        the first ask, never on each GetMetadata, which would spend hundreds of milliseconds of the event loop
        that serves every stream each time. The chaincode server asks at start, so that a schema that cannot be
        written stops start-up; a router built for a test (chaincode.testing builds one per ledger) pays for it
        only if the test reads the metadata."""
        return encode_result(self._build_metadata())

    def _register(self, contract: Contract) -> None:
        if contract.name in self._contracts:
            raise ValueError(f"two contracts are named {contract.name!r}")
        self._contracts[contract.name] = contract
        self._routes[contract.name] = {
            name: Route(contract, mark, method, Signature.of(method))
            for name, (mark, method) in contract.transactions().items()
        }

    @property
    def contracts(self) -> dict[str, Contract]:
        return dict(self._contracts)

    def function_spellings(self) -> dict[str, str]:
        """Every name ``route`` resolves to a transaction, mapped to its ``Contract:Function`` form
        (the default contract's functions also without the contract, as ``route`` accepts them)."""
        spellings: dict[str, str] = {}
        for contract_name, routes in self._routes.items():
            for function_name in routes:
                spellings[f"{contract_name}:{function_name}"] = f"{contract_name}:{function_name}"
                if self._contracts[contract_name] is self.default_contract:
                    spellings[function_name] = f"{contract_name}:{function_name}"
        return spellings

    def route(self, function: str) -> tuple[Contract, Route | None]:
        """Resolve ``Contract:Function`` (or ``Function``); raises ContractError for an unknown contract."""
        contract_name, separator, function_name = function.rpartition(":")
        if not separator:
            contract = self.default_contract
        else:
            contract = self._contracts.get(contract_name)
            if contract is None:
                known = ", ".join(sorted(self._contracts))
                raise ContractError(f"no contract named {excerpt(contract_name)} (contracts: {known})")
        return contract, self._routes[contract.name].get(function_name)

    async def invoke(self, stub: ChaincodeStub) -> Response:
        """Run the transaction the stub's arguments name; every failure becomes a status-500 Response."""
        args = stub.get_args()
        function = "<none>"   # for the log lines: an excerpt, since the caller chose the name
        try:
            if not args:
                raise ContractError("no function given: the first argument must name the transaction")
            try:
                requested = args[0].decode("utf-8")
            except UnicodeDecodeError:
                raise ContractError("the function name is not valid UTF-8: name the transaction as "
                                    "Contract:Function") from None
            function = excerpt(requested)
            contract, route = self.route(requested)
            ctx = contract.create_context(stub)
            if route is None:
                result = await contract.unknown_transaction(ctx)
            else:
                try:
                    values = route.signature.convert(requested, args[1:])
                except ConversionError as exc:
                    raise contract.invalid_arguments(exc) from None
                await contract.before_transaction(ctx)
                result = await route.method(ctx, *values)
                await contract.after_transaction(ctx, result)
            payload = encode_result(result)
        except ContractError as exc:
            logger.debug("transaction %s %s refused: %s", stub.tx_id, function, exc.message)
            return Response(INTERNAL_ERROR, exc.message)
        except BaseException as exc:  # any bug must still answer the peer (a stray CancelledError too)
            if not is_transaction_failure(exc):
                raise
            first = _first_of_group(exc)
            if isinstance(first, ContractError):
                logger.debug("transaction %s %s refused: %s", stub.tx_id, function, first.message)
                return Response(INTERNAL_ERROR, first.message)
            logger.exception("transaction %s %s failed", stub.tx_id, function)
            return failure_response(first if first is not None else exc, stub.tx_id)
        return Response(OK, "", payload)

    def metadata(self) -> dict[str, Any]:
        """Contract metadata in the shape Fabric's contract APIs publish from GetMetadata: a fresh copy of what
        the router built when it was created, for the caller to change if it likes."""
        return json.loads(self.metadata_json)

    def _build_metadata(self) -> dict[str, Any]:
        components: dict[str, Any] = {}
        contracts = {}
        for name, routes in self._routes.items():
            transactions = []
            for function_name, route in routes.items():
                entry: dict[str, Any] = {
                    "name": function_name,
                    "tag": [route.mark.tag],
                    # "required" said on each: Fabric's schema reads a parameter without it as optional
                    "parameters": [
                        {"name": p.name, "required": p.default is inspect.Parameter.empty,
                         "schema": schema_of(p.annotation, components)}
                        for p in route.signature.parameters
                    ],
                }
                if route.mark.transient:
                    # Fabric's metadata has no place for transient data; a transaction may carry more properties
                    # than its schema names, and each entry has a parameter's shape, which readers know
                    entry["transient"] = [
                        {"name": key, "description": TRANSIENT_DESCRIPTION, "required": True,
                         "schema": schema_of(annotation, components)}
                        for key, annotation in route.mark.transient
                    ]
                returns = route.signature.returns
                if returns not in (None, type(None), inspect.Parameter.empty):
                    entry["returns"] = schema_of(returns, components)
                transactions.append(entry)
            contracts[name] = {
                "name": name,
                "info": {"title": name, "version": self.version},
                "default": self._contracts[name] is self.default_contract,
                "transactions": transactions,
            }
        return {
            "$schema": METADATA_SCHEMA_URL,
            "info": {"title": self.title, "version": self.version},
            "contracts": contracts,
            "components": {"schemas": components},
        }
