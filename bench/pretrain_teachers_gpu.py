#!/usr/bin/env python3
"""Pretrains the shipped default teachers on a GPU with PyTorch.

--mode dense (io.github.stad.engine.teacher.DenseTeacherTrainer): each step takes B crop pairs whose
strided output is a G x G grid (G = 24/12/8 for p = 17/33/65), the positive crop photometrically
augmented (blur, gamma, contrast, brightness, noise), optionally flipped/turned (--flips/--turns),
shifted by whole strides; one strided forward pass; every grid point with a positive is an anchor;
its negative is mined among all the batch's descriptors except those of the same photograph within
p/2 pixels (semi-hard by default: the closest one farther than the positive); triplet loss with
anchor swap and squared compactness over the anchor descriptors; Adam with a linear warm-up and a
cosine decay of the learning rate. Batches are not bit-identical to the Java trainer's (different
random generators) but are drawn from the same distribution.

--mode patch is the same procedure as `bin/stad train-teacher --mode patch` (io.github.stad.engine.teacher.TeacherTrainer):
the same patch networks (METHOD.md), the same sampling of triplets (anchor; positive shifted by up
to max(1, p/16) px, brightness +-0.2 and Gaussian noise 0.1 in normalised units; negative from a
different image), the same losses (triplet with anchor swap, margin 1; compactness), Adam with
lr 2e-4 and weight decay 1e-5, batch 64, dataset standardisation of the input. It exists because
the Java build here uses DJL's CPU PyTorch, which would need many hours for the same iterations.

Writes each teacher in the plugin's teacher file format (teacher.json + weights.bin), with the
loss curve, the wall time and a check descriptor (for a fixed input) in the provenance so that the
Java side can verify it computes exactly the same network.

usage: pretrain_teachers_gpu.py PHOTO_DIR OUT_DIR [--seconds-per-teacher S] [--max-iterations N] [--sizes 17,33,65]
       [--mode dense|patch] [--crops 8] [--grid G] [--mining semi-hard|hardest|subset] [--lr 2e-4] [--warmup 100]
"""
import argparse, io, json, math, os, struct, sys, time, zipfile

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stad_layout import DIM, WIDTH, layout  # noqa: E402
from PIL import Image

LEAKY = 5e-3


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

    def strided(self, x):
        """[N, C, H, W] -> [N, d, H', W']: the patch network slid with its own pooling (stride 1/4/8)."""
        i = 0
        for l in self.layers:
            if l[0] == "pool":
                x = F.max_pool2d(x, 2, 2)
            else:
                x = self.convs[i](x)
                i += 1
                if i < len(self.convs):
                    x = F.leaky_relu(x, LEAKY)
        return x

    def forward(self, x):
        """[N, C, p, p] patches -> [N, d]: the strided form on a patch has a 1x1 output."""
        return self.strided(x).flatten(1)


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


def geometry(p):
    """Receptive field and output stride of the layout (pooling floors odd sizes)."""
    rf, jump = 1, 1
    for l in layout(p):
        rf += (l[1] - 1) * jump if l[0] == "conv" else jump
        if l[0] == "pool":
            jump *= 2
    return rf, jump


DEFAULT_GRID = {17: 24, 33: 12, 65: 8}


def photometric(x, gen, brightness=0.2, contrast=0.2, gamma=0.2, blur=1.0, noise=0.1):
    """The positive's photometric augmentation of DenseTeacherTrainer, on one normalised [1, n, n] crop."""
    if gen.random() < 0.5:
        sigma = gen.random() * blur
        if sigma > 0.05:
            r = int(math.ceil(2 * sigma))
            k = torch.exp(-torch.arange(-r, r + 1, device=x.device, dtype=x.dtype) ** 2 / (2 * sigma * sigma))
            k = k / k.sum()
            y = F.pad(x[None], (r, r, r, r), mode="reflect")
            y = F.conv2d(y, k.view(1, 1, 1, -1))
            x = F.conv2d(y, k.view(1, 1, -1, 1))[0]
    g = math.exp(gen.uniform(-1, 1) * math.log1p(gamma))
    lo, hi = x.min(), x.max()
    if float(hi - lo) > 1e-6:
        x = lo + (hi - lo) * ((x - lo) / (hi - lo)) ** g
    c = 1 + gen.uniform(-1, 1) * contrast
    m = x.mean()
    x = m + (x - m) * c + gen.uniform(-1, 1) * brightness
    return x + noise * torch.randn_like(x)


