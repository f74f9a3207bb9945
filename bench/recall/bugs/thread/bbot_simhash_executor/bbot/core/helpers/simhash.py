import hashlib


def compute_simhash(text, width=64):
    vector = [0] * width
    tokens = text.split()
    for i in range(len(tokens) - 2):
        shingle = " ".join(tokens[i:i + 3]).encode()
        h = int.from_bytes(hashlib.blake2b(shingle, digest_size=8).digest(), "big")
        for bit in range(width):
            vector[bit] += 1 if (h >> bit) & 1 else -1
    fingerprint = 0
    for bit in range(width):
        if vector[bit] > 0:
            fingerprint |= 1 << bit
    return fingerprint
