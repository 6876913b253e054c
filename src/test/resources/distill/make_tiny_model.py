#!/usr/bin/env python3
"""Makes tiny_features.pt, a small TorchScript feature extractor standing in for an ImageNet network
in the knowledge-distillation test (3×32×32 input → 16 features). Run: python3 make_tiny_model.py"""
import torch


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, stride=2)
        self.fc = torch.nn.Linear(8, 16)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).mean((2, 3)))


torch.manual_seed(0)
torch.jit.save(torch.jit.script(Tiny().eval()), "tiny_features.pt")