def dihedral(x, gen, flips, turns):
    """A random flip/turn of the crop ([..., n, n]) and the same map for grid indices."""
    k = int(gen.integers(4)) if turns else 0
    fh = bool(gen.integers(2)) if flips else False
    fv = bool(gen.integers(2)) if flips else False
    x = torch.rot90(x, k, dims=(-2, -1))
    if fh:
        x = torch.flip(x, dims=(-1,))
    if fv:
        x = torch.flip(x, dims=(-2,))
    return x, (k, fh, fv)


def map_grid(index, g, t):
    """Applies the flip/turn t to a [g, g] grid of values (here: point numbers)."""
    k, fh, fv = t
    index = torch.rot90(index, k, dims=(-2, -1))
    if fh:
        index = torch.flip(index, dims=(-1,))
    if fv:
        index = torch.flip(index, dims=(-2,))
    return index


def dense_batch(gpu_imgs, usable, p, g, crops, shift, gen, flips, turns):
    """B anchor crops and their positives, the positive row of every anchor point (-1: none), and
    every point's photograph and image location (window centre), anchors first."""
    rf, s = geometry(p)
    n = (g - 1) * s + rf
    dev = gpu_imgs[0].device
    anchors, positives, pos_of, image, xs, ys = [], [], [], [], [], []
    pts = crops * g * g
    grid_j = torch.arange(g, device=dev).view(1, g).expand(g, g).float()
    grid_i = torch.arange(g, device=dev).view(g, 1).expand(g, g).float()
    pos_image, pos_x, pos_y = [], [], []
    for b in range(crops):
        k = usable[int(gen.integers(len(usable)))]
        im = gpu_imgs[k]
        m = shift * s
        y = m + int(gen.integers(im.shape[0] - n - 2 * m + 1))
        x = m + int(gen.integers(im.shape[1] - n - 2 * m + 1))
        kx, ky = int(gen.integers(-shift, shift + 1)), int(gen.integers(-shift, shift + 1))
        anchors.append(im[y:y + n, x:x + n])
        src = im[y + s * ky:y + s * ky + n, x + s * kx:x + s * kx + n][None]
        src, t = dihedral(src, gen, flips, turns)
        positives.append(photometric(src, gen)[0])
        # Point numbers of the shifted crop's grid, moved like the crop: where source point (i, j) lands.
        source = torch.arange(g * g, device=dev).view(g, g)
        landed = map_grid(source, g, t).reshape(-1)  # landed[dest] = source index
        dest_of = torch.empty_like(landed)
        dest_of[landed] = torch.arange(g * g, device=dev)
        si, sj = grid_i - ky, grid_j - kx  # anchor (i, j) lies at source point (i - ky, j - kx)
        ok = (si >= 0) & (si < g) & (sj >= 0) & (sj < g)
        src_index = (si.clamp(0, g - 1) * g + sj.clamp(0, g - 1)).long()
        pos_of.append(torch.where(ok, pts + b * g * g + dest_of[src_index], torch.full_like(src_index, -1)).reshape(-1))
        centre = (rf - 1) / 2
        image.append(torch.full((g * g,), k, device=dev))
        xs.append((x + s * grid_j + centre).reshape(-1))
        ys.append((y + s * grid_i + centre).reshape(-1))
        # Positive point dest describes source point landed[dest] of the shifted crop.
        li, lj = (landed // g).float(), (landed % g).float()
        pos_image.append(torch.full((g * g,), k, device=dev))
        pos_x.append(x + s * kx + s * lj + centre)
        pos_y.append(y + s * ky + s * li + centre)
    return (torch.stack(anchors)[:, None], torch.stack(positives)[:, None], torch.cat(pos_of),
            torch.cat(image + pos_image), torch.cat(xs + pos_x), torch.cat(ys + pos_y))


def mine(desc, pos_of, image, xs, ys, p, mining, subset=0.125):
    """Rows (anchor, positive, negative) with each anchor's negative chosen as in DenseTeacherTrainer.mine."""
    with torch.no_grad():
        a_rows = torch.nonzero(pos_of >= 0).flatten()
        p_rows = pos_of[a_rows]
        d = desc.detach()
        big = 1e30
        negs, keep = [], []
        for start in range(0, len(a_rows), 4096):
            ar, pr = a_rows[start:start + 4096], p_rows[start:start + 4096]
            a = d[ar]
            dist = (a * a).sum(1, keepdim=True) + (d * d).sum(1)[None] - 2 * a @ d.t()
            near = (image[ar][:, None] == image[None]) & ((xs[ar][:, None] - xs[None]) ** 2 + (ys[ar][:, None] - ys[None]) ** 2 < p * p / 4)
            dist = dist + near.float() * big
            if mining == "subset":
                dist = dist + (torch.rand(dist.shape[1], device=d.device) >= subset).float()[None] * big
            hardest = dist.argmin(1)
            choice = hardest
            if mining == "semi-hard":
                dpos = ((a - d[pr]) ** 2).sum(1, keepdim=True)
                semi = dist + (dist <= dpos).float() * big
                choice = torch.where(semi.min(1).values < big / 2, semi.argmin(1), hardest)
            negs.append(choice)
            keep.append(dist.min(1).values < big / 2)
        keep = torch.cat(keep)
        return a_rows[keep], p_rows[keep], torch.cat(negs)[keep]


def learning_rate(peak, fraction, warmup_fraction):
    """Linear warm-up, then a cosine to zero at the end of the run (fraction of it done in [0, 1])."""
    if fraction < warmup_fraction:
        return peak * max(fraction, 1e-3) / warmup_fraction
    return peak * 0.5 * (1 + math.cos(math.pi * min(1.0, (fraction - warmup_fraction) / (1 - warmup_fraction))))


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
    ap.add_argument("--mode", choices=["dense", "patch"], default="dense")
    ap.add_argument("--crops", type=int, default=8)
    ap.add_argument("--grid", type=int, default=0, help="grid side of the strided output; 0: 24/12/8 for p = 17/33/65")
    ap.add_argument("--mining", choices=["semi-hard", "hardest", "subset"], default="semi-hard")
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--warmup", type=int, default=100, help="warm-up steps (dense), at most a fifth of the run")
    ap.add_argument("--flips", action="store_true")
    ap.add_argument("--turns", action="store_true")
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
        opt = torch.optim.Adam(net.parameters(), lr=args.lr, weight_decay=1e-5)
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cuda.matmul.allow_tf32 = True
        start, it, curve = time.time(), 0, []
        B = args.batch
        g = args.grid or DEFAULT_GRID[p]
        if args.mode == "dense":
            rf, stride = geometry(p)
            usable = [k for k, im in enumerate(gpu_imgs) if min(im.shape) >= (g - 1) * stride + rf + 2 * stride]
        while it < args.max_iterations and time.time() - start < args.seconds_per_teacher:
            if args.mode == "dense":
                # The schedule follows whichever budget ends the run first: iterations or seconds.
                fraction = max(it / args.max_iterations, (time.time() - start) / args.seconds_per_teacher)
                warm = min(args.warmup / args.max_iterations, 0.2)
                for group in opt.param_groups:
                    group["lr"] = learning_rate(args.lr, fraction, warm)
                anc, pos, pos_of, image, xs, ys = dense_batch(gpu_imgs, usable, p, g, args.crops, 1, gen, args.flips, args.turns)
                out = net.strided(torch.cat([anc, pos]))
                desc = out.permute(0, 2, 3, 1).reshape(-1, out.shape[1])
                ar, pr, nr = mine(desc, pos_of, image, xs, ys, p, args.mining)
                lm = triplet(desc[ar], desc[pr], desc[nr]) if len(ar) else desc.sum() * 0
                lc = compactness(desc[:args.crops * g * g])
                loss = lm + args.lambda_c * lc
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                it += 1
                if it % 100 == 0 or it == 1:
                    curve.append((it, float(loss), float(lm), float(lc)))
                    if it % 1000 == 0 or it == 1:
                        print(f"p={p} dense step {it} loss {loss.item():.4f} Lm {lm.item():.4f} Lc {lc.item():.4f} triplets {len(ar)} {time.time() - start:.0f}s", flush=True)
                continue
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
            "mode": args.mode + (f" (grid {g}, {args.crops} crop pairs, {args.mining} negatives, lr {args.lr} warm-up + cosine)" if args.mode == "dense" else ""),
            "iterations": str(it), "batch": str(B), "wallSeconds": f"{wall:.1f}", "seed": str(args.seed),
            "lossCurve": ";".join(f"{a}:{b:.4f}:{c:.4f}:{e:.4f}" for a, b, c, e in curve),
            "checkInput": "x[c,i,j] = sin(0.3 i + 0.7 j + c)",
            "checkDescriptor": ",".join(f"{v:.7g}" for v in check),
        }
        write_teacher(os.path.join(args.out, f"teacher-p{p}-gray.zip"), net, p, 1, prov)
        print(f"p={p}: {it} iterations in {wall:.0f}s, final loss {curve[-1][1]:.4f}", flush=True)


if __name__ == "__main__":
    main()
