#!/usr/bin/env python3
# Candidate distillation targets for a better teacher, through the same student-free probe as
# bench/teacher_probe.py (1-NN and Mahalanobis pixel AUROC on the probe's grid points), read from a
# "raw" probe dump (bench/quality.sh probe raw: the normalised images and the grid points' labels).
#   jet DIR SIGMAS RHOS  multi-scale Gaussian jet: per σ the smoothed image, gradient magnitude,
#                        Laplacian and both Hessian eigenvalues, plus the mean and standard deviation
#                        of gradient magnitude, eigenvalues and smoothed image over a Gaussian window ρ
#                        (orientation-free, 13 values per σ); SIGMAS "1,2,4,8;2,4" = two runs, RHOS "4,8"
#   perimage DIR MODE    raw patches (PCA to 128, as teacher_probe.py) after a per-image normalisation:
#                        none | mean (image mean subtracted) | meanstd | median (median and IQR)
# Prints one markdown row per run: | descriptor | p | dimensions | 1-NN | Mahalanobis |.
import sys
import numpy as np
sys.path.insert(0, __import__('os').path.dirname(__file__))
import teacher_probe as tp


def gauss(s, order):
    r = int(np.ceil(4 * s)); x = np.arange(-r, r + 1, dtype=np.float64)
    g = np.exp(-x**2 / (2 * s * s)); g /= g.sum()
    if order == 1: g = -x / (s * s) * g * s                    # scale-normalised derivatives
    if order == 2: g = (x**2 / s**4 - 1 / s**2) * g * s * s
    return g


def separable(im, kx, ky):
    r = max(len(kx), len(ky)) // 2
    p = np.pad(im, r, mode='reflect')
    a = np.apply_along_axis(lambda v: np.convolve(v, kx, 'same'), 1, p)
    a = np.apply_along_axis(lambda v: np.convolve(v, ky, 'same'), 0, a)
    return a[r:-r, r:-r]


def jet(im, sigmas, rho):
    im = im[0].astype(np.float64)
    out, window = [], gauss(rho, 0)
    for s in sigmas:
        g0, g1, g2 = gauss(s, 0), gauss(s, 1), gauss(s, 2)
        L = separable(im, g0, g0); Lx = separable(im, g1, g0); Ly = separable(im, g0, g1)
        Lxx = separable(im, g2, g0); Lyy = separable(im, g0, g2); Lxy = separable(im, g1, g1)
        grad = np.hypot(Lx, Ly); lap = Lxx + Lyy; d = np.sqrt((Lxx - Lyy)**2 + 4 * Lxy**2)
        e1, e2 = (lap + d) / 2, (lap - d) / 2
        out += [L, grad, lap, e1, e2]
        for r in (grad, e1, e2, L):
            m = separable(r, window, window); m2 = separable(r * r, window, window)
            out += [m, np.sqrt(np.maximum(m2 - m * m, 0))]
    return np.stack(out)


def at_points(d, part, features):
    imgs, lab = tp.images(d, part), tp.labels(d, part)
    out = None
    for i in np.unique(lab['i']):
        f = features(imgs[i]); sel = np.nonzero(lab['i'] == i)[0]
        if out is None: out = np.empty((len(lab), f.shape[0]), np.float32)
        out[sel] = f[:, lab['y'][sel].astype(int), lab['x'][sel].astype(int)].T
    return out, lab


def detectors(tr, te, tel):
    """1-NN and Mahalanobis pixel AUROC exactly as teacher_probe.probe computes them."""
    rng = np.random.default_rng(0)
    y = tel['l'].astype(int); k = tr.shape[1]
    mu, sd = tr.mean(0), tr.std(0) + 1e-6
    trn, ten = (tr - mu) / sd, (te - mu) / sd
    ic = np.linalg.inv(np.cov(trn.T) + 1e-3 * np.eye(k))
    maha = np.einsum('ij,jk,ik->i', ten, ic, ten)
    sub = trn[rng.choice(len(trn), min(tp.NN_TRAIN, len(trn)), replace=False)]; sq = (sub**2).sum(1)
    nn = np.empty(len(ten))
    for a in range(0, len(ten), 4096):
        b = ten[a:a + 4096]; nn[a:a + 4096] = ((b**2).sum(1)[:, None] - 2 * b @ sub.T + sq[None, :]).min(1)
    return tp.auroc(nn, y), tp.auroc(maha, y)


def main(argv):
    mode, d = argv[0], argv[1]
    p = int(tp.meta(d)['p'])
    if mode == 'jet':
        for group in argv[2].split(';'):
            sigmas = [float(s) for s in group.split(',')]
            for rho in [float(r) for r in argv[3].split(',')]:
                tr, _ = at_points(d, 'train', lambda im: jet(im, sigmas, rho))
                te, tel = at_points(d, 'test', lambda im: jet(im, sigmas, rho))
                nn, maha = detectors(tr, te, tel)
                print(f'| Gaussian jet σ = {group}, window ρ = {rho:g} | {p} | {tr.shape[1]} | {nn:.3f} | {maha:.3f} |', flush=True)
    elif mode == 'perimage':
        how, images = argv[2], tp.images
        def normalised(dd, part):
            out = []
            for im in images(dd, part):
                if how == 'mean': im = im - im.mean()
                elif how == 'meanstd': im = (im - im.mean()) / (im.std() + 1e-6)
                elif how == 'median': im = (im - np.median(im)) / (np.percentile(im, 75) - np.percentile(im, 25) + 1e-6)
                elif how != 'none': raise SystemExit('perimage MODE: none | mean | meanstd | median')
                out.append(im.astype(np.float32))
            return out
        tp.images = normalised
        tr, _, te, tel = tp.raw_descriptors(d, p, np.random.default_rng(0))
        nn, maha = detectors(tr, te, tel)
        print(f'| raw patches, per-image normalisation {how} | {p} | {tr.shape[1]} | {nn:.3f} | {maha:.3f} |', flush=True)
    else:
        raise SystemExit(__doc__ if __doc__ else 'usage: handcrafted_probe.py jet DIR SIGMAS RHOS | perimage DIR MODE')


if __name__ == '__main__':
    main(sys.argv[1:])
