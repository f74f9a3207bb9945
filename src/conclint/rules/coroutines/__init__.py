"""CCL1xx: calls that block the thread inside a coroutine, freezing every task of the loop."""
