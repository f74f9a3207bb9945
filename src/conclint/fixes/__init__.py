"""Fix plans: the rewrites rules attach to their findings, built from CST nodes.

`plan.py` holds the plan a rule hands to `Rule.report(..., fix=...)` and turns it into text
edits once positions are known; the other modules build the plans of one kind of finding.
"""
