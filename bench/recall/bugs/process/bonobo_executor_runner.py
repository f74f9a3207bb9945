"""python-bonobo/bonobo#149: ExecutorStrategy.execute submits a closure defined per node to the
strategy's executor; with the ProcessPoolExecutor strategy every run fails with
"Can't pickle local object 'ExecutorStrategy.execute.<locals>._runner'"."""
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor


class ExecutorStrategy:
    executor_factory = Executor

    def create_executor(self):
        return self.executor_factory()

    def execute(self, graph, **kwargs):
        context = graph.create_execution_context(**kwargs)
        executor = self.create_executor()
        futures = []
        for node_context in context.nodes:

            def _runner():
                with node_context:
                    node_context.loop()

            futures.append(executor.submit(_runner))  # BUG: CCL303
        return futures


class ThreadPoolExecutorStrategy(ExecutorStrategy):
    executor_factory = ThreadPoolExecutor


class ProcessPoolExecutorStrategy(ExecutorStrategy):
    executor_factory = ProcessPoolExecutor
