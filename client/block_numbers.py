"""Fabric's block numbers as the SDK bounds them, in a module that loads nothing: the CLI checks and shows the
bound of a block number it is given without loading the SDK's gRPC client (``client.gateway`` names it too)."""

MAX_BLOCK_NUMBER = 2**64 - 1
"""The highest block number: Fabric's are uint64."""
