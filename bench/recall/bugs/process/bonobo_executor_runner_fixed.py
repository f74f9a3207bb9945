"""Fixed as python-bonobo/bonobo#149 proposed: the runner is a module-level function."""
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor


def _run_node(node_context):
    with node_context:
        node_context.loop()


class ExecutorStrategy:
    executor_factory = Executor

    def create_executor(self):
        return self.executor_factory()

    def execute(self, graph, **kwargs):
        context = graph.create_execution_context(**kwargs)
        executor = self.create_executor()
        futures = []
        for node_context in context.nodes:
            futures.append(executor.submit(_run_node, node_context))
        return futures


class ThreadPoolExecutorStrategy(ExecutorStrategy):
    executor_factory = ThreadPoolExecutor


class ProcessPoolExecutorStrategy(ExecutorStrategy):
    executor_factory = ProcessPoolExecutor
