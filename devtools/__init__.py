"""Tools for developing Vertaisbotti on your own machine; not part of the service."""
