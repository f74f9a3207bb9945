"""snad-space/ztf-viewer#667 (review of #665): CPU-heavy view code was moved to
asyncio.to_thread; the per-observation Python loop ran 0.95x as fast on 4 threads as serially,
so the offload frees the loop but buys no parallelism; the project moved it to a process pool."""
import asyncio
import math


def light_curve_points(observations):
    points = []
    for obs in observations:
        flux = 10 ** (-0.4 * (obs["mag"] - 23.9))
        flux_err = flux * obs["magerr"] * math.log(10) / 2.5
        points.append({"mjd": obs["mjd"] - 58000.0, "flux": flux, "flux_err": flux_err})
    return points


async def plot_data(oid, observations):
    points = await asyncio.to_thread(light_curve_points, observations)  # BUG: CCL201
    return {"oid": oid, "points": points}
