"""The namespaced network's defaults and the form of its prefix (``network.namespaces``), in a module that imports
nothing more, so that `recfin network netns ... --help` shows them, and its --prefix is checked, without loading the
network's crypto and the gateway client."""
from __future__ import annotations

import re

DEFAULT_PREFIX = "recfin"
"""The start of every namespace and link name unless --prefix says otherwise."""

PREFIX_RE = re.compile(r"^[a-z][a-z0-9]{0,7}\Z")   # \Z: "$" matches before a final newline too

# A /24 from the private range; the addresses exist only inside namespaces made here.
DEFAULT_SUBNET = "10.213.7.0/24"
