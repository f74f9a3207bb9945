"""Allow `python -m conclint`."""

from conclint.cli import main

if __name__ == "__main__":
    main()
