/**
 * npx tsx scripts/gen-wasm-kernels.ts: writes src/engine/nn/wasm/kernels.generated.ts, the
 * WebAssembly SIMD versions of the 3×3 / 1×1 convolution kernels of src/engine/nn/cpuKernels.ts
 * (forward, input gradient, filter gradient; NHWC) and of the depthwise ones of
 * src/engine/nn/cpuKernelsDepthwise.ts. test/cpuKernels.test.ts fails when the
 * committed module is not the one this script generates.
 *
 * Each kernel computes every output's sum in the JS kernel's order and precision (bit-identical):
 * float32 operands are promoted to float64 (by the caller, once), each product is exact in
 * float64, and an f64x2 lane holds one output — the two lanes are two neighbouring output
 * channels (or input channels), never two halves of one sum. The forward pass rounds its running
 * sum to float32 after every add (demote, then promote back), as the JS kernel's Math.fround and
 * tfjs-cpu's Float32Array accumulator do; the gradients sum in float64 and round once, on store.
 *
 * Addresses are byte offsets into the one imported memory. Loop bounds that the JS kernels derive
 * per row / column (padding, stride) come in as i32 tables [lo, hi] computed by the caller.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { f64x2, Func, i32, module, v128, when, type Code } from './lib/wasmAsm';

const GEOMETRY = ['B', 'H', 'W', 'Ci', 'OH', 'OW', 'Co', 'fh', 'fw', 'sh', 'sw', 'top', 'left'] as const;
const geometryParams = () => GEOMETRY.map((n) => [n, 'i32'] as [string, 'i32']);

/** acc = float32(acc + a · b), the product exact in float64 and the sum rounded to float64, then to float32 */
const fmaRound = (fn: Func, acc: string, a: string, b: string): Code => fn.set(acc, f64x2.promote(f64x2.demote(f64x2.add(fn.get(acc), f64x2.mul(fn.get(a), fn.get(b))))));
/** acc += a · b in float64 */
const fma64 = (fn: Func, acc: string, a: string, b: string): Code => fn.set(acc, f64x2.add(fn.get(acc), f64x2.mul(fn.get(a), fn.get(b))));

/**
 * conv_fwd(x: f64 [B,H,W,Ci], w: f64 [fh,fw,Ci,Co], y: f32 [B,OH,OW,Co], rtab, ctab, …geometry):
 * y[b,yR,yC,o] = Σ_(r,c,i) x[…]·w[r,c,i,o], rounded to float32 after each add, in (r, c, i) order
 * — cpuKernels.ts forwardBlock8. Eight output channels (four f64x2) of two images at once: the
 * same pixel of images b and b + 1 takes the same taps, so every weight load serves both, and the
 * eight independent rounding chains hide the add–demote–promote latency. An odd last image pairs
 * with itself (computed twice, stored once). rtab[yR] = [r0, r1), ctab[yC] = [c0, c1): the taps
 * inside the image. Co must be a multiple of 8.
 */
