"""Fixed as the project planned: the CPU-bound conversion runs in a process pool."""
import asyncio
import math
from concurrent.futures import ProcessPoolExecutor

PROCESS_POOL = ProcessPoolExecutor(max_workers=4)


def light_curve_points(observations):
    points = []
    for obs in observations:
        flux = 10 ** (-0.4 * (obs["mag"] - 23.9))
        flux_err = flux * obs["magerr"] * math.log(10) / 2.5
        points.append({"mjd": obs["mjd"] - 58000.0, "flux": flux, "flux_err": flux_err})
    return points


async def plot_data(oid, observations):
    loop = asyncio.get_running_loop()
    points = await loop.run_in_executor(PROCESS_POOL, light_curve_points, observations)
    return {"oid": oid, "points": points}
