"""lanjelot/patator#5: at module level (patator.py line 638) patator started a SyncManager with a
lambda initializer; on Windows the manager's process is spawned, the lambda cannot be pickled
("PicklingError: Can't pickle <function <lambda>>"), and the start runs at import time anyway."""
import signal
from multiprocessing.managers import SyncManager

manager = SyncManager()
manager.start(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))  # BUG: CCL301, CCL303


class Controller:
    def __init__(self, module, argv):
        self.ns = manager.Namespace()
        self.ns.actions = {}
        self.module = module
        self.argv = argv


if __name__ == "__main__":
    import sys

    Controller(sys.argv[1], sys.argv[2:])