function convForward(): { fn: Func; body: Code[] } {
  const fn = new Func('conv_fwd', [['x', 'i32'], ['w', 'i32'], ['y', 'i32'], ['rtab', 'i32'], ['ctab', 'i32'], ...geometryParams()]);
  const L = (n: string) => fn.local(n, 'i32');
  const V = (n: string) => fn.local(n, 'v128');
  for (const n of ['o', 'b', 'has2', 'nxt', 'imgY', 'yR', 'yC', 'r', 'c', 'i', 'r1', 'c0', 'c1', 'xRow', 'xa', 'k', 'wStride', 'yo']) L(n);
  const acc = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => V(`acc${j}`));
  const wv = [0, 1, 2, 3].map((j) => V(`w${j}`));
  V('xa2');
  V('xb2');
  const g = fn.get;
  const s = fn.set;
  const body: Code[] = [
    s('wStride', i32.shl(g('Co'), i32.c(3))),
    s('imgY', i32.shl(i32.mul(i32.mul(g('OH'), g('OW')), g('Co')), i32.c(2))),
    fn.loop('o', i32.c(0), g('Co'), i32.c(8), [
      fn.loop('b', i32.c(0), g('B'), i32.c(2), [
        s('has2', i32.ltS(i32.add(g('b'), i32.c(1)), g('B'))),
        s('nxt', i32.mul(g('has2'), i32.shl(i32.mul(i32.mul(g('H'), g('W')), g('Ci')), i32.c(3)))),
        fn.loop('yR', i32.c(0), g('OH'), i32.c(1), [
          s('r1', i32.load(i32.add(g('rtab'), i32.shl(g('yR'), i32.c(3))), 4)),
          fn.loop('yC', i32.c(0), g('OW'), i32.c(1), [
            s('c0', i32.load(i32.add(g('ctab'), i32.shl(g('yC'), i32.c(3))))),
            s('c1', i32.load(i32.add(g('ctab'), i32.shl(g('yC'), i32.c(3))), 4)),
            ...acc.map((a) => s(a, v128.zero())),
            fn.loop('r', i32.load(i32.add(g('rtab'), i32.shl(g('yR'), i32.c(3)))), g('r1'), i32.c(1), [
              // input row b·H + yR·sh + r − top
              s('xRow', i32.mul(i32.sub(i32.add(i32.add(i32.mul(g('b'), g('H')), i32.mul(g('yR'), g('sh'))), g('r')), g('top')), g('W'))),
              fn.loop('c', g('c0'), g('c1'), i32.c(1), [
                s('xa', i32.add(g('x'), i32.shl(i32.mul(i32.sub(i32.add(i32.add(g('xRow'), i32.mul(g('yC'), g('sw'))), g('c')), g('left')), g('Ci')), i32.c(3)))),
                s('k', i32.add(g('w'), i32.shl(i32.add(i32.mul(i32.mul(i32.add(i32.mul(g('r'), g('fw')), g('c')), g('Ci')), g('Co')), g('o')), i32.c(3)))),
                fn.loop('i', i32.c(0), g('Ci'), i32.c(1), [
                  s('xa2', v128.load64Splat(g('xa'))),
                  s('xb2', v128.load64Splat(i32.add(g('xa'), g('nxt')))),
                  ...wv.map((w, j) => s(w, v128.load(g('k'), 16 * j))),
                  ...wv.map((w, j) => fmaRound(fn, acc[j], 'xa2', w)),
                  ...wv.map((w, j) => fmaRound(fn, acc[4 + j], 'xb2', w)),
                  s('xa', i32.add(g('xa'), i32.c(8))),
                  s('k', i32.add(g('k'), g('wStride'))),
                ]),
              ]),
            ]),
            // the sums are float32 values already: the demote is exact
            s('yo', i32.add(g('y'), i32.shl(i32.add(i32.mul(i32.add(i32.mul(i32.add(i32.mul(g('b'), g('OH')), g('yR')), g('OW')), g('yC')), g('Co')), g('o')), i32.c(2)))),
            ...[0, 1, 2, 3].map((j) => v128.store64Lane0(g('yo'), f64x2.demote(g(acc[j])), 8 * j)),
            when(g('has2'), [...[0, 1, 2, 3].map((j) => v128.store64Lane0(i32.add(g('yo'), g('imgY')), f64x2.demote(g(acc[4 + j])), 8 * j))]),
          ]),
        ]),
      ]),
    ]),
  ];
  return { fn, body };
}

/**
 * conv_dx(dy: f64 [B,OH,OW,Co], wt: f64 [fh,fw,Co,Ci] (the filter transposed), dx: f32 [B,H,W,Ci],
 * rtab, ctab, …geometry with top / left = the JS kernel's topPad / leftPad):
 * dx[b,xR,xC,i] = Σ_(yR,yC,o) dy[…]·w[r,c,i,o] in float64, in (yR, yC, o) order, stored once as
 * float32 — cpuKernels.ts inputGradPairs4. `lanes` input channels (lanes / 2 f64x2) of two images
 * at once; rtab[xR] = [yR0, yR1), ctab[xC] = [yC0, yC1). Ci must be a multiple of `lanes`.
 */
