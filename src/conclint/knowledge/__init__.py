"""Catalogs as data: blocking calls and their async replacements, the types calls return."""
