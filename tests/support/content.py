"""The bytes of a `content: random` object, as s3storm makes them (src/s3/content.hpp): the
splitmix64 finalizer in counter mode, keyed by the run's seed and the object's key."""
import struct

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def _text_hash(text):
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return _mix((h + GOLDEN) & MASK)


def object_seed(run_seed, key):
    return _mix((run_seed + GOLDEN) & MASK) ^ _text_hash(key)


def random_bytes(run_seed, key, size, offset=0):
    """Bytes [offset, offset + size) of the object `key` written with `content: random`."""
    seed = object_seed(run_seed, key)
    first, last = offset // 8, (offset + size + 7) // 8
    words = b"".join(struct.pack("<Q", _mix((seed + (i + 1) * GOLDEN) & MASK))
                     for i in range(first, last))
    start = offset - first * 8
    return words[start:start + size]
