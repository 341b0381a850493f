/**
 * A small WebAssembly binary assembler: just what scripts/gen-wasm-kernels.ts needs (i32 and f64
 * scalars, a few SIMD128 ops, structured loops, one imported memory). No toolchain for wasm is
 * installed (no clang, no AssemblyScript), and the kernels are a few loop nests, so the bytes are
 * written directly; code is built as byte arrays, an expression being the bytes that push its value.
 */

export type Code = number[];
export type ValType = 'i32' | 'f64' | 'v128';

const TYPE: Record<ValType, number> = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** One function: named parameters and locals, all i32 / f64 / v128. */
export class Func {
  private readonly index = new Map<string, { i: number; t: ValType }>();
  private readonly extra: ValType[] = [];
  constructor(
    readonly name: string,
    readonly params: [string, ValType][],
  ) {
    params.forEach(([n, t], i) => this.index.set(n, { i, t }));
  }
  local(name: string, t: ValType): string {
    if (this.index.has(name)) throw new Error(`local ${name} twice in ${this.name}`);
    this.index.set(name, { i: this.params.length + this.extra.length, t });
    this.extra.push(t);
    return name;
  }
  private idx(name: string): number {
    const l = this.index.get(name);
    if (!l) throw new Error(`no local ${name} in ${this.name}`);
    return l.i;
  }
  get = (name: string): Code => [0x20, ...uleb(this.idx(name))];
  set = (name: string, value: Code): Code => [...value, 0x21, ...uleb(this.idx(name))];
  /** for (v = from; v < to; v += step) body — `to` is evaluated before every iteration. */
  loop = (v: string, from: Code, to: Code, step: Code, body: Code[]): Code => [
    ...this.set(v, from),
    0x02, 0x40, // block
    0x03, 0x40, // loop
    ...this.get(v), ...to, 0x4e, 0x0d, 1, // br_if (v >= to) out of the block
    ...body.flat(),
    ...this.set(v, i32.add(this.get(v), step)),
    0x0c, 0, // br to the loop
    0x0b, 0x0b,
  ];
  /** Body bytes: local declarations, the code, end. */
  encode(body: Code[]): number[] {
    const groups: number[][] = this.extra.map((t) => [1, TYPE[t]]);
    return [...vec(groups), ...body.flat(), 0x0b];
  }
}

export const i32 = {
  c: (n: number): Code => [0x41, ...sleb(n)],
  add: (a: Code, b: Code): Code => [...a, ...b, 0x6a],
  sub: (a: Code, b: Code): Code => [...a, ...b, 0x6b],
  mul: (a: Code, b: Code): Code => [...a, ...b, 0x6c],
  shl: (a: Code, b: Code): Code => [...a, ...b, 0x74],
  ltS: (a: Code, b: Code): Code => [...a, ...b, 0x48],
  load: (addr: Code, offset = 0): Code => [...addr, 0x28, 2, ...uleb(offset)],
};

/** if (cond) then — no result. */
export const when = (cond: Code, then: Code[]): Code => [...cond, 0x04, 0x40, ...then.flat(), 0x0b];

const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
const memarg = (align: number, offset: number) => [align, ...uleb(offset)];

export const v128 = {
  zero: (): Code => [...simd(0x0c), ...new Array(16).fill(0)],
  load: (addr: Code, offset = 0): Code => [...addr, ...simd(0x00, ...memarg(4, offset))],
  store: (addr: Code, v: Code, offset = 0): Code => [...addr, ...v, ...simd(0x0b, ...memarg(4, offset))],
  /** an f64 at addr in both lanes */
  load64Splat: (addr: Code, offset = 0): Code => [...addr, ...simd(0x0a, ...memarg(3, offset))],
  /** the low 64 bits of v (two float32 after a demote) to addr */
  store64Lane0: (addr: Code, v: Code, offset = 0): Code => [...addr, ...v, ...simd(0x5b, ...memarg(3, offset), 0)],
};

export const f64x2 = {
  add: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xf0)],
  mul: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xf2)],
  /** both lanes rounded to float32, in the low two float32 lanes (upper ones zero) */
  demote: (a: Code): Code => [...a, ...simd(0x5e)],
  /** the low two float32 lanes as float64 */
  promote: (a: Code): Code => [...a, ...simd(0x5f)],
};

/** A module importing env.memory and exporting every function by its name. */
export function module(funcs: { fn: Func; body: Code[] }[]): Uint8Array {
  const types = funcs.map(({ fn }) => [0x60, ...vec(fn.params.map(([, t]) => [TYPE[t]])), 0]);
  const imports = vec([[...uleb(3), ...utf8('env'), ...uleb(6), ...utf8('memory'), 0x02, 0x00, 1]]); // memory, min 1 page, no max
  const functions = vec(funcs.map((_, i) => uleb(i)));
  const exports = vec(funcs.map(({ fn }, i) => [...uleb(fn.name.length), ...utf8(fn.name), 0x00, ...uleb(i)]));
  const codes = vec(
    funcs.map(({ fn, body }) => {
      const b = fn.encode(body);
      return [...uleb(b.length), ...b];
    }),
  );
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, vec(types)), ...section(2, imports), ...section(3, functions), ...section(7, exports), ...section(10, codes)]);
}
