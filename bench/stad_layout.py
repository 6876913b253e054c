"""The networks' layer list, mirroring Architecture.layout in Java: ('conv', kernel, out) or ('pool',).
Shared by the PyTorch bench scripts (scoring_torch.py, pretrain_teachers_gpu.py); no dependencies."""

WIDTH, DIM = 128, 128


def layout(p, w=WIDTH, d=DIM):
    if p == 65:
        return [("conv", 5, w), ("pool",), ("conv", 5, w), ("pool",), ("conv", 5, w), ("pool",), ("conv", 4, 2 * w), ("conv", 1, d)]
    if p == 33:
        return [("conv", 5, w), ("pool",), ("conv", 5, 2 * w), ("pool",), ("conv", 2, 2 * w), ("conv", 4, d)]
    if p == 17:
        return [("conv", 6, w), ("conv", 5, 2 * w), ("conv", 5, 2 * w), ("conv", 4, d)]
    raise ValueError(p)
