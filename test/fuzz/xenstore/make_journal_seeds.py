#!/usr/bin/env python3
"""Writes the seed corpus of xs_journal_fuzz: small journals and snapshots in
xenstored's persistence format (docs/design/xenstored-persistence.md),
including a torn tail and a CRC error."""
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "xs_journal")


def header(magic, epoch):
    return magic + struct.pack("<IIQ", 1, 0, epoch)


def s(b):
    b = b.encode() if isinstance(b, str) else b
    return struct.pack("<I", len(b)) + b


def record(body):
    return struct.pack("<II", len(body), zlib.crc32(body)) + body


def node(path, value, perms):
    return record(b"\x01" + s(path) + s(value) + struct.pack("<I", len(perms)) +
                  b"".join(s(p) for p in perms))


def remove(path):
    return record(b"\x02" + s(path))


def domain(kind, domid):
    return record(bytes([kind]) + struct.pack("<I", domid))


def end(count):
    return record(b"\x05" + struct.pack("<Q", count))


journal = (header(b"XNJOURNL", 1) + node("/a", "", ["n0"]) + node("/a/b", b"v\0w", ["n0", "r5"]) +
           domain(3, 5) + node("/local/domain/5", "", ["n5"]) + remove("/a") + domain(4, 5))
snapshot = (header(b"XNSNAPSH", 2) + domain(3, 1) + node("/", "", ["n0"]) +
            node("/tool", "", ["n0"]) + node("/tool/xenstored", "", ["n0"]) + end(4))
torn = journal + node("/torn", "x" * 50, ["b0"])[:30]
badcrc = bytearray(journal)
badcrc[40] ^= 0xFF

SEEDS = {"journal": journal, "snapshot": snapshot, "torn": torn, "badcrc": bytes(badcrc)}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
