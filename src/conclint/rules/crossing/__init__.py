"""Rules where threads, event loops and cancellation cross (CCL406-CCL408)."""
