"""Rule modules, one rule class per module, grouped by family."""
