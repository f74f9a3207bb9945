"""CCL3xx: multiprocessing entry points: processes started at import time, work a child process cannot unpickle."""
