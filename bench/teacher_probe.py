# Analysis half of bench/teacher_probe.sh and bench/quality.sh probe: participation ratio and
# student-free grid-pixel AUROCs of the descriptors TeacherProbe.java wrote, one table row per dir.
# A "raw" dir (kind=raw in meta.txt) holds the normalised images instead of descriptors: each grid
# point's descriptor is then the p x p patch around it (reflection-padded like the networks' input),
# reduced to 128 dimensions by a PCA fitted on training patches.
# usage: python3 teacher_probe.py [--markdown] [--with-types SPLIT_CSV] DIR...   |   --per-type SPLIT_CSV DIR... (1-NN AUROC per defect type)
# (--with-types: the per-type 1-NN AUROCs as one more column, from the same distances as the row's 1-NN AUROC)
import numpy as np, sys

D = 128            # descriptor dimension (the raw baseline's PCA keeps as many)
NN_TRAIN = 20000   # training descriptors the 1-NN detector compares with (fixed-seed sample)
PCA_FIT = 20000    # training patches the raw baseline's PCA is fitted on (fixed-seed sample)
LAB = np.dtype([('l', 'u1'), ('i', '>u2'), ('x', '>u2'), ('y', '>u2')])

def meta(d):
    try:
        return dict(l.split('=', 1) for l in open(f'{d}/meta.txt').read().split())
    except FileNotFoundError:
        return {'name': d.rstrip('/').split('/')[-1], 'p': '?', 'kind': 'teacher'}

def labels(d, part):
    return np.fromfile(f'{d}/{part}.lab', dtype=LAB)

def images(d, part):
    raw = np.fromfile(f'{d}/{part}.img', dtype='u1')
    out, o = [], 0
    while o < len(raw):
        w, h, c = np.frombuffer(raw[o:o+12].tobytes(), dtype='>i4'); o += 12
        n = int(w) * int(h) * int(c) * 4
        out.append(np.frombuffer(raw[o:o+n].tobytes(), dtype='>f4').reshape(int(c), int(h), int(w)).astype(np.float32)); o += n
    return out

def patches(imgs, lab, p, rows=None):
    """The c*p*p pixels of the p x p patch centred on each labelled grid point (rows: a subset), in lab order."""
    m = (p - 1) // 2
    rows = np.arange(len(lab)) if rows is None else rows
    out = np.empty((len(rows), imgs[0].shape[0] * p * p), np.float32)
    idx = lab['i'][rows]
    for i in np.unique(idx):
        sel = np.nonzero(idx == i)[0]
        im = np.pad(imgs[i], ((0, 0), (m, p - 1 - m), (m, p - 1 - m)), mode='reflect')  # mirror without repeating the edge, like PaddedCrops
        win = np.lib.stride_tricks.sliding_window_view(im, (p, p), axis=(1, 2))   # [c, h, w, p, p]
        x, y = lab['x'][rows[sel]].astype(int), lab['y'][rows[sel]].astype(int)
        out[sel] = win[:, y, x].transpose(1, 0, 2, 3).reshape(len(sel), -1)
    return out

def raw_descriptors(d, p, rng):
    tri, tei = images(d, 'train'), images(d, 'test')
    trl, tel = labels(d, 'train'), labels(d, 'test')
    fit = np.sort(rng.choice(len(trl), min(PCA_FIT, len(trl)), replace=False))
    x = patches(tri, trl, p, fit).astype(np.float64)
    mean = x.mean(0); x -= mean
    ev, vec = np.linalg.eigh(x.T @ x / len(x))
    basis = vec[:, np.argsort(ev)[::-1][:D]].astype(np.float32)
    def project(imgs, lab):
        out = np.empty((len(lab), basis.shape[1]), np.float32)
        for a in range(0, len(lab), 8192):
            r = np.arange(a, min(a + 8192, len(lab)))
            out[r] = (patches(imgs, lab, p, r) - mean.astype(np.float32)) @ basis
        return out
    return project(tri, trl), trl, project(tei, tel), tel

