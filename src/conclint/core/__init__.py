"""Plain values every layer shares (diagnostics, settings) and file primitives that trust nothing on disk."""
