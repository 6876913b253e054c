#!/usr/bin/env python3
"""Pretrains the shipped default teachers on a GPU with PyTorch.

This is the same procedure as `bin/stad train-teacher` (io.github.stad.engine.TeacherTrainer):
the same patch networks (METHOD.md), the same sampling of triplets (anchor; positive shifted by up
to max(1, p/16) px, brightness +-0.2 and Gaussian noise 0.1 in normalised units; negative from a
different image), the same losses (triplet with anchor swap, margin 1; compactness), Adam with
lr 2e-4 and weight decay 1e-5, batch 64, dataset standardisation of the input. It exists because
the Java build here uses DJL's CPU PyTorch, which would need many hours for the same iterations.

Writes each teacher in the plugin's teacher file format (teacher.json + weights.bin), with the
loss curve, the wall time and a check descriptor (for a fixed input) in the provenance so that the
Java side can verify it computes exactly the same network.

usage: pretrain_teachers_gpu.py PHOTO_DIR OUT_DIR [--seconds-per-teacher S] [--max-iterations N] [--sizes 17,33,65]
"""
import argparse, io, json, math, os, struct, sys, time, zipfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

LEAKY = 5e-3
WIDTH, DIM = 128, 128


def layout(p, w=WIDTH, d=DIM):
    if p == 65:
        return [("conv", 5, w), ("pool",), ("conv", 5, w), ("pool",), ("conv", 5, w), ("pool",), ("conv", 4, 2 * w), ("conv", 1, d)]
    if p == 33:
        return [("conv", 5, w), ("pool",), ("conv", 5, 2 * w), ("pool",), ("conv", 2, 2 * w), ("conv", 4, d)]
    if p == 17:
        return [("conv", 6, w), ("conv", 5, 2 * w), ("conv", 5, 2 * w), ("conv", 4, d)]
    raise ValueError(p)


class PatchNet(torch.nn.Module):
    def __init__(self, p, channels):
        super().__init__()
        self.layers = layout(p)
        convs, c = [], channels
        for l in self.layers:
            if l[0] == "conv":
                convs.append(torch.nn.Conv2d(c, l[2], l[1]))  # PyTorch default init, as the Java side
                c = l[2]
        self.convs = torch.nn.ModuleList(convs)

    def forward(self, x):
        i = 0
        for l in self.layers:
            if l[0] == "pool":
                x = F.max_pool2d(x, 2, 2)
            else:
                x = self.convs[i](x)
                i += 1
                if i < len(self.convs):
                    x = F.leaky_relu(x, LEAKY)
        return x.flatten(1)


def triplet(a, p, n, margin=1.0):
    dp = ((a - p) ** 2).sum(1)
    dn = torch.minimum(((a - n) ** 2).sum(1), ((p - n) ** 2).sum(1))
    return torch.clamp(margin + dp - dn, min=0).mean()


def compactness(x):
    c = x - x.mean(0, keepdim=True)
    cov = c.t() @ c / max(1, x.shape[0] - 1)
    std = (torch.diagonal(cov) + 1e-8).sqrt()
    corr = cov / std[:, None] / std[None, :]
    sq = corr ** 2  # squared, as TeacherLosses.compactness: the signed sum rewards collapse
    return sq.sum() - torch.diagonal(sq).sum()


def write_teacher(path, net, p, channels, provenance):
    header = {"format": "stad-teacher", "formatVersion": 1, "patchSize": p, "inputChannels": channels,
              "width": WIDTH, "descriptorDim": DIM, "provenance": provenance}
    buf = io.BytesIO()
    tensors = []
    for conv in net.convs:
        tensors.append(conv.weight.detach().float().cpu().numpy().ravel())
        tensors.append(conv.bias.detach().float().cpu().numpy().ravel())
    buf.write(struct.pack(">iii", 0x53544457, 1, len(tensors)))
    for t in tensors:
        buf.write(struct.pack(">i", t.size))
        buf.write(t.astype("<f4").tobytes())
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("teacher.json", json.dumps(header, indent=2))
        z.writestr("weights.bin", buf.getvalue())
    os.replace(tmp, path)


