"""Draws the end-to-end run as one SVG (no plotting library): rows landed per second (from each
row's commit time) with the psql \\copy ceiling as a reference line, and ingest -> visible latency
p50/p99 per second on a log scale, phases laid out on one time axis."""
import math

W, H, LEFT, RIGHT, TOP, GAP, PANEL = 1100, 620, 80, 20, 40, 60, 230
COLORS = {"tcp-max": "#1f77b4", "tcp-half": "#2ca02c", "tcp-ack-max": "#9467bd", "udp-half": "#8c564b",
          "udp-max": "#e377c2", "http-max": "#ff7f0e", "http-half": "#bcbd22", "null-sink-tcp": "#7f7f7f"}


def _esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;")


def draw_chart(results, path):
    phases = [p for p in results["phases"] if p.get("per_second")]
    ceiling = results["summary"]["ceiling_rows_per_s"]
    # Lay phases one after another on a compressed time axis (idle gaps between phases removed).
    segments, x0 = [], 0.0
    for p in phases:
        secs = [s for s, _, _, _ in p["per_second"]]
        start, end = min(secs), max(secs) + 1
        segments.append((p, x0, start, end))
        x0 += (end - start) + 2
    total = max(x0, 1)
    ymax = max([ceiling] + [n for p in phases for _, n, _, _ in p["per_second"]]) * 1.1
    lat = [v for p in phases for _, _, a, b in p["per_second"] for v in (a, b) if v and v > 0]
    lmin, lmax = (max(0.1, min(lat)), max(lat)) if lat else (1, 1000)
    lo, hi = math.floor(math.log10(lmin)), math.ceil(math.log10(lmax))
    if hi == lo:
        hi += 1
    pw = W - LEFT - RIGHT
    X = lambda t: LEFT + pw * t / total
    Y1 = lambda v: TOP + PANEL - PANEL * v / ymax
    top2 = TOP + PANEL + GAP
    Y2 = lambda v: top2 + PANEL - PANEL * (math.log10(max(v, 10 ** lo)) - lo) / (hi - lo)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{LEFT}" y="22" font-size="14" font-weight="bold">eventd end to end — {_esc(results["date"])} — '
           f'{results["machine"]["nproc"]} cores, {results["machine"]["mem_gib"]} GiB — {results["mode"]} run</text>']
    for top, label in ((TOP, "rows visible per second"), (top2, "ingest → visible latency (ms, log)")):
        out.append(f'<rect x="{LEFT}" y="{top}" width="{pw}" height="{PANEL}" fill="none" stroke="#999"/>')
        out.append(f'<text x="12" y="{top + PANEL / 2}" transform="rotate(-90 12 {top + PANEL / 2})" text-anchor="middle">{label}</text>')
    for i in range(6):
        v = ymax * i / 5
        out.append(f'<text x="{LEFT - 6}" y="{Y1(v) + 4}" text-anchor="end">{v / 1000:.0f}k</text>')
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{Y1(v)}" y2="{Y1(v)}" stroke="#eee"/>')
    for e in range(lo, hi + 1):
        out.append(f'<text x="{LEFT - 6}" y="{Y2(10 ** e) + 4}" text-anchor="end">{10 ** e:g}</text>')
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{Y2(10 ** e)}" y2="{Y2(10 ** e)}" stroke="#eee"/>')
    out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{Y1(ceiling)}" y2="{Y1(ceiling)}" stroke="red" stroke-dasharray="6 4"/>')
    out.append(f'<text x="{W - RIGHT - 4}" y="{Y1(ceiling) - 4}" text-anchor="end" fill="red">psql \\copy ceiling {ceiling:,.0f} rows/s</text>')
    if Y2(250) > top2:
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{Y2(250)}" y2="{Y2(250)}" stroke="red" stroke-dasharray="6 4"/>')
        out.append(f'<text x="{W - RIGHT - 4}" y="{Y2(250) - 4}" text-anchor="end" fill="red">250 ms target (p99 at half load)</text>')
    for p, start_x, start, end in segments:
        color = COLORS.get(p["phase"], "#333")
        pts = [(start_x + s - start + 0.5, n, a, b) for s, n, a, b in p["per_second"]]
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (
            color, " ".join(f"{X(t):.1f},{Y1(n):.1f}" for t, n, _, _ in pts)))
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (
            color, " ".join(f"{X(t):.1f},{Y2(b):.1f}" for t, _, _, b in pts if b)))
        out.append('<polyline fill="none" stroke="%s" stroke-width="1" stroke-dasharray="3 3" points="%s"/>' % (
            color, " ".join(f"{X(t):.1f},{Y2(a):.1f}" for t, _, a, _ in pts if a)))
        mid = X(start_x + (end - start) / 2)
        out.append(f'<text x="{mid:.1f}" y="{TOP + PANEL + 14}" text-anchor="middle" fill="{color}">{_esc(p["phase"])}</text>')
        out.append(f'<line x1="{X(start_x):.1f}" x2="{X(start_x):.1f}" y1="{TOP}" y2="{top2 + PANEL}" stroke="#ddd"/>')
    out.append(f'<text x="{LEFT}" y="{top2 + PANEL + 20}">solid: p99, dashed: p50 per second of commit; '
               f'phases placed side by side (idle time between them removed); x: seconds</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out))
