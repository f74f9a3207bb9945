"""Fixed as the issue suggested: the experiment runs under the main guard."""
from symmer.operators import PauliwordOp


def main():
    H = PauliwordOp(["XXZ", "ZZI", "IXY"], [0.5, -1.2, 0.3])
    energy = H.expval("ZZX")
    print(f"<H> = {energy}")


if __name__ == "__main__":
    main()