function convInputGrad(lanes: 4 | 8): { fn: Func; body: Code[] } {
  const fn = new Func(`conv_dx${lanes}`, [['dy', 'i32'], ['wt', 'i32'], ['dx', 'i32'], ['rtab', 'i32'], ['ctab', 'i32'], ...geometryParams()]);
  const L = (n: string) => fn.local(n, 'i32');
  const V = (n: string) => fn.local(n, 'v128');
  for (const n of ['i', 'b', 'has2', 'nxt', 'imgX', 'xR', 'xC', 'yR', 'yC', 'o', 'yR1', 'yC0', 'yC1', 'r', 'c', 'da', 'k', 'wStride', 'xo']) L(n);
  const nv = lanes / 2;
  const acc = Array.from({ length: 2 * nv }, (_, j) => V(`acc${j}`));
  const wv = Array.from({ length: nv }, (_, j) => V(`w${j}`));
  V('d2');
  V('e2');
  const g = fn.get;
  const s = fn.set;
  const body: Code[] = [
    s('wStride', i32.shl(g('Ci'), i32.c(3))),
    s('imgX', i32.shl(i32.mul(i32.mul(g('H'), g('W')), g('Ci')), i32.c(2))),
    fn.loop('i', i32.c(0), g('Ci'), i32.c(lanes), [
      fn.loop('b', i32.c(0), g('B'), i32.c(2), [
        s('has2', i32.ltS(i32.add(g('b'), i32.c(1)), g('B'))),
        s('nxt', i32.mul(g('has2'), i32.shl(i32.mul(i32.mul(g('OH'), g('OW')), g('Co')), i32.c(3)))),
        fn.loop('xR', i32.c(0), g('H'), i32.c(1), [
          s('yR1', i32.load(i32.add(g('rtab'), i32.shl(g('xR'), i32.c(3))), 4)),
          fn.loop('xC', i32.c(0), g('W'), i32.c(1), [
            s('yC0', i32.load(i32.add(g('ctab'), i32.shl(g('xC'), i32.c(3))))),
            s('yC1', i32.load(i32.add(g('ctab'), i32.shl(g('xC'), i32.c(3))), 4)),
            ...acc.map((a) => s(a, v128.zero())),
            fn.loop('yR', i32.load(i32.add(g('rtab'), i32.shl(g('xR'), i32.c(3)))), g('yR1'), i32.c(1), [
              // r = fh − 1 − (yR·sh − (xR − topPad))
              s('r', i32.sub(i32.sub(g('fh'), i32.c(1)), i32.sub(i32.mul(g('yR'), g('sh')), i32.sub(g('xR'), g('top'))))),
              fn.loop('yC', g('yC0'), g('yC1'), i32.c(1), [
                s('c', i32.sub(i32.sub(g('fw'), i32.c(1)), i32.sub(i32.mul(g('yC'), g('sw')), i32.sub(g('xC'), g('left'))))),
                s('da', i32.add(g('dy'), i32.shl(i32.mul(i32.add(i32.mul(i32.add(i32.mul(g('b'), g('OH')), g('yR')), g('OW')), g('yC')), g('Co')), i32.c(3)))),
                s('k', i32.add(g('wt'), i32.shl(i32.add(i32.mul(i32.mul(i32.add(i32.mul(g('r'), g('fw')), g('c')), g('Co')), g('Ci')), g('i')), i32.c(3)))),
                fn.loop('o', i32.c(0), g('Co'), i32.c(1), [
                  s('d2', v128.load64Splat(g('da'))),
                  s('e2', v128.load64Splat(i32.add(g('da'), g('nxt')))),
                  ...wv.map((w, j) => s(w, v128.load(g('k'), 16 * j))),
                  ...wv.map((w, j) => fma64(fn, acc[j], 'd2', w)),
                  ...wv.map((w, j) => fma64(fn, acc[nv + j], 'e2', w)),
                  s('da', i32.add(g('da'), i32.c(8))),
                  s('k', i32.add(g('k'), g('wStride'))),
                ]),
              ]),
            ]),
            s('xo', i32.add(g('dx'), i32.shl(i32.add(i32.mul(i32.add(i32.mul(i32.add(i32.mul(g('b'), g('H')), g('xR')), g('W')), g('xC')), g('Ci')), g('i')), i32.c(2)))),
            ...wv.map((_, j) => v128.store64Lane0(g('xo'), f64x2.demote(g(acc[j])), 8 * j)),
            when(g('has2'), wv.map((_, j) => v128.store64Lane0(i32.add(g('xo'), g('imgX')), f64x2.demote(g(acc[nv + j])), 8 * j))),
          ]),
        ]),
      ]),
    ]),
  ];
  return { fn, body };
}

