"""The old import path of the process analysis, kept for the modules that still use it.

The analysis the CCL3 rules read lives in modules with one job each:

- `process_layout`: what runs when a module is imported (`module_layout`,
  `runs_at_import_time`, `in_region`).
- `process_starts`: the calls and `with` items that start processes (`process_start`,
  `with_item_start`, `ProcessStart`).
- `process_objects`: what a process-related object is and the call that made it
  (`process_object_kind`, `class_kind`, `origin_call`).
- `process_start_methods`: whether a creation picks fork through its context
  (`context_method`, `forks`, `creation_forks`).
- `process_summaries` / `process_summary_collector`: the processes each function starts, as
  plain values, the chains to them (`process_chain`, `project_processes`), and the visitor
  that builds them (`ProcessSummaryCollector`).
- `process_callees`: which function a call runs (`local_callee`, `imported_callee`).
- `process_literals` / `process_display`: literal argument values, and how messages name
  callees and functions.

Only the names imported from here elsewhere (`analysis/pickling.py`,
`fixes/process_pool.py`, `tests/test_process_summary.py`) are re-exported; new code imports
from the module that does the job.
"""

from __future__ import annotations

from conclint.analysis.process_display import callee_text
from conclint.analysis.process_layout import module_layout
from conclint.analysis.process_objects import origin_call
from conclint.analysis.process_start_methods import creation_forks
from conclint.analysis.process_summaries import FunctionProcesses, ProcessSummary, process_chain
from conclint.analysis.process_summary_collector import ProcessSummaryCollector

__all__ = [
    "FunctionProcesses",
    "ProcessSummary",
    "ProcessSummaryCollector",
    "callee_text",
    "creation_forks",
    "module_layout",
    "origin_call",
    "process_chain",
]
