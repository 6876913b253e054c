#!/usr/bin/env python3
"""Markdown table of a bench/scoring.sh run: OUT_DIR/java.tsv (+ OUT_DIR/torch.tsv when PyTorch ran) → stdout and OUT_DIR/results.md."""
import os
import sys


def read(path):
    meta, rows = {}, []
    if not os.path.exists(path):
        return meta, rows
    header = None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("# "):
            k, _, v = line[2:].partition("\t")
            meta[k] = v
        elif header is None:
            header = line.split("\t")
        elif line:
            rows.append(dict(zip(header, line.split("\t"))))
    return meta, rows


def main():
    out = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else ""
    jmeta, jrows = read(os.path.join(out, "java.tsv"))
    tmeta, trows = read(os.path.join(out, "torch.tsv"))
    ceilings = [r for r in jrows if r["kind"].startswith("ceiling:")]
    ceiling = max(float(r["gflops"]) for r in ceilings)
    torch = {(r["p"], r["size"]): float(r["seconds"]) for r in trows if r["kind"] == "full"}
    lines = []
    if label:
        lines += ["**%s**" % label, ""]
    lines.append("Engine: %s; PyTorch intra-op threads %s on %s cores. PyTorch side by side: %s." % (
        jmeta.get("engine", "?"), jmeta.get("threads", "?"), jmeta.get("cores", "?"),
        ("torch %s eager, %s threads, dilated convolutions" % (tmeta.get("torch"), tmeta.get("threads"))) if trows else "not run"))
    lines.append("")
    lines.append("| ceiling: one plain convolution, stride 1, no padding | map | seconds | GFLOP/s |")
    lines.append("| --- | --- | --- | --- |")
    for r in ceilings:
        name = r["kind"].split(":", 1)[1]
        k, chans, *batch = name[4:].split("_")  # conv5x5_128to256[_b4]
        lines.append("| %s, %s channels | %s×%s×%s² | %.3f | %.1f |" % (k.replace("x", "×"), chans.replace("to", "→"), batch[0][1:] if batch else "1",
                                                          chans.split("to")[0], r["size"], float(r["seconds"]), float(r["gflops"])))
    lines.append("")
    lines.append("Ceiling: **%.1f GFLOP/s**." % ceiling)
    lines.append("")
    # bound: the least work of a dense form on 256² tiles (receptive-field margins included) per useful
    # multiply-add; 1 / bound is the best fraction of the ceiling the pass could reach at the ceiling's speed.
    bounds = {(r["p"], r["size"]): float(r["seconds"]) for r in jrows if r["kind"] == "bound"}
    lines.append("| full pass (teacher + 3 students, dense) | image | seconds | useful GFLOP/s | of the ceiling | at most (margins) | PyTorch eager, seconds | our speed-up |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in [r for r in jrows if r["kind"] == "full"]:
        s, g = float(r["seconds"]), float(r["gflops"])
        name = "3-scale model (17, 33, 65)" if r["p"] == "all" else "p = " + r["p"]
        t = torch.get((r["p"], r["size"]))
        b = bounds.get((r["p"], r["size"]))
        lines.append("| %s | %s² | %.2f | %.1f | %.2f | %s | %s | %s |" % (name, r["size"], s, g, g / ceiling, "%.2f" % (1 / b) if b else "—",
                                                                 "%.2f" % t if t else "—", "%.2f×" % (t / s) if t else "—"))
    singles = [r for r in jrows if r["kind"] == "single"]
    if singles:
        lines.append("")
        lines.append("| one dense network, whole image | image | seconds | GFLOP/s |")
        lines.append("| --- | --- | --- | --- |")
        for r in singles:
            lines.append("| p = %s | %s² | %.2f | %.1f |" % (r["p"], r["size"], float(r["seconds"]), float(r["gflops"])))
    checks = [r for r in trows if r["kind"] == "check"]
    if checks:
        lines.append("")
        lines.append("Same network: max |PyTorch dilated − Java dense| on a %s² input: %s." % (
            checks[0]["size"], ", ".join("p = %s: %.2g (outputs up to %.2g)" % (r["p"], float(r["seconds"]), float(r["extra"])) for r in checks)))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