/**
 * conv_dw(x: f64 [B,H,W,Ci], dy: f64 [B,OH,OW,Co], dw: f32 [fh,fw,Ci,Co], rtab, ctab, …geometry):
 * dW[r,c,i,o] = Σ_(b,yR,yC) x[…]·dy[b,yR,yC,o] in float64, in (b, yR, yC) order, stored once as
 * float32 — cpuKernels.ts filterGradBlock8. Two input channels × eight output channels (eight
 * f64x2) at once; rtab[r] = [y0, y1), ctab[c] = [x0, x1): the output rows / columns whose input
 * lies inside the image. Ci even, Co a multiple of 8.
 */
function convFilterGrad(): { fn: Func; body: Code[] } {
  const fn = new Func('conv_dw', [['x', 'i32'], ['dy', 'i32'], ['dw', 'i32'], ['rtab', 'i32'], ['ctab', 'i32'], ...geometryParams()]);
  const L = (n: string) => fn.local(n, 'i32');
  const V = (n: string) => fn.local(n, 'v128');
  for (const n of ['r', 'c', 'i', 'o', 'b', 'yR', 'yC', 'y1', 'x0', 'x1', 'xi', 'kk', 'xStep', 'dyStep', 'wo']) L(n);
  const acc = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => V(`acc${j}`));
  const dv = [0, 1, 2, 3].map((j) => V(`d${j}`));
  V('xv2');
  V('xw2');
  const g = fn.get;
  const s = fn.set;
  const body: Code[] = [
    s('xStep', i32.shl(i32.mul(g('sw'), g('Ci')), i32.c(3))),
    s('dyStep', i32.shl(g('Co'), i32.c(3))),
    fn.loop('r', i32.c(0), g('fh'), i32.c(1), [
      s('y1', i32.load(i32.add(g('rtab'), i32.shl(g('r'), i32.c(3))), 4)),
      fn.loop('c', i32.c(0), g('fw'), i32.c(1), [
        s('x0', i32.load(i32.add(g('ctab'), i32.shl(g('c'), i32.c(3))))),
        s('x1', i32.load(i32.add(g('ctab'), i32.shl(g('c'), i32.c(3))), 4)),
        fn.loop('i', i32.c(0), g('Ci'), i32.c(2), [
          fn.loop('o', i32.c(0), g('Co'), i32.c(8), [
            ...acc.map((a) => s(a, v128.zero())),
            fn.loop('b', i32.c(0), g('B'), i32.c(1), [
              fn.loop('yR', i32.load(i32.add(g('rtab'), i32.shl(g('r'), i32.c(3)))), g('y1'), i32.c(1), [
                // x[b, yR·sh + r − top, x0·sw + c − left, i] and dy[b, yR, x0, o]
                s('xi', i32.add(g('x'), i32.shl(i32.add(i32.mul(i32.sub(i32.add(i32.mul(i32.sub(i32.add(i32.add(i32.mul(g('b'), g('H')), i32.mul(g('yR'), g('sh'))), g('r')), g('top')), g('W')), i32.mul(g('x0'), g('sw'))), i32.sub(g('left'), g('c'))), g('Ci')), g('i')), i32.c(3)))),
                s('kk', i32.add(g('dy'), i32.shl(i32.add(i32.mul(i32.add(i32.mul(i32.add(i32.mul(g('b'), g('OH')), g('yR')), g('OW')), g('x0')), g('Co')), g('o')), i32.c(3)))),
                fn.loop('yC', g('x0'), g('x1'), i32.c(1), [
                  s('xv2', v128.load64Splat(g('xi'))),
                  s('xw2', v128.load64Splat(g('xi'), 8)),
                  ...dv.map((d, j) => s(d, v128.load(g('kk'), 16 * j))),
                  ...dv.map((d, j) => fma64(fn, acc[j], 'xv2', d)),
                  ...dv.map((d, j) => fma64(fn, acc[4 + j], 'xw2', d)),
                  s('xi', i32.add(g('xi'), g('xStep'))),
                  s('kk', i32.add(g('kk'), g('dyStep'))),
                ]),
              ]),
            ]),
            s('wo', i32.add(g('dw'), i32.shl(i32.add(i32.mul(i32.add(i32.mul(i32.add(i32.mul(g('r'), g('fw')), g('c')), g('Ci')), g('i')), g('Co')), g('o')), i32.c(2)))),
            ...[0, 1, 2, 3].map((j) => v128.store64Lane0(g('wo'), f64x2.demote(g(acc[j])), 8 * j)),
            ...[0, 1, 2, 3].map((j) => v128.store64Lane0(i32.add(g('wo'), i32.shl(g('Co'), i32.c(2))), f64x2.demote(g(acc[4 + j])), 8 * j)),
          ]),
        ]),
      ]),
    ]),
  ];
  return { fn, body };
}

