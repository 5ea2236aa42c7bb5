"""The channel's orgs and an org's users as `recfin org` changes them, noting how far a change got, so that a stop
says what it left. A module of its own, imported when an org command runs: its classes extend the network's org
tooling, which loads the network's crypto and the gateway client, and the org group's --help needs none of it."""
from __future__ import annotations

from network import org_users
from network.org_membership import OrgMembership


class ChannelStepWatched(OrgMembership):
    """The channel's orgs, noting how far a command's config update got (``reached``), so that a stop in its
    channel step says what it left (cli.org_commands._channel_step): ``"not sent"`` until `peer channel update` starts,
    ``"sending"`` while it runs (the ordering service may or may not take it), ``"sent"`` once it returned (the
    ordering service took it) and ``"in force"`` once the channel's config was seen to carry it, or was found to
    carry it already (an earlier run's update) before anything was to be sent."""

    reached = "not sent"

    def send(self, *args, **kwargs):
        self.reached = "sending"
        sent = super().send(*args, **kwargs)
        self.reached = "sent"
        return sent

    def wait_for_config(self, *args, **kwargs):
        super().wait_for_config(*args, **kwargs)
        self.reached = "in force"

    def _check_name_free(self, spec, current):
        # an add whose org the channel has already (an earlier run's update): nothing is to be sent
        from network import channel_config

        super()._check_name_free(spec, current)
        if spec.msp_id in channel_config.application_orgs(current):
            self.reached = "in force"

    def _check(self, *args, **kwargs):
        # an update file the channel has already (an earlier run's): nothing is sent, and the steps after it run
        checked = super()._check(*args, **kwargs)
        if checked.applied:
            self.reached = "in force"
        return checked

    def _after_add(self, *args, **kwargs):
        self.reached = "in force"
        return super()._after_add(*args, **kwargs)

    def _after_remove(self, *args, **kwargs):
        self.reached = "in force"
        return super()._after_remove(*args, **kwargs)


class RevocationWatched(org_users.OrgUsers):
    """The org's users, noting in its ChannelStepWatched that a revocation the channel has already (an earlier run's,
    or another host's) is in force once its CRL is being written here: nothing is sent then, and a stop is past the
    channel step."""

    def _keep_channel_crl(self, *args, **kwargs):
        self.members.reached = "in force"
        return super()._keep_channel_crl(*args, **kwargs)
