"""recfin's command line: click groups over the network package and the SDK."""
