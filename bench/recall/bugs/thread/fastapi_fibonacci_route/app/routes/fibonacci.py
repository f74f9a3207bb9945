import time


def fib(n):
    return 1 if n < 2 else fib(n - 1) + fib(n - 2)


def run_fib_for_n_seconds(max_number, sec):
    start_time = time.perf_counter()
    total_time = 0
    while True:
        fib(max_number)
        end_time = time.perf_counter()
        total_time = end_time - start_time
        if total_time >= sec:
            break
    return {"time": total_time}
