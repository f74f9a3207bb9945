import multiprocessing as mp


def _expval_term(args):
    term, coeff, state = args
    return coeff * sum(1 for a, b in zip(term, state) if a == b)


class PauliwordOp:
    def __init__(self, terms, coeffs):
        self.terms = terms
        self.coeffs = coeffs

    def expval(self, state):
        with mp.Pool(mp.cpu_count()) as pool:
            values = pool.map(_expval_term, [(t, c, state) for t, c in zip(self.terms, self.coeffs)])
        return sum(values)
