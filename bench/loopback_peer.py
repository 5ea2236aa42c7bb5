"""This process as the peer: a real ChaincodeServer in its own process, dialled over loopback gRPC.

The server process (``python -m bench.loopback_peer``) serves the receivables contract with the
production server class and stream handler. ``LoopbackPeer`` opens the Connect stream as a peer
does (REGISTER, REGISTERED, READY with the peer's options), sends each TRANSACTION with a signed
proposal, answers every request from a ``MemoryLedger`` (``chaincode.testing``'s peer session, the
replies a peer sends) and commits the write set when the transaction completes with status 200.
"""
from __future__ import annotations

import asyncio
import contextlib
import cProfile
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import grpc
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2 as shim_pb2, chaincode_shim_pb2_grpc
from fabric_protos.peer import proposal_pb2, proposal_response_pb2

from chaincode.shim import ChaincodeServer, PeerError, PeerOptions
from chaincode.shim.server import load_contract
from chaincode.testing import MemoryLedger, TestIdentity
from chaincode.testing._memory_peer import MemoryPeerSession, Write
from chaincode.testing._proposals import make_signed_proposal
from client.receivables import CONTRACT_NAME

Msg = shim_pb2.ChaincodeMessage
CHANNEL = "receivables"
CHAINCODE = "receivables"
PACKAGE_ID = "receivables_1.0:components"
SERVED_CONTRACT = "chaincode.receivables:ReceivablesContract"
TIMEOUT = 30.0
REPO = Path(__file__).resolve().parents[1]


def serve_chaincode_server() -> None:
    """The server process: a ChaincodeServer with the receivables contract on a free loopback port.

    Prints the port, then obeys lines on stdin: ``profile-start``, ``profile-stop PATH`` (writes
    the cProfile stats of the event loop's thread, where the contract and the handler run), ``cpu``
    (answers ``ok NANOSECONDS``: this process's CPU so far, ``time.process_time_ns``), ``quit``.
    Each other command is answered with ``ok`` once done.
    """
    async def run() -> None:
        loop = asyncio.get_running_loop()
        server = ChaincodeServer([load_contract(SERVED_CONTRACT)], "127.0.0.1:0", PACKAGE_ID)
        port = await server.start()
        profiler = cProfile.Profile(time.thread_time)
        commands: asyncio.Queue[str] = asyncio.Queue()

        def read_stdin() -> None:  # a thread: stdin is a pipe the event loop cannot wait on portably
            for line in sys.stdin:
                loop.call_soon_threadsafe(commands.put_nowait, line.strip())
            loop.call_soon_threadsafe(commands.put_nowait, "quit")

        threading.Thread(target=read_stdin, daemon=True).start()
        print(port, flush=True)
        while (command := await commands.get()) != "quit":
            answer = "ok"
            if command == "profile-start":
                profiler.enable()
            elif command.startswith("profile-stop "):
                profiler.disable()
                profiler.dump_stats(command.split(" ", 1)[1])
                profiler = cProfile.Profile(time.thread_time)
            elif command == "cpu":
                # read here, all threads, in nanoseconds: /proc/<pid>/stat counts 10 ms clock ticks, more CPU
                # than a transaction takes, so a few transactions read as 0 or a whole tick
                answer = f"ok {time.process_time_ns()}"
            print(answer, flush=True)
        await server.stop(1)

    asyncio.run(run())


class ServerProcess:
    """The chaincode server's process, started and commanded from here."""

    def __init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "RECFIN_NETWORK_CONFIG"}  # the default config
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.loopback_peer"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO,
        )
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.close()
            raise RuntimeError(f"the chaincode server did not start (it printed {line!r}); run "
                               "`python -m bench.loopback_peer` to see why")
        self.port = int(line)

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        """The server's CPU seconds so far, all its threads, as the process itself reads them (``cpu``):
        to the nanosecond, where /proc/<pid>/stat (``bench.cpu``) counts 10 ms ticks."""
        if self.process.poll() is not None:
            raise RuntimeError(f"the chaincode server (pid {self.pid}) is gone")
        return int(self.command("cpu")) / 1e9

    def command(self, text: str) -> str:
        """Send one command and wait for its ``ok``; returns what follows ``ok`` on that line."""
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        said, _, rest = self.process.stdout.readline().strip().partition(" ")
        if said != "ok":
            raise RuntimeError(f"the chaincode server did not acknowledge {text!r}")
        return rest

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.process.stdin.write("quit\n")
                self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class _RecordingSession(MemoryPeerSession):
    """The peer session of one transaction that also keeps the world-state keys it read (its public
    read set; private data reads, answered from the ledger's collections, go to another namespace)."""

    def __init__(self, ledger: MemoryLedger) -> None:
        super().__init__(ledger, batch_size=ledger.query_batch_size)
        self.reads: list[str] = []

    def _get_state(self, payload: bytes) -> bytes:
        request = shim_pb2.GetState.FromString(payload)
        if not request.collection:
            self.reads.append(request.key)
        return super()._get_state(payload)

    def _get_state_multiple(self, payload: bytes) -> bytes:
        request = shim_pb2.GetStateMultiple.FromString(payload)
        if not request.collection:
            self.reads.extend(request.keys)
        return super()._get_state_multiple(payload)


