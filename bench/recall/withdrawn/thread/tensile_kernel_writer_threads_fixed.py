"""Fixed as the review advised: multiprocessing.Pool.map over the kernels."""
import os
from multiprocessing import Pool


def getKernelSource(kernel):
    lines = []
    for unroll in range(kernel["LoopUnroll"]):
        for i in range(kernel["ThreadTile0"]):
            for j in range(kernel["ThreadTile1"]):
                lines.append(f"  v_mac_f32 v[vgprValuC+{i * kernel['ThreadTile1'] + j}], v[vgprValuA+{i}], v[vgprValuB+{j}] // u{unroll}")
    return "\n".join(lines)


def writeKernels(kernels, outputPath, cpuThreads=4):
    with Pool(cpuThreads) as pool:
        sources = pool.map(getKernelSource, kernels)
    for kernel, source in zip(kernels, sources):
        with open(os.path.join(outputPath, kernel["name"] + ".s"), "w") as f:
            f.write(source)
