"""Airtable-shaped ids: a 3-letter prefix (app, tbl, fld, rec, att, usr, sel, viw, itr) and 14 alphanumerics,
derived from a hash so that the same seed gives the same ids."""

import hashlib
import string

_ALPHABET = string.ascii_letters + string.digits


def make_id(prefix, *parts):
    number = int.from_bytes(hashlib.sha256("/".join(str(p) for p in parts).encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(14):
        number, digit = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[digit])
    return prefix + "".join(chars)
