"""Rules about the life of coroutines, tasks and futures (CCL4xx)."""
