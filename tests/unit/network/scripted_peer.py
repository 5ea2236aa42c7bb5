"""The `peer` CLI's answers for one channel, scripted: the seam between recfin's orchestration
(which calls to make, as whom, in what order) and Fabric, whose real answers the integration
suite gets from real peers.

It keeps what each org's peer has joined and installed, the approvals of the pending
definition, and the committed one with its approvals, and records every call. `committed` and
`approved` are the topology's chaincode's; any other name has its own (`others`), as on a channel.
As Tools.run does, `run` raises ToolError on a non-zero exit unless `check=False`: a refusal it
scripts reaches the caller that relies on the check.
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from network.errors import ToolError
from network.packaging import package_id
from network.tools import Result, last_error_line

NOT_DEFINED = "Error: query failed with status: 404 - namespace receivables is not defined"


class ScriptedPeer:
    def __init__(self, topology, *, committed=None, approved=(), joined=(), fabric=None):
        self.orgs = [o.msp_id for o in topology.orgs]
        self.fabric = fabric                       # what Tools.fabric gives, for callers that read it
        self.committed = committed
        self.approved = set(approved)              # MSP IDs that approved the pending definition
        self.joined = set(joined)                  # peer addresses that joined the channel
        self.installed: dict[str, set[str]] = {m: set() for m in self.orgs}
        self.refuse: set[str] = set()              # MSP IDs whose approval does not take
        self.chaincode = topology.chaincode.name
        self.others: dict[str, SimpleNamespace] = {}   # another chaincode name -> its committed, approved
        self.calls: list[tuple[str, str, list[str], dict]] = []   # (verb, MSP ID, args, env)

    def run(self, tool, args, env=None, *, check=True, cwd=None):
        assert tool == "peer"
        args, env = list(args), dict(env or {})
        msp = env["CORE_PEER_LOCALMSPID"]
        verb = args[2] if args[0] == "lifecycle" else f"{args[0]} {args[1]}"
        self.calls.append((verb, msp, args, env))
        handler = getattr(self, "_" + verb.replace(" ", "_"), None)
        if handler is None:
            raise AssertionError(f"not scripted: peer {' '.join(args)}")
        res = handler(msp, args, env)
        if check and res.returncode != 0:
            raise ToolError(f"{tool} {' '.join(args[:3])} failed: {last_error_line(res.stderr or res.stdout)}",
                            stdout=res.stdout, stderr=res.stderr, returncode=res.returncode)
        return res

    def verbs(self) -> list[str]:
        return [verb for verb, *_ in self.calls]

    # ---- peer channel ...
    def _channel_list(self, msp, args, env):
        joined = "receivables\n" if env["CORE_PEER_ADDRESS"] in self.joined else ""
        return Result("Channels peers has joined: \n" + joined, "", 0)

    def _channel_join(self, msp, args, env):
        self.joined.add(env["CORE_PEER_ADDRESS"])
        return Result("", "Successfully submitted proposal to join channel", 0)

    def _channel_getinfo(self, msp, args, env):
        return Result('Blockchain info: {"height":7,"currentBlockHash":"x"}\n', "", 0)

    # ---- peer lifecycle chaincode ...
    def _queryinstalled(self, msp, args, env):
        return Result(json.dumps({"installed_chaincodes": [{"package_id": p} for p in self.installed[msp]]}), "", 0)

    def _install(self, msp, args, env):
        path = Path(args[3])
        self.installed[msp].add(package_id(path.name.removesuffix(".tar.gz"), path.read_bytes()))
        return Result("", "", 0)

    def definition(self, args):
        """What the channel holds for the chaincode the call names: .committed and .approved."""
        name = args[args.index("--name") + 1]
        if name == self.chaincode:
            return self
        return self.others.setdefault(name, SimpleNamespace(committed=None, approved=set()))

    def _querycommitted(self, msp, args, env):
        held = self.definition(args)
        if held.committed is None:
            return Result("", NOT_DEFINED, 1)
        return Result(json.dumps(held.committed), "", 0)

    def _checkcommitreadiness(self, msp, args, env):
        return Result(json.dumps({"approvals": {m: m in self.definition(args).approved for m in self.orgs}}), "", 0)

    def _approveformyorg(self, msp, args, env):
        if msp in self.refuse:
            return Result("", "", 0)
        held = self.definition(args)
        sequence = int(args[args.index("--sequence") + 1])
        if held.committed is not None and sequence == int(held.committed["sequence"]):
            known = getattr(held, "committed_parameters", None)
            if known is not None and known != parameters(args):
                # as Fabric refuses it: the sequence in force is approved only with its exact parameters
                return Result("", f"Error: proposal failed with status: 500 - failed to invoke backing implementation "
                                  f"of 'ApproveChaincodeDefinitionForMyOrg': attempted to redefine the current "
                                  f"committed sequence ({sequence}) for namespace {args[args.index('--name') + 1]} "
                                  f"with different parameters", 1)
            if held.__dict__.get("approved_packages", {}).get((msp, sequence)) == args[args.index("--package-id") + 1]:
                # as Fabric 2.5+ refuses it (isAttemptToRedefine): this org approved just this already
                return Result("", f"Error: proposal failed with status: 500 - failed to invoke backing implementation "
                                  f"of 'ApproveChaincodeDefinitionForMyOrg': attempted to redefine the current "
                                  f"committed sequence ({sequence}) for namespace {args[args.index('--name') + 1]}", 1)
            held.committed.setdefault("approvals", {})[msp] = True     # a late org joins the definition in force
        else:
            held.approved.add(msp)
        held.__dict__.setdefault("approved_packages", {})[(msp, sequence)] = args[args.index("--package-id") + 1]
        return Result("", "", 0)

    def _queryapproved(self, msp, args, env):
        held = self.definition(args)
        package = getattr(held, "approved_packages", {}).get((msp, int(args[args.index("--sequence") + 1])))
        if package is None:
            return Result("", "Error: query failed with status: 500 - could not fetch approved chaincode definition", 1)
        return Result(json.dumps({"sequence": int(args[args.index("--sequence") + 1]),
                                  "source": {"Type": {"LocalPackage": {"package_id": package}}}}), "", 0)

    def _commit(self, msp, args, env):
        held = self.definition(args)
        held.committed = {"sequence": int(args[args.index("--sequence") + 1]),
                          "version": args[args.index("--version") + 1],
                          "approvals": {m: m in held.approved for m in self.orgs}}
        held.committed_parameters = parameters(args)
        return Result("", "", 0)


def parameters(args) -> tuple:
    """What the channel compares of a definition: its version, endorsement policy and collections (by content)."""
    def value(flag):
        return args[args.index(flag) + 1] if flag in args else None
    collections = value("--collections-config")
    return value("--version"), value("--signature-policy"), Path(collections).read_text() if collections else None
