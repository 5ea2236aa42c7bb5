"""recfin client side: the Fabric Gateway SDK (`client.gateway`) and what is built on it."""
