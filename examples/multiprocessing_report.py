"""Build a sales report by crunching one CSV per region in a process pool."""

import csv
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import Process
from pathlib import Path

DATA = Path("sales")


def load(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def summarize_regions(paths: list[Path], currency: str) -> dict[str, float]:
    def total(path: Path) -> tuple[str, float]:
        rows = load(path)
        return path.stem, sum(float(row[currency]) for row in rows)

    totals = {}
    with ProcessPoolExecutor() as executor:
        futures = [executor.submit(total, path) for path in paths]
        for future in as_completed(futures):
            region, amount = future.result()
            totals[region] = amount
    return totals


def publish(totals: dict[str, float]) -> None:
    for region, amount in sorted(totals.items()):
        print(f"{region:>12}: {amount:12.2f}")


def main() -> None:
    totals = summarize_regions(sorted(DATA.glob("*.csv")), "eur")
    uploader = Process(target=publish, args=(totals,))
    uploader.start()
    uploader.join()


main()
