"""A run over a project: discover files, load the configuration, lint them (cache, worker pool,
project index), and keep the processes and files of the run safe."""
