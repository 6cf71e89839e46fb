"""Completion and repairs of the RedisTimeSeries command facts
(codegen/import_module_specref.py timeseries ...).

Every repair keeps what the server parses; the reason is given with it.
"""

AGGREGATORS = ["avg", "first", "last", "min", "max", "sum", "range", "count", "std.p", "std.s",
               "var.p", "var.s", "twa"]


def _tokens(names):
    return [{"name": n, "type": "pure-token", "token": n.upper()} for n in names]


def latest_is_a_token(args):
    # LATEST is a keyword (TS.MREVRANGE's own entry says pure-token); the
    # others type it as a string, which would send a value after nothing.
    for a in args:
        if a["name"] == "LATEST":
            a.clear()
            a.update({"name": "latest", "type": "pure-token", "token": "LATEST", "optional": True,
                      "since": "1.8.0"})


def debug_is_a_token(args):
    for a in args:
        if a["name"] == "DEBUG":
            a.clear()
            a.update({"name": "debug", "type": "pure-token", "token": "DEBUG", "optional": True})


def filter_is_a_list(args):
    # FILTER's alternatives are six spellings of one string (label=value,
    # label!=value, ...), which C cannot tell apart: one list of strings.
    for i, a in enumerate(args):
        if a["name"] == "filterExpr":
            args[i] = {"name": "filter", "type": "string", "multiple": True}
            for k in ("token", "optional"):
                if k in a:
                    args[i][k] = a[k]


def aggregation_typed(args):
    # AGGREGATION's aggregator is one of fixed words (TS.CREATERULE's list);
    # BUCKETTIMESTAMP takes a value (start, end or mid; the symbols - + ~
    # are the same three), which some entries forgot.
    for a in args:
        if a["name"] != "aggregation":
            continue
        for i, c in enumerate(a["arguments"]):
            if c["name"] == "aggregators" and not c.get("multiple"):
                a["arguments"][i] = {"name": "aggregator", "type": "oneof", "token": "AGGREGATION",
                                     "arguments": _tokens(AGGREGATORS)}
            if c["name"] == "buckettimestamp":
                a["arguments"][i] = {"name": "buckettimestamp", "type": "oneof",
                                     "token": "BUCKETTIMESTAMP", "optional": True,
                                     "since": c.get("since", "1.8.0"),
                                     "arguments": _tokens(["start", "end", "mid"])}
            if c["name"] == "value" and c.get("token") == "ALIGN":
                c["name"] = "align"


def groupby_reduce_is_a_token(args):
    for a in args:
        if a["name"] == "groupby":
            for c in a["arguments"]:
                if c["name"] == "REDUCE":
                    c.clear()
                    c.update({"name": "reduce", "type": "pure-token", "token": "REDUCE"})


def filter_by_ts(args):
    for a in args:
        if a.get("token") == "FILTER_BY_TS":
            a["name"] = "filter-by-ts"
        if a["name"] == "fbv":
            a["name"] = "value-filter"


def selected_labels(args):
    for a in args:
        if a["name"] == "labels" and a["type"] == "oneof":
            for c in a["arguments"]:
                if c["name"] == "SELECTED_LABELS_BLOCK":
                    c["name"] = "selected"
                    c["arguments"][1]["name"] = "label"


def querylabels_values(args):
    for a in args:
        if a["name"] == "subtype":
            for c in a["arguments"]:
                if c["name"] == "VALUES_BLOCK":
                    c["name"] = "values"


RANGE = [latest_is_a_token, aggregation_typed, filter_by_ts]
MRANGE = RANGE + [filter_is_a_list, groupby_reduce_is_a_token, selected_labels]

