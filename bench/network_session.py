"""The benchmark's connections to a running network, through the connection profiles `recfin network up` writes.

The demo's parties are the benchmark's actors: :func:`ensure_parties` registers them
the way ``recfin demo`` does (a rerun finds them registered) and returns their
credit codes; :func:`open_parties` opens the async clients the workloads drive.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack, ExitStack
from pathlib import Path

from client.gateway import Timeouts, connect, connect_async, load_msp_folder
from client.receivables import CONTRACT_NAME, AsyncReceivablesClient
from network import profiles

from .workloads import Parties

# The workloads' actors among the demo's (cli/demo_commands.ACTORS keys).
SUPPLIER, DEBTOR, TRANSFEREE = "tier1", "core", "tier2"


def ensure_parties(data_root: Path | None, say: Callable[[str], None]) -> dict[str, str]:
    """Register the demo's parties if needed; their credit codes by actor key (``tier1``, ``core``...)."""
    from cli import connection
    from cli.demo_commands import ACTORS, Run, demo_codes, register_parties

    with ExitStack() as stack:
        sessions = {key: stack.enter_context(connection.open_session(org, user, data_root))
                    for key, (org, user) in ACTORS.items()}
        codes = demo_codes(sessions, data_root)
        run = Run(say)
        register_parties(run, stack, sessions, codes, data_root)
        for session in sessions.values():   # the workload's first call on any peer finds every party there
            run.turns(session)
    return codes


def step_timeouts(call_timeout: float | None) -> Timeouts:
    """The deadline of each step of a call (evaluate, endorse, submit, commit status) as the benchmark's clients
    run: ``call_timeout`` for every one, so no step times out before the call does (None: no deadline), and the
    SDK's default for a wait for the other org's block. The Node client gets the same (bench/node_compare.py)."""
    return Timeouts(evaluate=call_timeout, endorse=call_timeout, submit=call_timeout, commit_status=call_timeout)


def _mutual_tls(who: profiles.UserIdentity) -> dict[str, Path]:
    if Path(who.tls_cert).is_file() and Path(who.tls_key).is_file():
        return {"client_certificate": who.tls_cert, "client_key": who.tls_key}
    return {}


async def open_client(stack: AsyncExitStack, org: str, user: str | None, data_root: Path | None,
                      grpc_options: Sequence[tuple[str, object]] = (),
                      timeouts: Timeouts | None = None) -> AsyncReceivablesClient:
    """An async receivables client acting as ``user`` of ``org``, closed with ``stack`` (``timeouts``: each
    step's deadline, default the SDK's)."""
    from cli.connection import default_user

    profile = profiles.load(org, data_root)
    who = profile.user(user or default_user(profile))
    identity, signer = load_msp_folder(who.msp_dir, profile.msp_id)
    gateway = connect_async(profile.gateway.address, identity=identity, signer=signer,
                            tls_root_certificates=profile.gateway.tls_root_cert,
                            server_name_override=profile.gateway.host_name_override,
                            grpc_options=grpc_options, timeouts=timeouts, **_mutual_tls(who))
    stack.push_async_callback(gateway.close)
    network = gateway.get_network(profile.channel)
    return AsyncReceivablesClient(network.get_contract(profile.chaincode, CONTRACT_NAME), network)


async def open_parties(stack: AsyncExitStack, codes: dict[str, str], data_root: Path | None,
                       grpc_options: Sequence[tuple[str, object]] = (), timeouts: Timeouts | None = None) -> Parties:
    """The workloads' parties: the tier-1 supplier and the core enterprise as the demo's users, with their
    orgs' MSP IDs (``timeouts``: each step's deadline, e.g. :func:`step_timeouts`; default the SDK's)."""
    from cli.demo_commands import ACTORS

    supplier = await open_client(stack, *ACTORS[SUPPLIER], data_root, grpc_options, timeouts)
    debtor = await open_client(stack, *ACTORS[DEBTOR], data_root, grpc_options, timeouts)
    return Parties(supplier=supplier, debtor=debtor, supplier_code=codes[SUPPLIER], debtor_code=codes[DEBTOR],
                   transferee_code=codes[TRANSFEREE], supplier_msp=profiles.load(ACTORS[SUPPLIER][0], data_root).msp_id,
                   debtor_msp=profiles.load(ACTORS[DEBTOR][0], data_root).msp_id)


def connect_peer(org: str, peer: profiles.Endpoint, data_root: Path | None):
    """A Gateway to one peer of ``org``, as the org's admin (a channel member that may query the ledger)."""
    from cli.connection import default_user

    profile = profiles.load(org, data_root)
    who = profile.user(default_user(profile, admin=True))
    identity, signer = load_msp_folder(who.msp_dir, profile.msp_id)
    return connect(peer.address, identity=identity, signer=signer, tls_root_certificates=peer.tls_root_cert,
                   server_name_override=peer.host_name_override, **_mutual_tls(who))