def auroc(score, y):
    order = np.argsort(score, kind='mergesort'); r = np.empty(len(score)); r[order] = np.arange(1, len(score)+1)
    # ties ignored (continuous scores)
    n1 = y.sum(); n0 = len(y)-n1
    return (r[y==1].sum() - n1*(n1+1)/2) / (n1*n0)

def pr(ev):
    ev = np.clip(ev, 0, None); return ev.sum()**2/(ev**2).sum()

def descriptors(d, rng):
    """Training and test descriptors of a dump (raw: PCA of the patches), and the test labels."""
    m = meta(d)
    if m.get('kind') == 'raw':
        tr, _, te, tel = raw_descriptors(d, int(m['p']), rng)
    else:
        tr = np.fromfile(f'{d}/train.f32', dtype='>f4').astype(np.float32); tr = tr.reshape(-1, len(tr) // len(labels(d, 'train')))
        te = np.fromfile(f'{d}/test.f32', dtype='>f4').astype(np.float32).reshape(-1, tr.shape[1]); tel = labels(d, 'test')
    return tr, te, tel

def nearest(trn, ten, rng):
    """Squared distance of each test descriptor to the nearest of a fixed-seed sample of training descriptors."""
    sub = trn[rng.choice(len(trn), min(NN_TRAIN, len(trn)), replace=False)]
    sq = (sub**2).sum(1)
    nn = np.empty(len(ten))
    for a in range(0, len(ten), 4096):
        b = ten[a:a+4096]
        nn[a:a+4096] = ((b**2).sum(1)[:, None] - 2*b@sub.T + sq[None, :]).min(1)
    return nn

def probe(d, split=None):
    """The table row of a dump; with split (its split.csv) also the 1-NN AUROC per defect type, from the same distances."""
    rng = np.random.default_rng(0)
    m = meta(d)
    tr, te, tel = descriptors(d, rng)
    y = tel['l'].astype(int)
    k = tr.shape[1]
    mu, sd = tr.mean(0), tr.std(0)+1e-6
    trn, ten = (tr-mu)/sd, (te-mu)/sd
    live = tr.std(0) > 0   # a constant channel (a dead ReLU of a pretrained network) has no correlation
    pr_corr = pr(np.linalg.eigvalsh(np.corrcoef(trn[:, live].T)))
    pr_cov = pr(np.linalg.eigvalsh(np.cov(tr.T)))
    # Mahalanobis (standardised descriptors, as the students see them)
    ic = np.linalg.inv(np.cov(trn.T) + 1e-3*np.eye(k))
    maha = np.einsum('ij,jk,ik->i', ten, ic, ten)
    nn = nearest(trn, ten, rng)
    return dict(name=m['name'], p=m['p'], pr_corr=pr_corr, pr_cov=pr_cov, nn=auroc(nn, y), maha=auroc(maha, y),
                ntrain=len(tr), ntest=len(y), ndefect=int(y.sum()), types=types_auroc(nn, tel, split) if split else None)

def per_type(d, split):
    """1-NN pixel AUROC per defect type: each type's defect grid points against the defect-free test images' points.
    The test images' types are the label column of split.csv's test rows, in order (TeacherProbe's image index)."""
    rng = np.random.default_rng(0)
    tr, te, tel = descriptors(d, rng)
    mu, sd = tr.mean(0), tr.std(0)+1e-6
    return types_auroc(nearest((tr-mu)/sd, (te-mu)/sd, rng), tel, split)

def types_auroc(nn, tel, split):
    import csv
    types = [r['label'] for r in csv.DictReader(open(split)) if r['split'] == 'test']
    y = tel['l'].astype(int); kind = np.array([types[i] for i in tel['i']])
    good = kind == 'good'
    return {t: auroc(nn[good | ((kind == t) & (y == 1))], y[good | ((kind == t) & (y == 1))]) for t in sorted(set(types)) if t != 'good'}

def selftest():
    """patches() against a direct loop with PaddedCrops' reflection; the raw baseline's dimension."""
    rng = np.random.default_rng(1)
    def reflect(i, n):
        while i < 0 or i >= n: i = -i if i < 0 else 2*n - 2 - i
        return i
    imgs = [rng.standard_normal((1, 40, 50)).astype(np.float32), rng.standard_normal((1, 37, 45)).astype(np.float32)]
    for p in (17, 33):
        lab = np.zeros(30, LAB); lab['i'] = rng.integers(0, 2, 30)
        lab['x'] = [rng.integers(0, imgs[i].shape[2]) for i in lab['i']]; lab['y'] = [rng.integers(0, imgs[i].shape[1]) for i in lab['i']]
        got = patches(imgs, lab, p); m = (p - 1) // 2
        for r in range(30):
            im = imgs[lab['i'][r]][0]; h, w = im.shape
            want = np.array([[im[reflect(int(lab['y'][r]) - m + j, h), reflect(int(lab['x'][r]) - m + i, w)] for i in range(p)] for j in range(p)])
            assert np.array_equal(got[r], want.ravel()), (p, r)
    import tempfile, os
    with tempfile.TemporaryDirectory() as d:
        for part, n in (('train', 3000), ('test', 500)):
            with open(f'{d}/{part}.img', 'wb') as f:
                for im in imgs: f.write(np.array(im.shape[::-1], '>i4').tobytes()); f.write(im.astype('>f4').tobytes())
            lab = np.zeros(n, LAB); lab['i'] = rng.integers(0, 2, n); lab['x'] = rng.integers(0, 45, n); lab['y'] = rng.integers(0, 37, n)
            lab['l'] = rng.random(n) < 0.1; lab.tofile(f'{d}/{part}.lab')
        tr, _, te, _ = raw_descriptors(d, 17, rng)
        assert tr.shape == (3000, D) and te.shape == (500, D), (tr.shape, te.shape)
        v = np.var(tr, 0); assert np.all(np.diff(v) <= 1e-3 * v[0]), 'components in order of variance'
    print('teacher_probe.py selftest: ok')

if __name__ == '__main__':
    if sys.argv[1:] == ['--selftest']: selftest(); sys.exit(0)
    if sys.argv[1:2] == ['--per-type']:   # teacher_probe.py --per-type SPLIT_CSV DIR...
        for d in sys.argv[3:]:
            r = per_type(d, sys.argv[2])
            print(meta(d)['name'], meta(d)['p'], ' '.join(f'{t} {v:.3f}' for t, v in r.items()), flush=True)
        sys.exit(0)
    args = [a for a in sys.argv[1:] if a != '--markdown']
    split = None
    if args[:1] == ['--with-types']:   # teacher_probe.py --with-types SPLIT_CSV DIR...: per-type 1-NN column too
        split, args = args[1], args[2:]
    extra = (' 1-NN per type: ' + ' / '.join(sorted(set(r['label'] for r in __import__('csv').DictReader(open(split))
                                                         if r['split'] == 'test') - {'good'})) + ' |') if split else ''
    print('| descriptor | p | participation ratio (correlation) | participation ratio (covariance) | 1-NN pixel AUROC | Mahalanobis pixel AUROC |' + extra + ' train / test / defect grid points |')
    print('| --- | --- | --- | --- | --- | --- |' + (' --- |' if split else '') + ' --- |')
    for d in args:
        r = probe(d, split)
        types = f" {' / '.join(f'{v:.3f}' for v in r['types'].values())} |" if split else ''
        print(f"| {r['name']} | {r['p']} | {r['pr_corr']:.1f} | {r['pr_cov']:.1f} | {r['nn']:.3f} | {r['maha']:.3f} |{types} {r['ntrain']} / {r['ntest']} / {r['ndefect']} |", flush=True)
