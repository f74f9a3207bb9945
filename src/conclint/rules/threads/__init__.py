"""CCL2xx: pure-Python computation handed to threads, which the GIL runs one at a time."""
