#!/usr/bin/env python3
"""Records RediSearch replies as decoder test vectors.

Usage: tests/search/record_replies.py PORT OUTDIR

Connects to a server with RediSearch loaded on 127.0.0.1:PORT, builds a
small index (FLUSHALL first: use a throwaway server), sends each command of
SCENARIO on RESP2 and on RESP3 and writes the raw reply bytes to
OUTDIR/resp{2,3}_<name>.bin. test_search_decoders.c reads them from
tests/data/search/<server> (redis-8.0, valkey-9.1).
"""
import socket
import sys
import time

SETUP = [
    ["FLUSHALL"],
    ["FT.CREATE", "ti", "PREFIX", "1", "doc:", "PAYLOAD_FIELD", "pl", "SCHEMA",
     "title", "TEXT", "tag", "TAG", "price", "NUMERIC", "SORTABLE"],
    ["HSET", "doc:1", "title", "hello world", "tag", "a", "price", "5", "pl", "p1"],
    ["HSET", "doc:2", "title", "hello there", "tag", "b", "price", "7", "pl", "p2"],
    ["HSET", "doc:3", "title", "hello again", "tag", "a", "price", "9", "pl", "p3"],
    ["FT.SUGADD", "sug", "hello", "1", "PAYLOAD", "sp"],
    ["FT.SYNUPDATE", "ti", "g1", "hi"],
]

SCENARIO = [
    ("ft_search_flags", ["FT.SEARCH", "ti", "hello", "WITHSCORES", "WITHPAYLOADS", "WITHSORTKEYS",
                         "SORTBY", "price"]),
    ("ft_search_nocontent", ["FT.SEARCH", "ti", "hello", "NOCONTENT", "SORTBY", "price"]),
    ("ft_search_explainscore", ["FT.SEARCH", "ti", "hello", "WITHSCORES", "EXPLAINSCORE",
                                "SORTBY", "price", "LIMIT", "0", "1"]),
    ("ft_aggregate_groupby", ["FT.AGGREGATE", "ti", "*", "GROUPBY", "1", "@tag", "REDUCE", "COUNT",
                              "0", "AS", "n", "SORTBY", "2", "@tag", "ASC"]),
    ("ft_aggregate_cursor", ["FT.AGGREGATE", "ti", "*", "LOAD", "1", "@title", "SORTBY", "2",
                             "@price", "ASC", "WITHCURSOR", "COUNT", "2"]),
    ("ft_info", ["FT.INFO", "ti"]),
    ("ft_profile", ["FT.PROFILE", "ti", "SEARCH", "QUERY", "hello"]),
    ("ft_spellcheck", ["FT.SPELLCHECK", "ti", "helo wrld"]),
    ("ft_sugget", ["FT.SUGGET", "sug", "hel", "WITHSCORES", "WITHPAYLOADS"]),
    ("ft_sugget_none", ["FT.SUGGET", "sug", "zzz"]),
    ("ft_syndump", ["FT.SYNDUMP", "ti"]),
    ("ft_unknown_index", ["FT.SEARCH", "nosuch", "*"]),
]


def enc(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def roundtrip(s, args):
    s.sendall(enc(args))
    time.sleep(0.2)  # one reply, small: it is all there
    data = b""
    s.settimeout(0.3)
    try:
        while True:
            d = s.recv(1 << 20)
            if not d:
                break
            data += d
    except socket.timeout:
        pass
    return data


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    s = socket.create_connection(("127.0.0.1", port))
    for cmd in SETUP:
        roundtrip(s, cmd)
    time.sleep(0.5)  # the index's background scan
    for proto in ("2", "3"):
        roundtrip(s, ["HELLO", proto])
        for name, cmd in SCENARIO:
            with open(f"{out}/resp{proto}_{name}.bin", "wb") as f:
                f.write(roundtrip(s, cmd))


if __name__ == "__main__":
    main()