/**
 * The depthwise kernels (channel multiplier 1) of src/engine/nn/cpuKernelsDepthwise.ts, NHWC,
 * Ci = Co = C, C even. Each output's sum runs in the JS kernel's order; the two lanes of an f64x2
 * are two neighbouring channels. The running sums of one output pixel (or one filter tap) live in
 * a scratch row `acc` of C float64 in the module's memory, swept channel-pair by channel-pair for
 * every tap: the channel pairs are independent, so the sweep is not held up by the latency of one
 * sum's chain. `unroll` f64x2 per step of the sweep (C a multiple of 2·unroll).
 *
 * dw_fwd(x: f64 [B,H,W,C], w: f64 [fh,fw,C], y: f32 [B,OH,OW,C], rtab, ctab, acc, …geometry):
 * y[b,yR,yC,d] = Σ_(r,c) x[…,d]·w[r,c,d] in (r, c) order, rounded to float32 after every add
 * (tfjs-cpu's Float32Array `+=`); rtab[yR] = [r0, r1), ctab[yC] = [c0, c1): the taps inside the image.
 */
function dwForward(unroll: 1 | 2): { fn: Func; body: Code[] } {
  const fn = new Func(`dw_fwd${unroll}`, [['x', 'i32'], ['w', 'i32'], ['y', 'i32'], ['rtab', 'i32'], ['ctab', 'i32'], ['acc', 'i32'], ...geometryParams()]);
  const L = (n: string) => fn.local(n, 'i32');
  for (const n of ['b', 'yR', 'yC', 'r', 'c', 'r1', 'c0', 'c1', 'p', 'accEnd', 'xa', 'wa', 'ya', 'xRow']) L(n);
  const g = fn.get;
  const s = fn.set;
  const step = 16 * unroll;
  const lanes = Array.from({ length: unroll }, (_, j) => 16 * j);
  const body: Code[] = [
    s('accEnd', i32.add(g('acc'), i32.shl(g('Co'), i32.c(3)))),
    s('ya', g('y')),
    fn.loop('b', i32.c(0), g('B'), i32.c(1), [
      fn.loop('yR', i32.c(0), g('OH'), i32.c(1), [
        s('r1', i32.load(i32.add(g('rtab'), i32.shl(g('yR'), i32.c(3))), 4)),
        fn.loop('yC', i32.c(0), g('OW'), i32.c(1), [
          s('c0', i32.load(i32.add(g('ctab'), i32.shl(g('yC'), i32.c(3))))),
          s('c1', i32.load(i32.add(g('ctab'), i32.shl(g('yC'), i32.c(3))), 4)),
          fn.loop('p', g('acc'), g('accEnd'), i32.c(16), [v128.store(g('p'), v128.zero())]),
          fn.loop('r', i32.load(i32.add(g('rtab'), i32.shl(g('yR'), i32.c(3)))), g('r1'), i32.c(1), [
            s('xRow', i32.mul(i32.sub(i32.add(i32.add(i32.mul(g('b'), g('H')), i32.mul(g('yR'), g('sh'))), g('r')), g('top')), g('W'))),
            fn.loop('c', g('c0'), g('c1'), i32.c(1), [
              s('xa', i32.add(g('x'), i32.shl(i32.mul(i32.sub(i32.add(i32.add(g('xRow'), i32.mul(g('yC'), g('sw'))), g('c')), g('left')), g('Co')), i32.c(3)))),
              s('wa', i32.add(g('w'), i32.shl(i32.mul(i32.add(i32.mul(g('r'), g('fw')), g('c')), g('Co')), i32.c(3)))),
              fn.loop('p', g('acc'), g('accEnd'), i32.c(step), [
                ...lanes.map((o) => v128.store(g('p'), f64x2.promote(f64x2.demote(f64x2.add(v128.load(g('p'), o), f64x2.mul(v128.load(g('xa'), o), v128.load(g('wa'), o))))), o)),
                s('xa', i32.add(g('xa'), i32.c(step))),
                s('wa', i32.add(g('wa'), i32.c(step))),
              ]),
            ]),
          ]),
          // the sums are float32 values already: the demote is exact
          fn.loop('p', g('acc'), g('accEnd'), i32.c(16), [v128.store64Lane0(g('ya'), f64x2.demote(v128.load(g('p')))), s('ya', i32.add(g('ya'), i32.c(8)))]),
        ]),
      ]),
    ]),
  ];
  return { fn, body };
}

