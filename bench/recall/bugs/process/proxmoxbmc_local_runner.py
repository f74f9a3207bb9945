"""agnon/proxmoxbmc#3: _sync_pbmc_states starts one multiprocessing.Process per BMC with a
target defined inside the method; under the spawn start method (macOS) it fails with
"Can't pickle local object 'ProxmoxBMCManager._sync_pbmc_states.<locals>.pbmc_runner'"."""
import multiprocessing


class ProxmoxBMC:
    def __init__(self, **kwargs):
        self.config = kwargs

    def listen(self, timeout):
        pass


class ProxmoxBMCManager:
    def __init__(self):
        self._running_pbmcs = {}

    def _sync_pbmc_states(self, bmc_configs, shutdown=False):
        for bmc_config in bmc_configs:
            pbmc_name = bmc_config["domain_name"]
            if shutdown or pbmc_name in self._running_pbmcs:
                continue

            def pbmc_runner(bmc_config):
                pbmc = ProxmoxBMC(**bmc_config)
                pbmc.listen(timeout=30)

            instance = multiprocessing.Process(name="pbmcd-managing-domain-%s" % pbmc_name, target=pbmc_runner, args=(bmc_config,))  # BUG: CCL303
            instance.daemon = True
            instance.start()
            self._running_pbmcs[pbmc_name] = instance
