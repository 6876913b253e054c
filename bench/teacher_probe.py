# Analysis half of bench/teacher_probe.sh: participation ratio and student-free grid-pixel AUROCs.
import numpy as np, sys
def load(d, part):
    x = np.fromfile(f'{d}/{part}.f32', dtype='>f4').reshape(-1,128).astype(np.float32)
    lab = np.fromfile(f'{d}/{part}.lab', dtype=np.dtype([('l','u1'),('i','>u2')]))
    return x, lab['l'], lab['i']
def auroc(score, y):
    order = np.argsort(score, kind='mergesort'); r = np.empty(len(score)); r[order] = np.arange(1, len(score)+1)
    # ties ignored (continuous)
    n1 = y.sum(); n0 = len(y)-n1
    return (r[y==1].sum() - n1*(n1+1)/2) / (n1*n0)
rng = np.random.default_rng(0)
for d in sys.argv[1:]:
    tr, _, _ = load(d, 'train'); te, y, img = load(d, 'test')
    mu, sd = tr.mean(0), tr.std(0)+1e-6
    trn, ten = (tr-mu)/sd, (te-mu)/sd
    c = np.corrcoef(trn.T); ev = np.clip(np.linalg.eigvalsh(c),0,None)
    pr = ev.sum()**2/(ev**2).sum()
    top = np.sort(ev)[::-1]; cum = np.cumsum(top)/top.sum()
    # Mahalanobis
    cov = np.cov(trn.T) + 1e-3*np.eye(128); ic = np.linalg.inv(cov)
    maha = np.einsum('ij,jk,ik->i', ten, ic, ten)
    # 1-NN to train subsample
    sub = trn[rng.choice(len(trn), min(20000, len(trn)), replace=False)]
    sq = (sub**2).sum(1)
    nn = np.empty(len(ten))
    for a in range(0, len(ten), 4096):
        b = ten[a:a+4096]
        dd = (b**2).sum(1)[:,None] - 2*b@sub.T + sq[None,:]
        nn[a:a+4096] = dd.min(1)
    # raw intensity-free check: norm of normalised descriptor
    nrm = (ten**2).sum(1)
    print(f'{d}: participation ratio {pr:.1f}, dims for 90% var {np.searchsorted(cum,0.9)+1}, top5 {np.round(top[:5]/top.sum(),3)}')
    print(f'   grid-pixel AUROC: 1-NN {auroc(nn,y):.3f}  Mahalanobis {auroc(maha,y):.3f}  ||t||^2 {auroc(nrm,y):.3f}  (test px {len(y)}, defect {y.sum()})')