/**
 * dw_dx(dy: f64 [B,OH,OW,C], w: f64 [fh,fw,C], dx: f32 [B,H,W,C], rtab, ctab, acc, …geometry with
 * top / left = the JS kernel's topPad / leftPad): dx[b,xR,xC,d] = Σ_(yR,yC) dy[…,d]·w[fh−1−wR,
 * fw−1−wC, d] in float64, in (yR, yC) order, stored once as float32; rtab[xR] = [yR0, yR1),
 * ctab[xC] = [yC0, yC1).
 */
function dwInputGrad(unroll: 1 | 2): { fn: Func; body: Code[] } {
  const fn = new Func(`dw_dx${unroll}`, [['dy', 'i32'], ['w', 'i32'], ['dx', 'i32'], ['rtab', 'i32'], ['ctab', 'i32'], ['acc', 'i32'], ...geometryParams()]);
  const L = (n: string) => fn.local(n, 'i32');
  for (const n of ['b', 'xR', 'xC', 'yR', 'yC', 'r', 'c', 'yR1', 'yC0', 'yC1', 'p', 'accEnd', 'da', 'wa', 'xo']) L(n);
  const g = fn.get;
  const s = fn.set;
  const step = 16 * unroll;
  const lanes = Array.from({ length: unroll }, (_, j) => 16 * j);
  const body: Code[] = [
    s('accEnd', i32.add(g('acc'), i32.shl(g('Co'), i32.c(3)))),
    s('xo', g('dx')),
    fn.loop('b', i32.c(0), g('B'), i32.c(1), [
      fn.loop('xR', i32.c(0), g('H'), i32.c(1), [
        s('yR1', i32.load(i32.add(g('rtab'), i32.shl(g('xR'), i32.c(3))), 4)),
        fn.loop('xC', i32.c(0), g('W'), i32.c(1), [
          s('yC0', i32.load(i32.add(g('ctab'), i32.shl(g('xC'), i32.c(3))))),
          s('yC1', i32.load(i32.add(g('ctab'), i32.shl(g('xC'), i32.c(3))), 4)),
          fn.loop('p', g('acc'), g('accEnd'), i32.c(16), [v128.store(g('p'), v128.zero())]),
          fn.loop('yR', i32.load(i32.add(g('rtab'), i32.shl(g('xR'), i32.c(3)))), g('yR1'), i32.c(1), [
            // r = fh − 1 − (yR·sh − (xR − topPad))
            s('r', i32.sub(i32.sub(g('fh'), i32.c(1)), i32.sub(i32.mul(g('yR'), g('sh')), i32.sub(g('xR'), g('top'))))),
            fn.loop('yC', g('yC0'), g('yC1'), i32.c(1), [
              s('c', i32.sub(i32.sub(g('fw'), i32.c(1)), i32.sub(i32.mul(g('yC'), g('sw')), i32.sub(g('xC'), g('left'))))),
              s('da', i32.add(g('dy'), i32.shl(i32.mul(i32.add(i32.mul(i32.add(i32.mul(g('b'), g('OH')), g('yR')), g('OW')), g('yC')), g('Co')), i32.c(3)))),
              s('wa', i32.add(g('w'), i32.shl(i32.mul(i32.add(i32.mul(g('r'), g('fw')), g('c')), g('Co')), i32.c(3)))),
              fn.loop('p', g('acc'), g('accEnd'), i32.c(step), [
                ...lanes.map((o) => v128.store(g('p'), f64x2.add(v128.load(g('p'), o), f64x2.mul(v128.load(g('da'), o), v128.load(g('wa'), o))), o)),
                s('da', i32.add(g('da'), i32.c(step))),
                s('wa', i32.add(g('wa'), i32.c(step))),
              ]),
            ]),
          ]),
          fn.loop('p', g('acc'), g('accEnd'), i32.c(16), [v128.store64Lane0(g('xo'), f64x2.demote(v128.load(g('p')))), s('xo', i32.add(g('xo'), i32.c(8)))]),
        ]),
      ]),
    ]),
  ];
  return { fn, body };
}

