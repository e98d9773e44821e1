#!/usr/bin/env python3
"""What Python's tomllib makes of each TOML file given: one line per file, for TOMLConformanceTests.

    tomllib_dump.py ROOT FILE...   ->   FILE <TAB> ok <TAB> value     or     FILE <TAB> error <TAB> message

The value is written in the canonical form TOMLConformanceTests writes eventd's reader's values in, so the
two compare as text: tables with sorted keys, strings with every character outside printable ASCII as
\\u{hex}, floats as their IEEE bit pattern (any NaN as `nan`), dates and times as Python's isoformat().
tomllib reads TOML 1.0 in Python 3.11 to 3.14 (3.15 moves to TOML 1.1), which this script insists on.
"""
import datetime
import struct
import sys
import tomllib

if not ((3, 11) <= sys.version_info[:2] < (3, 15)):
    sys.exit(f"tomllib_dump.py needs Python 3.11-3.14 (tomllib reading TOML 1.0), not {sys.version.split()[0]}")


def text(s):
    return '"' + "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else "\\u{%x}" % ord(c) for c in s) + '"'


def canonical(v):
    if isinstance(v, dict):
        return "{" + ",".join(text(k) + ":" + canonical(v[k]) for k in sorted(v)) + "}"
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, str):
        return "s" + text(v)
    if isinstance(v, bool):
        return "b" + ("true" if v else "false")
    if isinstance(v, int):
        return "i" + str(v)
    if isinstance(v, float):
        return "f" + ("nan" if v != v else str(struct.unpack("<Q", struct.pack("<d", v))[0]))
    if isinstance(v, datetime.datetime):
        return ("odt" if v.tzinfo is not None else "ldt") + v.isoformat()
    if isinstance(v, datetime.date):
        return "ld" + v.isoformat()
    if isinstance(v, datetime.time):
        return "lt" + v.isoformat()
    raise TypeError(type(v))


root = sys.argv[1]
for name in sys.argv[2:]:
    with open(f"{root}/{name}", "rb") as f:
        data = f.read()
    try:
        line = "ok\t" + canonical(tomllib.loads(data.decode("utf-8")))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        line = "error\t" + str(error).replace("\n", " ").replace("\t", " ")
    print(f"{name}\t{line}")
