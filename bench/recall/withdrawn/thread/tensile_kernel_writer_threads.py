"""ROCm/Tensile#261 (review): kernel source generation was spread over CpuThreads threads; the
generation is Python string building, so the speedup stalled at 3-4 threads (GIL), and the
reviewer advised multiprocessing.Pool.map.

Withdrawn (bench/recall/CORPUS.md): the PR measured a 3-4x speedup on threads, so the work it
threaded was not GIL-bound; the marker below is what the entry claimed, no longer scored."""
import os
from threading import Thread


def getKernelSource(kernel):
    lines = []
    for unroll in range(kernel["LoopUnroll"]):
        for i in range(kernel["ThreadTile0"]):
            for j in range(kernel["ThreadTile1"]):
                lines.append(f"  v_mac_f32 v[vgprValuC+{i * kernel['ThreadTile1'] + j}], v[vgprValuA+{i}], v[vgprValuB+{j}] // u{unroll}")
    return "\n".join(lines)


def writeKernelsThread(kernels, outputPath):
    for kernel in kernels:
        source = getKernelSource(kernel)
        with open(os.path.join(outputPath, kernel["name"] + ".s"), "w") as f:
            f.write(source)


def writeKernels(kernels, outputPath, cpuThreads=4):
    threads = []
    for t in range(cpuThreads):
        threads.append(Thread(target=writeKernelsThread, args=(kernels[t::cpuThreads], outputPath)))  # BUG: CCL201
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