def check_input(p, channels):
    i = np.arange(p)[:, None]
    j = np.arange(p)[None, :]
    return np.stack([np.sin(0.3 * i + 0.7 * j + c) for c in range(channels)]).astype(np.float32)[None]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("photos")
    ap.add_argument("out")
    ap.add_argument("--seconds-per-teacher", type=float, default=120)
    ap.add_argument("--max-iterations", type=int, default=100000)
    ap.add_argument("--sizes", default="17,33,65")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lambda-c", type=float, default=0.01)
    args = ap.parse_args()
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    print("device", dev, torch.__version__, flush=True)
    names = sorted(f for f in os.listdir(args.photos) if f.lower().endswith((".png", ".jpg", ".jpeg")))
    imgs = [np.asarray(Image.open(os.path.join(args.photos, f)).convert("L"), dtype=np.float32) for f in names]
    allpx = np.concatenate([im.ravel() for im in imgs])
    mean, std = float(allpx.mean()), float(allpx.std())
    print(f"{len(imgs)} photos, mean {mean:.2f} std {std:.2f}", flush=True)
    gpu_imgs = [torch.from_numpy((im - mean) / std).to(dev) for im in imgs]
    os.makedirs(args.out, exist_ok=True)

    for p in [int(s) for s in args.sizes.split(",")]:
        torch.manual_seed(args.seed)
        gen = np.random.default_rng(args.seed + p)
        shift = max(1, p // 16)
        usable = [k for k, im in enumerate(gpu_imgs) if min(im.shape) >= p + 2 * shift]
        net = PatchNet(p, 1).to(dev)
        opt = torch.optim.Adam(net.parameters(), lr=2e-4, weight_decay=1e-5)
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cuda.matmul.allow_tf32 = True
        start, it, curve = time.time(), 0, []
        B = args.batch
        while it < args.max_iterations and time.time() - start < args.seconds_per_teacher:
            ia = gen.choice(usable, B)
            ib = np.array([usable[(usable.index(a) + 1 + gen.integers(len(usable) - 1)) % len(usable)] for a in ia])
            anc, pos, neg = [], [], []
            for a, b in zip(ia, ib):
                im, other = gpu_imgs[a], gpu_imgs[b]
                y = shift + gen.integers(im.shape[0] - p - 2 * shift + 1)
                x = shift + gen.integers(im.shape[1] - p - 2 * shift + 1)
                dy, dx = gen.integers(-shift, shift + 1), gen.integers(-shift, shift + 1)
                anc.append(im[y:y + p, x:x + p])
                pos.append(im[y + dy:y + dy + p, x + dx:x + dx + p])
                ny, nx = gen.integers(other.shape[0] - p + 1), gen.integers(other.shape[1] - p + 1)
                neg.append(other[ny:ny + p, nx:nx + p])
            anc = torch.stack(anc)[:, None]
            pos = torch.stack(pos)[:, None]
            neg = torch.stack(neg)[:, None]
            bright = (torch.rand(B, 1, 1, 1, device=dev) * 0.4 - 0.2)
            pos = pos + bright + 0.1 * torch.randn_like(pos)
            d = net(torch.cat([anc, pos, neg]))
            da, dp, dn = d[:B], d[B:2 * B], d[2 * B:]
            lm, lc = triplet(da, dp, dn), compactness(da)
            loss = lm + args.lambda_c * lc
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            it += 1
            if it % 100 == 0 or it == 1:
                curve.append((it, float(loss), float(lm), float(lc)))
                if it % 2000 == 0 or it == 1:
                    print(f"p={p} it {it} loss {loss.item():.4f} Lm {lm.item():.4f} Lc {lc.item():.4f} {time.time() - start:.0f}s", flush=True)
        wall = time.time() - start
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        with torch.no_grad():
            check = net(torch.from_numpy(check_input(p, 1)).to(dev)).cpu().numpy().ravel()
        prov = {
            "trainedWith": "bench/pretrain_teachers_gpu.py (PyTorch " + torch.__version__ + ", " + (torch.cuda.get_device_name() if dev.type == "cuda" else "cpu") + ")",
            "data": f"{len(imgs)} grayscale photographs from Debian packages (docs/teacher-photos.md)",
            "inputNormalisation": f"dataset standardisation of the photographs: mean {mean:.4f}, std {std:.4f}",
            "losses": f"lambda_m=1 (triplet, margin 1, anchor swap), lambda_c={args.lambda_c} (compactness, squared correlations), lambda_k=0",
            "iterations": str(it), "batch": str(B), "wallSeconds": f"{wall:.1f}", "seed": str(args.seed),
            "lossCurve": ";".join(f"{a}:{b:.4f}:{c:.4f}:{e:.4f}" for a, b, c, e in curve),
            "checkInput": "x[c,i,j] = sin(0.3 i + 0.7 j + c)",
            "checkDescriptor": ",".join(f"{v:.7g}" for v in check),
        }
        write_teacher(os.path.join(args.out, f"teacher-p{p}-gray.zip"), net, p, 1, prov)
        print(f"p={p}: {it} iterations in {wall:.0f}s, final loss {curve[-1][1]:.4f}", flush=True)


if __name__ == "__main__":
    main()
