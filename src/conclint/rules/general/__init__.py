"""Rules that are not about one concurrency family: the file itself."""
