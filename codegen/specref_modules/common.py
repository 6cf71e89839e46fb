"""Building blocks of the module completion tables (json.py, vectorset.py, ...)."""

RO = ["RO", "ACCESS"]
RW = ["RW", "UPDATE"]
INT = {"type": "integer"}
NIL = {"type": "null"}
TEXT = {"type": "string"}
OK = {"const": "OK"}


def first_key(flags, pos=1):
    """The key at argv[pos], the command's only one: (argument path, key spec)."""
    return ("key",), {"flags": flags, "begin_search": {"index": {"pos": pos}},
                      "find_keys": {"range": {"lastkey": 0, "step": 1, "limit": 0}}}


def complete(flags, reply_schema=None, **kw):
    """One command's completion: its one key, its reply schema, and any other
    entry (arity, name, reply, args ...) as given."""
    d = {"keys": [first_key(flags)]}
    if reply_schema is not None:
        d["reply_schema"] = reply_schema
    d.update(kw)
    return d
