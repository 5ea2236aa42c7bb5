"""The `osnadmin` CLI's answers for one channel, scripted, in the style of scripted_peer.py: which
orderers (by admin address) are members of the channel, which refuse a join, and every call.

osnadmin prints "Status: <code>" and the admin endpoint's JSON body, and exits 0 whatever the
code; network.channel.parse_osnadmin reads both.
"""
from __future__ import annotations

import json

from network.tools import Result


class ScriptedOsnadmin:
    def __init__(self, channel: str = "receivables", *, joined=()):
        self.channel = channel
        self.joined = set(joined)                      # admin addresses of member orderers
        self.refuse: dict[str, tuple[int, str]] = {}   # admin address -> (status, error) a join gets
        self.calls: list[tuple[str, str, list[str]]] = []   # (verb, admin address, args)

    def run(self, tool, args, env=None, *, check=True, cwd=None):
        assert tool == "osnadmin"
        args = list(args)
        verb, address = f"{args[0]} {args[1]}", args[args.index("-o") + 1]
        self.calls.append((verb, address, args))
        handler = getattr(self, "_" + verb.replace(" ", "_"), None)
        if handler is None:
            raise AssertionError(f"not scripted: osnadmin {' '.join(args)}")
        return handler(address, args)

    @staticmethod
    def _answer(status: int, body: dict) -> Result:
        return Result(f"Status: {status}\n{json.dumps(body, indent=2)}\n", "", 0)

    def _channel_list(self, address, args):
        member = address in self.joined
        if "--channelID" in args:
            if not member:
                return self._answer(404, {"error": "channel does not exist"})
            return self._answer(200, {"name": self.channel, "status": "active", "consensusRelation": "consenter",
                                      "height": 1})
        channels = [{"name": self.channel, "url": f"/participation/v1/channels/{self.channel}"}] if member else []
        return self._answer(200, {"systemChannel": None, "channels": channels})

    def _channel_join(self, address, args):
        if address in self.refuse:
            status, error = self.refuse[address]
            return self._answer(status, {"error": error})
        self.joined.add(address)
        return self._answer(201, {"name": self.channel, "url": f"/participation/v1/channels/{self.channel}",
                                  "consensusRelation": "consenter", "status": "onboarding", "height": 0})


class ScriptedFabric:
    """One Tools stand-in for both CLIs, keeping the order of every call across them."""

    def __init__(self, peer, osnadmin: ScriptedOsnadmin):
        self.peer, self.osnadmin = peer, osnadmin
        self.fabric = peer.fabric
        self.calls: list[tuple[str, list[str], dict]] = []    # (tool, args, env)

    def run(self, tool, args, env=None, *, check=True, cwd=None):
        self.calls.append((tool, list(args), dict(env or {})))
        return {"peer": self.peer, "osnadmin": self.osnadmin}[tool].run(tool, args, env, check=check, cwd=cwd)
