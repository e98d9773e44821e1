"""lz-string's compressToBase64 (pieroxy/lz-string 1.4), ported for eventd's tests: posthog-js
sends `compression=lz64` bodies made with it, and PyPI's copies of lz-string are unmaintained.
Operates on UTF-16 code units, as JavaScript strings do."""

KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def compress_to_base64(text):
    units = text.encode("utf-16-le")
    chars = [chr(units[i] | units[i + 1] << 8) for i in range(0, len(units), 2)]
    out = []
    state = {"val": 0, "pos": 0}

    def bit(b):
        state["val"] = (state["val"] << 1) | b
        if state["pos"] == 5:
            state["pos"] = 0
            out.append(KEY[state["val"]])
            state["val"] = 0
        else:
            state["pos"] += 1

    def bits(value, n):
        for _ in range(n):
            bit(value & 1)
            value >>= 1

    dictionary, to_create = {}, set()
    w, enlarge_in, dict_size, num_bits = "", 2, 3, 2

    def emit_w():
        nonlocal enlarge_in, num_bits
        if w in to_create:
            code = ord(w[0])
            if code < 256:
                bits(0, num_bits)
                bits(code, 8)
            else:
                bits(1, num_bits)
                bits(code, 16)
            enlarge_in -= 1
            if enlarge_in == 0:
                enlarge_in = 2 ** num_bits
                num_bits += 1
            to_create.discard(w)
        else:
            bits(dictionary[w], num_bits)
        enlarge_in -= 1
        if enlarge_in == 0:
            enlarge_in = 2 ** num_bits
            num_bits += 1

    for c in chars:
        if c not in dictionary:
            dictionary[c] = dict_size
            dict_size += 1
            to_create.add(c)
        wc = w + c
        if wc in dictionary:
            w = wc
        else:
            emit_w()
            dictionary[wc] = dict_size
            dict_size += 1
            w = c
    if w != "":
        emit_w()
    bits(2, num_bits)
    while True:
        state["val"] = state["val"] << 1
        if state["pos"] == 5:
            out.append(KEY[state["val"]])
            break
        state["pos"] += 1
    res = "".join(out)
    return res + "=" * ((4 - len(res) % 4) % 4) if len(res) % 4 != 1 else res + "==="
