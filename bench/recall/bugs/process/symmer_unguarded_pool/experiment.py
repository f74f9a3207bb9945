"""qmatter-labs/symmer#149: the library runs `with mp.Pool(mp.cpu_count()) as pool:` inside its
methods; notebook 2.2 run as a plain script calls them at module level, and under spawn (macOS)
every worker re-imports the script and starts pools of its own."""
from symmer.operators import PauliwordOp

H = PauliwordOp(["XXZ", "ZZI", "IXY"], [0.5, -1.2, 0.3])
energy = H.expval("ZZX")  # BUG: CCL302
print(f"<H> = {energy}")