/**
 * dw_dw(x: f64 [B,H,W,C], dy: f64 [B,OH,OW,C], dw: f32 [fh,fw,C], rtab, ctab, acc, …geometry):
 * dW[r,c,d] = Σ_(b,yR,yC) x[…,d]·dy[b,yR,yC,d] in float64, in (b, yR, yC) order, stored once as
 * float32; rtab[r] = [y0, y1), ctab[c] = [x0, x1): the output rows / columns whose input lies
 * inside the image.
 */
function dwFilterGrad(unroll: 1 | 2): { fn: Func; body: Code[] } {
  const fn = new Func(`dw_dw${unroll}`, [['x', 'i32'], ['dy', 'i32'], ['dw', 'i32'], ['rtab', 'i32'], ['ctab', 'i32'], ['acc', 'i32'], ...geometryParams()]);
  const L = (n: string) => fn.local(n, 'i32');
  for (const n of ['r', 'c', 'b', 'yR', 'yC', 'y1', 'x0', 'x1', 'p', 'accEnd', 'xa', 'da', 'wo']) L(n);
  const g = fn.get;
  const s = fn.set;
  const step = 16 * unroll;
  const lanes = Array.from({ length: unroll }, (_, j) => 16 * j);
  const body: Code[] = [
    s('accEnd', i32.add(g('acc'), i32.shl(g('Co'), i32.c(3)))),
    s('wo', g('dw')),
    fn.loop('r', i32.c(0), g('fh'), i32.c(1), [
      s('y1', i32.load(i32.add(g('rtab'), i32.shl(g('r'), i32.c(3))), 4)),
      fn.loop('c', i32.c(0), g('fw'), i32.c(1), [
        s('x0', i32.load(i32.add(g('ctab'), i32.shl(g('c'), i32.c(3))))),
        s('x1', i32.load(i32.add(g('ctab'), i32.shl(g('c'), i32.c(3))), 4)),
        fn.loop('p', g('acc'), g('accEnd'), i32.c(16), [v128.store(g('p'), v128.zero())]),
        fn.loop('b', i32.c(0), g('B'), i32.c(1), [
          fn.loop('yR', i32.load(i32.add(g('rtab'), i32.shl(g('r'), i32.c(3)))), g('y1'), i32.c(1), [
            fn.loop('yC', g('x0'), g('x1'), i32.c(1), [
              // x[b, yR·sh + r − top, yC·sw + c − left, ·] and dy[b, yR, yC, ·]
              s('xa', i32.add(g('x'), i32.shl(i32.mul(i32.add(i32.mul(i32.sub(i32.add(i32.add(i32.mul(g('b'), g('H')), i32.mul(g('yR'), g('sh'))), g('r')), g('top')), g('W')), i32.sub(i32.add(i32.mul(g('yC'), g('sw')), g('c')), g('left'))), g('Co')), i32.c(3)))),
              s('da', i32.add(g('dy'), i32.shl(i32.mul(i32.add(i32.mul(i32.add(i32.mul(g('b'), g('OH')), g('yR')), g('OW')), g('yC')), g('Co')), i32.c(3)))),
              fn.loop('p', g('acc'), g('accEnd'), i32.c(step), [
                ...lanes.map((o) => v128.store(g('p'), f64x2.add(v128.load(g('p'), o), f64x2.mul(v128.load(g('xa'), o), v128.load(g('da'), o))), o)),
                s('xa', i32.add(g('xa'), i32.c(step))),
                s('da', i32.add(g('da'), i32.c(step))),
              ]),
            ]),
          ]),
        ]),
        fn.loop('p', g('acc'), g('accEnd'), i32.c(16), [v128.store64Lane0(g('wo'), f64x2.demote(v128.load(g('p')))), s('wo', i32.add(g('wo'), i32.c(8)))]),
      ]),
    ]),
  ];
  return { fn, body };
}

export function wasmKernelBytes(): Uint8Array {
  return module([convForward(), convInputGrad(4), convInputGrad(8), convFilterGrad(), dwForward(1), dwForward(2), dwInputGrad(1), dwInputGrad(2), dwFilterGrad(1), dwFilterGrad(2)]);
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The generated module's text; the test compares the committed file with it. */
export function wasmKernelsModuleText(): string {
  const b64 = base64(wasmKernelBytes());
  const lines = b64.match(/.{1,100}/g) ?? [];
  return [
    '// Generated by scripts/gen-wasm-kernels.ts (npx tsx scripts/gen-wasm-kernels.ts); do not edit.',
    '// The WebAssembly SIMD convolution kernels, base64. test/cpuKernels.test.ts checks it is current.',
    'export const WASM_KERNELS_BASE64 =',
    ...lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}

export const WASM_KERNELS_FILE = 'src/engine/nn/wasm/kernels.generated.ts';

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  mkdirSync(path.dirname(WASM_KERNELS_FILE), { recursive: true });
  writeFileSync(WASM_KERNELS_FILE, wasmKernelsModuleText());
  console.log(`wrote ${WASM_KERNELS_FILE} (${wasmKernelBytes().length} bytes of wasm)`);
}
