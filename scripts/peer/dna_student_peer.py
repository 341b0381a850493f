#!/usr/bin/env python3
"""PyTorch peer of the block networks' training steps in the playground (issue #16): one DNA
student step, and (--whole) one step of the whole block-space supernet as Cream trains it.

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

--whole: the weight-sharing supernet of the whole block space as src/engine/methods/cream/supernet.ts
trains it before its board fills (its warm-up; with distillation off, every step): stem (3x3 conv ->
BN -> ReLU, 8 channels), the three blocks with one MBConv per op in every layer, head (global
average pool -> linear with bias); one uniformly sampled architecture per step, cross-entropy plus
L2 (0.5 * 5e-4 * the sum of squared conv and linear kernels on the path), SGD with Nesterov
momentum 0.9, lr 0.05, batch 32 of random 8x8x1 images and labels.

  /usr/bin/python3 scripts/peer/dna_student_peer.py --steps 200 --warmup 20
  /usr/bin/python3 scripts/peer/dna_student_peer.py --whole --steps 100 --warmup 10
  /usr/bin/python3 scripts/peer/dna_student_peer.py --count-only [--whole]
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


class WholeSupernet(nn.Module):
    """Stem, every block's layers with one MBConv per op each, and the head."""

    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, STEM, 3, 1, 1, bias=False), bn(STEM), nn.ReLU())
        self.blocks = nn.ModuleList()
        cin = STEM
        for cout, stride in STAGES:
            layers = nn.ModuleList()
            for l in range(LAYERS):
                layers.append(nn.ModuleDict({op: MbConv(cin if l == 0 else cout, cout, stride if l == 0 else 1, e, k) for op, (e, k) in OPS.items()}))
            self.blocks.append(layers)
            cin = cout
        self.fc = nn.Linear(cin, classes)

    def forward(self, x, arch):
        h = self.stem(x)
        for layers, ops in zip(self.blocks, arch):
            for layer, op in zip(layers, ops):
                h = layer[op](h)
        return self.fc(h.mean(dim=(2, 3)))


WHOLE_BATCH, WHOLE_WD, WHOLE_MOMENTUM = 32, 5e-4, 0.9


def whole(a, out):
    net = WholeSupernet()
    out['params'] = {'supernet': sum(p.numel() for p in net.parameters())}
    if a.count_only:
        return
    rng = random.Random(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    x = torch.randn(WHOLE_BATCH, 1, 8, 8, generator=gen)
    y = torch.randint(0, 10, (WHOLE_BATCH,), generator=gen)
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=WHOLE_MOMENTUM, nesterov=True)

    def steps(n):
        for _ in range(n):
            arch = [[rng.choice(list(OPS)) for _ in range(LAYERS)] for _ in STAGES]
            opt.zero_grad(set_to_none=True)  # weights off the path get no gradient and keep their momentum, as PathSgd
            loss = F.cross_entropy(net(x, arch), y)
            path = [net.stem[0].weight, net.fc.weight] + [m.weight for layers, ops in zip(net.blocks, arch) for layer, op in zip(layers, ops) for m in layer[op].modules() if isinstance(m, nn.Conv2d)]
            loss = loss + 0.5 * WHOLE_WD * sum((w * w).sum() for w in path)
            loss.backward()
            opt.step()
            loss.item()

    steps(a.warmup)
    w0, c0 = time.perf_counter(), time.process_time()
    steps(a.steps)
    out['paths'] = {'random': {'msPerStep': 1000 * (time.perf_counter() - w0) / a.steps, 'cpuMsPerStep': 1000 * (time.process_time() - c0) / a.steps, 'steps': a.steps}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--block', type=int, default=1, help='block index (0-based; 1 is block 2, fed by block 1)')
    ap.add_argument('--steps', type=int, default=200, help='timed steps')
    ap.add_argument('--warmup', type=int, default=20, help='untimed steps before the timing')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count-only', action='store_true', help='print the parameter count only')
    ap.add_argument('--whole', action='store_true', help='the whole block-space supernet (Cream) instead of a DNA student')
    a = ap.parse_args()
    if a.steps < 1 or a.warmup < 0 or a.threads < 1 or not 1 <= a.block < len(STAGES):
        ap.error('--steps and --threads must be at least 1, --warmup at least 0, --block 1 or 2 (block 1 includes the stem)')
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.whole:
        out = {'torch': torch.__version__, 'threads': torch.get_num_threads()}
        whole(a, out)
        print(json.dumps(out))
        return
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
