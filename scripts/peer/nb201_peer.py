#!/usr/bin/env python3
"""PyTorch peer of the playground's NB-201 supernet training step (issue #16).

Builds the network src/engine/nn/cellNetwork.ts builds (macro skeleton of nn/macro.ts, C = 8, one
cell per stage, 8x8x1 digits-shaped input, 10 classes), trains it the way
src/engine/evaluate/supernet.ts does (one uniformly sampled path per step, batch 64, cross-entropy
plus L2 on the path's kernels, SGD with Nesterov momentum whose untouched buffers stay as they are)
and prints, as one JSON object on stdout, the parameter counts and the time per step.

The inputs are random tensors of the digits' shape: a step's cost does not depend on pixel values,
and reading the data set is no part of what is compared. `npm run bench -- --only peer` runs this
script and the project's own step back to back (scripts/bench.ts).

  /usr/bin/python3 scripts/peer/nb201_peer.py --steps 100 --warmup 10
  /usr/bin/python3 scripts/peer/nb201_peer.py --count-only
"""
import argparse
import json
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']
# (from, to) of the six edges, in the order of NB201_EDGES (src/engine/spaces/nb201.ts).
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
NODES = 4
# The project's supernet defaults (src/engine/core/config.ts).
LR, MOMENTUM, WEIGHT_DECAY, BATCH = 0.05, 0.9, 5e-4, 64
BN_EPS = 1e-5


def bn(c):
    # Weight-sharing supernets normalise with the batch's own moments (bnMode 'batch').
    return nn.BatchNorm2d(c, eps=BN_EPS, affine=True, track_running_stats=False)


class SamePad(nn.Module):
    """tfjs 'same' padding for a 3x3, stride-2 conv on an even size pads 0 before and 1 after."""

    def forward(self, x):
        return F.pad(x, (0, 1, 0, 1))


class ReluConvBn(nn.Sequential):
    def __init__(self, cin, cout, k, stride=1):
        if stride == 1:
            layers = [nn.ReLU(), nn.Conv2d(cin, cout, k, stride, padding=k // 2, bias=False), bn(cout)]
        else:
            layers = [nn.ReLU(), SamePad(), nn.Conv2d(cin, cout, k, stride, padding=0, bias=False), bn(cout)]
        super().__init__(*layers)


class Cell(nn.Module):
    """One weight set per op on every edge; a path picks one op per edge."""

    def __init__(self, c):
        super().__init__()
        self.edges = nn.ModuleList(
            nn.ModuleDict({'nor_conv_1x1': ReluConvBn(c, c, 1), 'nor_conv_3x3': ReluConvBn(c, c, 3)}) for _ in EDGES
        )

    def forward(self, x, ops):
        nodes = [x]
        for j in range(1, NODES):
            parts = []
            for e, (src, dst) in enumerate(EDGES):
                if dst != j:
                    continue
                op, inp = ops[e], nodes[src]
                if op == 'skip_connect':
                    parts.append(inp)
                elif op == 'avg_pool_3x3':
                    parts.append(F.avg_pool2d(inp, 3, 1, 1, count_include_pad=False))
                elif op in ('nor_conv_1x1', 'nor_conv_3x3'):
                    parts.append(self.edges[e][op](inp))
            nodes.append(torch.zeros_like(x) if not parts else parts[0] if len(parts) == 1 else sum(parts[1:], parts[0]))
        return nodes[-1]


class Reduction(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = ReluConvBn(c, 2 * c, 3, 2)
        self.b = ReluConvBn(2 * c, 2 * c, 3, 1)
        self.short = nn.Conv2d(c, 2 * c, 1, bias=False)

    def forward(self, x):
        return self.short(F.avg_pool2d(x, 2, 2)) + self.b(self.a(x))


class Supernet(nn.Module):
    def __init__(self, channels=8, cells_per_stage=1, in_channels=1, classes=10):
        super().__init__()
        c = channels
        self.stem = nn.Conv2d(in_channels, c, 3, padding=1, bias=False)
        self.stem_bn = bn(c)
        self.stages = nn.ModuleList()
        self.reductions = nn.ModuleList()
        for stage in range(3):
            if stage > 0:
                self.reductions.append(Reduction(c))
                c *= 2
            self.stages.append(nn.ModuleList(Cell(c) for _ in range(cells_per_stage)))
        self.head_bn = bn(c)
        self.fc = nn.Linear(c, classes)

    def forward(self, x, ops):
        h = self.stem_bn(self.stem(x))
        for stage, cells in enumerate(self.stages):
            if stage > 0:
                h = self.reductions[stage - 1](h)
            for cell in cells:
                h = cell(h, ops)
        return self.fc(F.relu(self.head_bn(h)).mean((2, 3)))

    def path_parameters(self, ops):
        """The parameters a path uses: everything outside the cells, and its ops' weights inside."""
        cell_params = {id(p) for cells in self.stages for cell in cells for p in cell.parameters()}
        used = [p for p in self.parameters() if id(p) not in cell_params]
        for cells in self.stages:
            for cell in cells:
                for e, op in enumerate(ops):
                    if op in cell.edges[e]:
                        used.extend(cell.edges[e][op].parameters())
        return used


def count(params):
    return sum(p.numel() for p in params)


def time_steps(net, opt, pick, steps, gen):
    """Wall and CPU ms per step over `steps` training steps."""
    x = torch.randn(BATCH, 1, 8, 8, generator=gen)
    y = torch.randint(0, 10, (BATCH,), generator=gen)
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        ops = pick()
        params = net.path_parameters(ops)
        opt.zero_grad(set_to_none=True)  # ops off the path get no gradient, so SGD leaves them and their momentum alone
        logits = net(x, ops)
        l2 = sum((p * p).sum() for p in params if p.dim() >= 2)
        loss = F.cross_entropy(logits, y) + 0.5 * WEIGHT_DECAY * l2
        loss.backward()
        opt.step()
        (logits.argmax(1) == y).float().mean()  # the project's step computes the batch accuracy too
    return {'msPerStep': 1000 * (time.perf_counter() - w0) / steps, 'cpuMsPerStep': 1000 * (time.process_time() - c0) / steps, 'steps': steps}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--steps', type=int, default=100, help='timed steps per path kind')
    ap.add_argument('--warmup', type=int, default=10, help='untimed steps before each timing')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count-only', action='store_true', help='print the parameter counts only')
    a = ap.parse_args()
    if a.steps < 1 or a.warmup < 0 or a.threads < 1:
        ap.error('--steps and --threads must be at least 1, --warmup at least 0')
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    net = Supernet()
    conv = ['nor_conv_3x3'] * len(EDGES)
    out = {
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'params': {'supernet': count(net.parameters()), 'conv3x3': count(net.path_parameters(conv))},
    }
    if not a.count_only:
        opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM, nesterov=True)
        paths = {'random': lambda: [rng.choice(OPS) for _ in EDGES], 'conv3x3': lambda: conv}
        out['paths'] = {}
        for name, pick in paths.items():
            if a.warmup:
                time_steps(net, opt, pick, a.warmup, gen)
            out['paths'][name] = time_steps(net, opt, pick, a.steps, gen)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
