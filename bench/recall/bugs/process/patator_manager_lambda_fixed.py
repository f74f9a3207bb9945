"""Fixed: a module-level initializer, and the manager starts under the main guard."""
import signal
from multiprocessing.managers import SyncManager


def ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Controller:
    def __init__(self, manager, module, argv):
        self.ns = manager.Namespace()
        self.ns.actions = {}
        self.module = module
        self.argv = argv


if __name__ == "__main__":
    import sys

    manager = SyncManager()
    manager.start(ignore_sigint)
    Controller(manager, sys.argv[1], sys.argv[2:])
