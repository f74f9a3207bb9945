"""Fixed as the review asked: processes (ProcessPoolExecutor), or no pool for max_workers=1."""
import hmac
from concurrent.futures import ProcessPoolExecutor
from hashlib import sha1, md5


def double_hash_encode(tokens, key_sha1, key_md5, k, l):
    bits = [0] * l
    for token in tokens:
        t = token.encode("utf-8")
        sha1hm = int(hmac.new(key_sha1, t, sha1).hexdigest(), 16) % l
        md5hm = int(hmac.new(key_md5, t, md5).hexdigest(), 16) % l
        for i in range(k):
            bits[(sha1hm + i * md5hm) % l] = 1
    return bits


def hash_chunk(chunk_pii_data, keys, k=30, l=1024):
    clks = []
    for record in chunk_pii_data:
        tokens = [record[i:i + 2] for i in range(len(record) - 1)]
        clks.append(double_hash_encode(tokens, keys[0], keys[1], k, l))
    return clks


def generate_clks(pii_data, keys, chunk_size=200, max_workers=None):
    if max_workers == 1:
        return hash_chunk(pii_data, keys)
    results = []
    with ProcessPoolExecutor(max_workers=max_workers) as executor:
        futures = [executor.submit(hash_chunk, pii_data[i:i + chunk_size], keys) for i in range(0, len(pii_data), chunk_size)]
        for future in futures:
            results.extend(future.result())
    return results
