"""Fixing files: apply the fixes of a run's findings, re-lint, and write the result back safely."""
