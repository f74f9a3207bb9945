"""conclint: a static linter for Python concurrency misuse."""

__version__ = "0.1.0"
