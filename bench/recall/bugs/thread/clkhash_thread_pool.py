"""data61/clkhash#423: the PR let generate_clks hash chunks of records on a ThreadPoolExecutor;
the review measured it slower than no threads at all: the Bloom-filter encoding is Python loops
over tokens with small HMAC digests, all under the GIL."""
import hmac
from concurrent.futures import ThreadPoolExecutor
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


def generate_clks(pii_data, keys, chunk_size=200):
    results = []
    with ThreadPoolExecutor() as executor:
        futures = [executor.submit(hash_chunk, pii_data[i:i + chunk_size], keys) for i in range(0, len(pii_data), chunk_size)]  # BUG: CCL201
        for future in futures:
            results.extend(future.result())
    return results