@dataclass
class Executed:
    """One transaction as the peer saw it: what a Gateway would put in the prepared transaction."""

    proposal: proposal_pb2.SignedProposal
    tx_id: str
    status: int
    message: str
    payload: bytes
    event: tuple[str, bytes] | None
    reads: list[str]
    writes: list[Write]
    round_trips: int = 0      # requests the chaincode server sent the peer (GET_STATE, PUT_STATE, WRITE_BATCH ...)
    requests: list[Msg] = field(default_factory=list)  # those requests as sent, in order
    replies: list[Msg] = field(default_factory=list)   # the peer's answer to each request, in the same order
    completed: Msg | None = None                        # the COMPLETED message that ended the transaction

    @property
    def ok(self) -> bool:
        return self.status == 200

    def result(self) -> dict[str, Any]:
        return json.loads(self.payload)


class LoopbackPeer:
    """The peer's side of one Connect stream to the chaincode server, answered from ``ledger``.

    Transactions run one at a time; each committed transaction's writes are applied to the
    ledger as MemoryLedger commits them, so the next one reads them. ``contract`` names the
    contract each function is sent to (``Contract:Function``); ``register`` keeps the chaincode's
    REGISTER message.
    """

    def __init__(self, ledger: MemoryLedger, port: int, options: PeerOptions, contract: str = CONTRACT_NAME) -> None:
        self.ledger = ledger
        self.port = port
        self.options = options
        self.contract = contract
        self.register: Msg | None = None
        self._channel: grpc.aio.Channel | None = None
        self._call = None

    async def __aenter__(self) -> LoopbackPeer:
        self._channel = grpc.aio.insecure_channel(f"127.0.0.1:{self.port}")
        self._call = chaincode_shim_pb2_grpc.ChaincodeStub(self._channel).Connect()
        register = await asyncio.wait_for(self._call.read(), TIMEOUT)
        if register.type != Msg.REGISTER:
            raise RuntimeError(f"the chaincode server opened with {Msg.Type.Name(register.type)}, not REGISTER")
        self.register = register
        await self._call.write(Msg(type=Msg.REGISTERED))
        await self._call.write(Msg(type=Msg.READY, payload=self.options.to_ready_payload()))
        return self

    async def __aexit__(self, *exc) -> None:
        await self._call.done_writing()
        with contextlib.suppress(asyncio.TimeoutError):
            while await asyncio.wait_for(self._call.read(), TIMEOUT) is not grpc.aio.EOF:
                pass
        await self._channel.close()

    async def execute(self, identity: TestIdentity, function: str, arguments: Sequence[str],
                      transient: dict[str, bytes] | None = None) -> Executed:
        args = [f"{self.contract}:{function}".encode()] + [a.encode() for a in arguments]
        when = datetime.now(timezone.utc)
        signed, tx_id = make_signed_proposal(channel_id=CHANNEL, chaincode_name=CHAINCODE, args=args,
                                             creator=bytes(identity), transient=transient, timestamp=when,
                                             signing_key=identity.private_key)
        session = _RecordingSession(self.ledger)
        requests: list[Msg] = []
        replies: list[Msg] = []
        await self._call.write(Msg(type=Msg.TRANSACTION, txid=tx_id, channel_id=CHANNEL, proposal=signed,
                                   payload=chaincode_pb2.ChaincodeInput(args=args).SerializeToString()))
        while True:
            message = await asyncio.wait_for(self._call.read(), TIMEOUT)
            if message is grpc.aio.EOF:
                raise RuntimeError(f"the chaincode server closed the stream during {function}")
            if message.type == Msg.COMPLETED:
                break
            requests.append(message)
            try:
                reply = Msg(type=Msg.RESPONSE, payload=await session.request(message.type, message.payload))
            except PeerError as error:
                reply = Msg(type=Msg.ERROR, payload=str(error).encode())
            reply.txid, reply.channel_id = tx_id, CHANNEL
            replies.append(reply)
            await self._call.write(reply)
        response = proposal_response_pb2.Response.FromString(message.payload)
        event = None
        if message.HasField("chaincode_event"):
            event = (message.chaincode_event.event_name, message.chaincode_event.payload)
        executed = Executed(signed, tx_id, response.status, response.message, response.payload, event,
                            session.reads, session.writes, len(requests), requests, replies, message)
        if executed.ok:
            # Commit at once, as MemoryLedger.submit does: the peer side of this benchmark is one ledger.
            self.ledger._commit(tx_id, when, session.writes, event)  # noqa: SLF001
        return executed


async def checked(peer: LoopbackPeer, identity: TestIdentity, function: str, arguments: Sequence[str],
                   transient: dict[str, bytes] | None = None) -> Executed:
    executed = await peer.execute(identity, function, arguments, transient)
    if not executed.ok:
        raise RuntimeError(f"{function} was refused ({executed.status}): {executed.message}")
    return executed


if __name__ == "__main__":
    serve_chaincode_server()
