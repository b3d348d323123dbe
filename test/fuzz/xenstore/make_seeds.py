#!/usr/bin/env python3
"""Writes the seed corpus of xs_request_fuzz: real XenStore request streams
(little-endian xsd_sockmsg headers + payloads). Odd req_ids go to the domU
connection (domain 1), even ones to dom0. Run from anywhere:
    test/fuzz/xenstore/make_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "xs_request")

T = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5,
         TRANSACTION_START=6, TRANSACTION_END=7, INTRODUCE=8, RELEASE=9,
         GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13, SET_PERMS=14, WATCH_EVENT=15,
         IS_DOMAIN_INTRODUCED=17, RESUME=18, SET_TARGET=19, RESET_WATCHES=21,
         DIRECTORY_PART=22)


def msg(kind, payload, req=2, tx=0):
    if isinstance(payload, str):
        payload = payload.encode()
    return struct.pack("<IIII", T[kind] if isinstance(kind, str) else kind, req, tx,
                       len(payload)) + payload


def z(*parts):
    return b"".join(p.encode() + b"\0" for p in parts)


SEEDS = {
    "write_read": [msg("WRITE", b"/a/b\0hello"), msg("READ", z("/a/b")),
                   msg("DIRECTORY", z("/a")), msg("GET_PERMS", z("/a/b")),
                   msg("RM", z("/a")), msg("READ", z("/a/b"))],
    "mkdir_perms": [msg("MKDIR", z("/local/domain/1")),
                    msg("SET_PERMS", z("/local/domain/1", "n1", "r0")),
                    msg("WRITE", b"data\0guest", req=3), msg("READ", z("data"), req=5),
                    msg("GET_PERMS", z("/local/domain/1/data")),
                    msg("WRITE", b"/secret\0x", req=7), msg("READ", z("/tool"), req=9)],
    "transaction": [msg("TRANSACTION_START", z("")), msg("WRITE", b"/t/x\0one", tx=1),
                    msg("READ", z("/t/x"), tx=1), msg("TRANSACTION_END", z("T"), tx=1),
                    msg("TRANSACTION_START", z("")), msg("RM", z("/t"), tx=2),
                    msg("TRANSACTION_END", z("F"), tx=2),
                    msg("TRANSACTION_END", z("T"), tx=9)],
    "tx_conflict": [msg("TRANSACTION_START", z("")), msg("READ", z("/c"), tx=1),
                    msg("WRITE", b"/c\0other"), msg("WRITE", b"/c\0mine", tx=1),
                    msg("TRANSACTION_END", z("T"), tx=1)],
    "watches": [msg("WATCH", z("/w", "tok")), msg("WRITE", b"/w/x\0" + b"1"),
                msg("WATCH", z("@introduceDomain", "i")), msg("WATCH", z("@releaseDomain", "r")),
                msg("INTRODUCE", z("7", "1", "1")), msg("RELEASE", z("7")),
                msg("UNWATCH", z("/w", "tok")), msg("RESET_WATCHES", z(""))],
    "guest_watches": [msg("WATCH", z("w", "g"), req=1), msg("WATCH", z("/", "root"), req=3),
                      msg("WRITE", b"/local/domain/1/w\0v"), msg("RESET_WATCHES", z(""), req=5)],
    "domains": [msg("INTRODUCE", z("3", "100", "5")), msg("IS_DOMAIN_INTRODUCED", z("3")),
                msg("GET_DOMAIN_PATH", z("3")), msg("SET_TARGET", z("3", "1")),
                msg("RESUME", z("3")), msg("RELEASE", z("3")), msg("RELEASE", z("1")),
                msg("IS_DOMAIN_INTRODUCED", z("1"))],
    "control": [msg("CONTROL", z("help")), msg("CONTROL", z("quota")),
                msg("CONTROL", z("quota", "1")), msg("CONTROL", z("memreport")),
                msg("CONTROL", z("check")), msg("CONTROL", z("nosuch")),
                msg("CONTROL", z("quota"), req=1)],
    "directory_part": [msg("WRITE", b"/d/" + b"x" * 40 + b"\0")] +
                      [msg("MKDIR", z("/d/n%03d" % i)) for i in range(40)] +
                      [msg("DIRECTORY_PART", z("/d", "0")), msg("DIRECTORY_PART", z("/d", "100"))],
    "bad_requests": [msg("READ", b"/no-nul"), msg("WRITE", b""), msg("READ", z("//x")),
                     msg("READ", z("/bad char")), msg("TRANSACTION_START", z(""), tx=5),
                     msg("WATCH_EVENT", z("/x", "t")), msg(20, z("")), msg(99, b""),
                     msg("SET_PERMS", z("/a", "q9")), msg("RM", z("/"))],
    "quota_guest": [msg("MKDIR", z("/local/domain/1")),
                    msg("SET_PERMS", z("/local/domain/1", "n1"))] +
                   [msg("WRITE", ("k%d\0v" % i).encode(), req=2 * i + 1) for i in range(60)],
    "reconnect": [msg("TRANSACTION_START", z(""), req=1), msg("WATCH", z("x", "t"), req=3),
                  msg("READ", z("/"), req=0x80000001), msg("READ", z("/"), req=1)],
    "oversized": [msg("READ", z("/a")), struct.pack("<IIII", 2, 2, 0, 5000) + b"x" * 10],
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, parts in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b"".join(parts))


if __name__ == "__main__":
    main()
