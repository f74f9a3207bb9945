"""ebachelet/pyLIMA#66: the examples create a multiprocessing.Pool at module level and hand it
to the fit; on macOS with Python 3.11 (spawn) the workers re-import the example and the run
fails with the bootstrapping RuntimeError. The maintainers' fix: the example body under
`if __name__ == "__main__":`."""
import multiprocessing as mul

import numpy as np
from pyLIMA import event, telescopes
from pyLIMA.fits import DE_fit
from pyLIMA.models import PSPL_model

your_event = event.Event()
your_event.name = "My event name"
data_1 = np.loadtxt("./data/Survey_1.dat")
your_event.telescopes.append(telescopes.Telescope(name="OGLE", camera_filter="I", light_curve=data_1.astype(float), light_curve_names=["time", "mag", "err_mag"], light_curve_units=["JD", "mag", "mag"]))
your_event.check_event()

pspl = PSPL_model.PSPLmodel(your_event)
my_fit = DE_fit.DEfit(pspl)
pool = mul.Pool(processes=4)  # BUG: CCL301
my_fit.fit(computational_pool=pool)
print(my_fit.fit_results["best_model"])
