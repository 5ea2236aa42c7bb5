"""The scripted CLIs of a running channel, with block heights: `peer channel getinfo` gives each
joined peer's height (7 unless told), osnadmin gives member orderers the same 7, so one peer set
lower is a peer behind."""
from __future__ import annotations

from network.tools import Result

from .scripted_osnadmin import ScriptedOsnadmin
from .scripted_peer import ScriptedPeer

HEIGHT = 7


class PeerAt(ScriptedPeer):
    def __init__(self, *args, heights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.heights: dict[str, int] = dict(heights or {})     # peer address -> height

    def _channel_getinfo(self, msp, args, env):
        address = env["CORE_PEER_ADDRESS"]
        if address not in self.joined:
            return Result("", "Error: received bad response, status 404: access denied for "
                              "[GetChainInfo][receivables]", 1)
        return Result(f'Blockchain info: {{"height":{self.heights.get(address, HEIGHT)},"currentBlockHash":"x"}}\n',
                      "", 0)


class OsnadminAt(ScriptedOsnadmin):
    def _channel_list(self, address, args):
        if "--channelID" in args and address in self.joined:
            return self._answer(200, {"name": self.channel, "status": "active", "consensusRelation": "consenter",
                                      "height": HEIGHT})
        return super()._channel_list(address, args)
