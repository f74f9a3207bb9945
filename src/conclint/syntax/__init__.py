"""Source text to libcst trees and back: parsing with a CPython precheck, the batched traversal,
positions, and the token prefilter that skips files no rule can fire on."""
