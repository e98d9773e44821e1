"""Shares of PostgreSQL backend wait events per phase of an e2e run, from pg-wait-sampler.sh's samples.

    python3 pg_waits.py RESULTS_JSON SAMPLES_TSV

For each phase of results.json: the samples inside it (a load phase from its second second on, past the
first cut), the mean number of active backends per sample, and the most frequent (statement, wait) pairs.
"""
import collections
import json
import sys


def main(results_path, samples_path):
    samples = []
    for line in open(samples_path):
        fields = line.rstrip("\n").split("\t")
        if len(fields) >= 4 and fields[0].isdigit():  # older samples may hold a query's line break
            samples.append((float(fields[0]) / 1000, fields[1].strip()[:6], fields[2], fields[3]))
    for phase in json.load(open(results_path))["phases"]:
        start = phase.get("started_at")
        span = phase.get("elapsed_s") or phase.get("loadgen", {}).get("elapsed_s")
        if start is None or not span:
            continue
        end = start + span
        if "loadgen" in phase:
            start += 1
        inside = [s for s in samples if start <= s[0] <= end]
        if not inside:
            continue
        ticks = len({s[0] for s in inside})
        counts = collections.Counter((q, wt, we) for _, q, wt, we in inside)
        top = ", ".join(f"{q} {wt}:{we} {n / len(inside) * 100:.1f}%" for (q, wt, we), n in counts.most_common(8))
        print(f"{phase['phase']:15s} samples {len(inside):6d}, active backends per sample {len(inside) / ticks:.2f}: {top}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
