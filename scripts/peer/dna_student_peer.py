#!/usr/bin/env python3
"""PyTorch peer of one DNA student training step in the playground (issue #16).

Builds the student supernet of one block of the default block space (src/engine/spaces/blocks.ts:
stem 8 channels, blocks of 8 / 16 / 24 channels with strides 1 / 2 / 2, two layers each, ops
mb3_k3 / mb3_k5 / mb6_k3 / mb6_k5) as src/engine/nn/blockNetwork.ts builds it — each layer an
MBConv (1x1 expand -> BN -> ReLU -> kxk depthwise -> BN -> ReLU -> 1x1 project -> BN, plus the
input when the shape is kept), biases off, BN on the batch's moments — and trains it as
src/engine/methods/dna/students.ts does: one uniformly sampled path per step, MSE to the target
feature, Adam (lr 0.05) whose untouched parameters keep their state. Prints one JSON object on
stdout: the parameter count and the time per step.

Inputs and targets are random tensors of the teacher features' shapes (8x8x8 in, 4x4x16 out for
block 2, batch 16): the project's timed step is the same student step on random tensors, without
the teacher's forward pass. `npm run bench -- --only peer` runs both back to back (scripts/bench.ts).

  /usr/bin/python3 scripts/peer/dna_student_peer.py --steps 200 --warmup 20
  /usr/bin/python3 scripts/peer/dna_student_peer.py --count-only
"""
import argparse
import json
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = {'mb3_k3': (3, 3), 'mb3_k5': (3, 5), 'mb6_k3': (6, 3), 'mb6_k5': (6, 5)}  # op -> (expansion, kernel)
STEM = 8
STAGES = [(8, 1), (16, 2), (24, 2)]  # (channels, stride) of each block; two layers each
LAYERS = 2
LR, BATCH, BN_EPS = 0.05, 16, 1e-5


def bn(c):
    return nn.BatchNorm2d(c, eps=BN_EPS, affine=True, track_running_stats=False)


class MbConv(nn.Module):
    def __init__(self, cin, cout, stride, expansion, k):
        super().__init__()
        hidden = cin * expansion
        self.residual = stride == 1 and cin == cout
        self.expand = nn.Sequential(nn.Conv2d(cin, hidden, 1, bias=False), bn(hidden), nn.ReLU())
        self.dw = nn.Sequential(nn.Conv2d(hidden, hidden, k, stride, k // 2, groups=hidden, bias=False), bn(hidden), nn.ReLU())
        self.project = nn.Sequential(nn.Conv2d(hidden, cout, 1, bias=False), bn(cout))

    def forward(self, x):
        y = self.project(self.dw(self.expand(x)))
        return x + y if self.residual else y


class StudentSupernet(nn.Module):
    """Block b's layers with one MBConv per op each."""

    def __init__(self, b):
        super().__init__()
        cin = STEM if b == 0 else STAGES[b - 1][0]
        cout, stride = STAGES[b]
        self.layers = nn.ModuleList()
        for l in range(LAYERS):
            self.layers.append(nn.ModuleDict({op: MbConv(cin if l == 0 else cout, cout, stride if l == 0 else 1, e, k) for op, (e, k) in OPS.items()}))
        self.in_channels, self.stride = cin, stride

    def forward(self, x, ops):
        for layer, op in zip(self.layers, ops):
            x = layer[op](x)
        return x


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--block', type=int, default=1, help='block index (0-based; 1 is block 2, fed by block 1)')
    ap.add_argument('--steps', type=int, default=200, help='timed steps')
    ap.add_argument('--warmup', type=int, default=20, help='untimed steps before the timing')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count-only', action='store_true', help='print the parameter count only')
    a = ap.parse_args()
    if a.steps < 1 or a.warmup < 0 or a.threads < 1 or not 1 <= a.block < len(STAGES):
        ap.error('--steps and --threads must be at least 1, --warmup at least 0, --block 1 or 2 (block 1 includes the stem)')
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    net = StudentSupernet(a.block)
    out = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'params': {'student': sum(p.numel() for p in net.parameters())}}
    if not a.count_only:
        side = 8  # the digits' 8x8, halved by every stride before this block
        for _, s in STAGES[:a.block]:
            side //= s
        x = torch.randn(BATCH, net.in_channels, side, side, generator=gen)
        target = torch.randn(BATCH, STAGES[a.block][0], side // net.stride, side // net.stride, generator=gen)
        opt = torch.optim.Adam(net.parameters(), lr=LR)

        def steps(n):
            for _ in range(n):
                ops = [rng.choice(list(OPS)) for _ in range(LAYERS)]
                opt.zero_grad(set_to_none=True)  # ops off the path get no gradient, so Adam leaves them and their moments alone
                loss = F.mse_loss(net(x, ops), target)
                loss.backward()
                opt.step()
                loss.item()  # the project reads the loss back (every 10 steps, batched; here each step, a few µs)

        steps(a.warmup)
        w0, c0 = time.perf_counter(), time.process_time()
        steps(a.steps)
        out['paths'] = {'random': {'msPerStep': 1000 * (time.perf_counter() - w0) / a.steps, 'cpuMsPerStep': 1000 * (time.process_time() - c0) / a.steps, 'steps': a.steps}}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
