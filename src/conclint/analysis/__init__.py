"""Facts more than one rule needs, computed once per file during the shared traversal."""