REPAIRS = {
    "TS.RANGE": RANGE,
    "TS.REVRANGE": RANGE,
    "TS.NRANGE": RANGE,
    "TS.NREVRANGE": RANGE,
    "TS.MRANGE": MRANGE,
    "TS.MREVRANGE": MRANGE,
    "TS.GET": [latest_is_a_token],
    "TS.MGET": [latest_is_a_token, filter_is_a_list, selected_labels],
    "TS.INFO": [debug_is_a_token],
    "TS.QUERYINDEX": [filter_is_a_list],
    "TS.QUERYLABELS": [filter_is_a_list, querylabels_values],
}
AFTER_RENAME = {}

# Doubles the server refuses when not finite (checked against RedisTimeSeries
# 8.0: "TSDB: invalid value"), so the encoder refuses them before sending.
ARG_EXT = {
    "TS.ADD": [(("value",), "finite", True)],
    "TS.MADD": [(("ktv", "value"), "finite", True)],
    "TS.INCRBY": [(("addend",), "finite", True)],
    "TS.DECRBY": [(("subtrahend",), "finite", True)],
}

# COMMAND INFO flags of RedisTimeSeries 8.0 (the 8.10 commands: as their
# documentation describes them).
_W, _WD, _R = ["write", "module"], ["write", "denyoom", "module"], ["readonly", "module"]
SERVER_FLAGS = {
    "TS.CREATE": _WD, "TS.DEL": _W, "TS.ALTER": _WD, "TS.ADD": _WD, "TS.MADD": _WD,
    "TS.INCRBY": _WD, "TS.DECRBY": _WD, "TS.CREATERULE": _W + ["fast"], "TS.DELETERULE": _W,
    "TS.RANGE": _R, "TS.REVRANGE": _R, "TS.NRANGE": _R, "TS.NREVRANGE": _R, "TS.MRANGE": _R,
    "TS.MREVRANGE": _R, "TS.GET": _R, "TS.MGET": _R, "TS.INFO": _R, "TS.QUERYINDEX": _R,
    "TS.QUERYLABELS": _R,
}
KEY_FLAGS = ["RW", "ACCESS", "UPDATE"]  # what the module registers for every key

OK = {"const": "OK"}
INT = {"type": "integer"}
SAMPLE = {"type": "array", "minItems": 2, "maxItems": 2, "items": [INT, {"type": "number"}]}
SAMPLES = {"type": "array", "items": SAMPLE}
# RESP3: a map key -> [labels, (metadata,) samples]; RESP2: [[key, labels, samples]...]
GROUPED = {"oneOf": [{"type": "object"}, {"type": "array"}]}

REPLY_SCHEMAS = {
    "TS.CREATE": OK, "TS.ALTER": OK, "TS.CREATERULE": OK, "TS.DELETERULE": OK,
    "TS.DEL": INT, "TS.ADD": INT, "TS.INCRBY": INT, "TS.DECRBY": INT,
    "TS.MADD": {"type": "array", "items": INT},
    "TS.RANGE": SAMPLES, "TS.REVRANGE": SAMPLES,
    "TS.GET": {"type": "array"},
    "TS.MRANGE": GROUPED, "TS.MREVRANGE": GROUPED, "TS.MGET": GROUPED,
    "TS.INFO": {"type": "object"},
    "TS.QUERYINDEX": {"type": "array", "uniqueItems": True, "items": {"type": "string"}},
    "TS.QUERYLABELS": {"type": "array", "items": {"type": "string"}},
}

# Results read by hand-written glue (modules/timeseries/src, rts_<glue>).
GLUE = {
    "TS.MADD": "added",  # a timestamp, or an error reply in its place, per sample
    "TS.RANGE": "samples", "TS.REVRANGE": "samples", "TS.GET": "samples",
    "TS.MRANGE": "series", "TS.MREVRANGE": "series", "TS.MGET": "series",
    "TS.INFO": "series_info",
}
# The 8.10 commands answer nothing the module builds tested here know:
# their replies stay trees until a server that sends them can be recorded.
REPLY = {"TS.NRANGE": "reply", "TS.NREVRANGE": "reply", "TS.READ": "reply"}
SKIP = {}
