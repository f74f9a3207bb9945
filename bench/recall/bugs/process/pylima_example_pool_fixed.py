"""Fixed as the maintainers did: the example body under the main guard."""
import multiprocessing as mul

import numpy as np
from pyLIMA import event, telescopes
from pyLIMA.fits import DE_fit
from pyLIMA.models import PSPL_model


def main():
    your_event = event.Event()
    your_event.name = "My event name"
    data_1 = np.loadtxt("./data/Survey_1.dat")
    your_event.telescopes.append(telescopes.Telescope(name="OGLE", camera_filter="I", light_curve=data_1.astype(float), light_curve_names=["time", "mag", "err_mag"], light_curve_units=["JD", "mag", "mag"]))
    your_event.check_event()

    pspl = PSPL_model.PSPLmodel(your_event)
    my_fit = DE_fit.DEfit(pspl)
    with mul.Pool(processes=4) as pool:
        my_fit.fit(computational_pool=pool)
    print(my_fit.fit_results["best_model"])


if __name__ == "__main__":
    main()
