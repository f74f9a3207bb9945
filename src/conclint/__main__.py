"""Allow `python -m conclint`.

`-m` puts the working directory first on the import path, and conclint is usually run from
inside the checkout it lints: it is removed before anything else is imported, so a
`typing.py` or `click/` of the linted tree is never imported (see `import_path`).
"""

import sys

from conclint.project.import_path import strip_working_directory

strip_working_directory(sys.path)

from conclint.cli import main  # noqa: E402 - only once the import path is safe

if __name__ == "__main__":
    main()
