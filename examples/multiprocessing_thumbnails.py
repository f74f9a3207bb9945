"""Make thumbnails of every photo in a folder on all cores: a script written on Linux that
crashes on macOS and Windows, where child processes start with spawn."""

import multiprocessing as mp
import sys
from pathlib import Path

from PIL import Image

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "photos")
TARGET = SOURCE / "thumbnails"
SIZE = (256, 256)

mp.set_start_method("spawn")


def make_thumbnail(path: Path) -> Path:
    with Image.open(path) as image:
        image.thumbnail(SIZE)
        out = TARGET / path.name
        image.save(out)
    return out


TARGET.mkdir(exist_ok=True)
photos = sorted(SOURCE.glob("*.jpg"))
with mp.Pool() as pool:
    done = pool.map(make_thumbnail, photos)
    sizes = pool.map(lambda p: p.stat().st_size, done)

print(f"{len(done)} thumbnails, {sum(sizes) // 1024} KiB")
