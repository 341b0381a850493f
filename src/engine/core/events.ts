import type { RunConfig } from './config';
import type { Cost } from './cost';
import type { BlockStructure, Preprocessing } from './formats';
import type { z } from './schema';

/**
 * Everything a run tells the page. The page is a function of this log, so a recorded run can be
 * replayed without compute. `t` (ms since the run started) is the only field that depends on the
 * machine; determinism tests compare logs without it.
 */
export type Phase = 'setup' | 'supernet' | 'search' | 'final' | 'done';

/** An architecture as it travels in events: its space and canonical string. */
export interface ArchRef {
  space: 'nb201' | 'blocks';
  arch: string;
}

export type RunEvent =
  | {
      type: 'run-start';
      t: number;
      config: RunConfig;
      backend: string;
      tfjsVersion: string;
      datasetSizes?: Record<string, number>;
      /** Exactly how the data was prepared (split, scaling, standardisation statistics). */
      preprocessing?: Preprocessing;
      /** Set when the run trains one given architecture instead of searching. */
      trainArch?: string;
    }
  | { type: 'phase'; t: number; phase: Phase; detail: string; total?: number }
  | { type: 'train'; t: number; phase: Phase; step: number; loss: number; acc: number; lr: number }
  | { type: 'val'; t: number; phase: Phase; step: number; loss: number; acc: number }
  | {
      type: 'candidate';
      t: number;
      index: number;
      arch: ArchRef;
      score: number;
      metrics: Record<string, number>;
      cost: Cost;
      /** Method-specific provenance: 'sample', 'mutation of #3', 'nao η=2 from #5' … */
      origin: string;
    }
  | { type: 'progress'; t: number; done: number; total: number; unit: string }
  | {
      type: 'final';
      t: number;
      arch: ArchRef;
      candidateIndex: number;
      score: number;
      metrics: Record<string, number>;
      cost: Cost;
      recipe: string;
      /** Block-space results: the chain's structure (widths, strides, stem), which the arch string alone does not say. */
      structure?: BlockStructure;
    }
  | { type: 'log'; t: number; level: 'info' | 'warn'; message: string }
  | { type: 'run-end'; t: number; status: 'completed' | 'stopped' | 'error'; message?: string }
  /** Method-specific views (evolution population, NAO iterations, DNA blocks, Cream board …). */
  | { type: 'method'; t: number; method: string; kind: string; data: unknown };

export type RunEventType = RunEvent['type'];

/** Distributes Omit over the union, so callers can emit without a timestamp. */
export type Untimed<E> = E extends unknown ? Omit<E, 't'> : never;
export type EmitFn = (e: Untimed<RunEvent>) => void;

/**
 * A method's event payloads: one zod schema per kind, the one source of both the payload's type
 * (the schema's output, what the emitter builds and the fold reads) and the check an imported
 * file or saved run gets (export/architectureFile.ts). Schemas import `z` from core/schema.ts.
 */
export type PayloadSchemas = Record<string, z.ZodType>;

/** The `{ kind, data }` union a method's payload schemas declare, each payload as the emitter builds it. */
export type PayloadUnion<S extends PayloadSchemas> = { [K in keyof S & string]: { kind: K; data: z.output<S[K]> } }[keyof S & string];

/** A method's id and its payload schemas by kind: what a plugin declares (contract.ts `events`) and the import checks a log against. */
export interface MethodEventSchemas {
  readonly method: string;
  readonly payloads: PayloadSchemas;
}

/** A method's own events, from the union of `{ kind, data }` it declares: each as the log carries it (the time aside). */
export type MethodEventOf<M extends string, U extends { kind: string; data: unknown }> = U extends unknown ? { type: 'method'; method: M; kind: U['kind']; data: U['data'] } : never;

/**
 * The one way code reads a method's events with their types: the log holds every method's
 * events with `data: unknown` (it may have come from a file), and each method declares its id
 * and a payload schema for every kind it emits; an event of that id and one of those kinds is
 * that kind's payload. The guard checks the method and the kind only: folds call it on every
 * event of every scrub frame, and a log from a file had its payloads parsed by these same
 * schemas when it was read (validateRunLog, validateArchitectureFile). Replaces an `as` at every
 * read; works on events with or without their time. The schemas ride along (`payloads`) for the import.
 */
export function methodEventGuard<M extends string, S extends PayloadSchemas>(method: M, payloads: S): MethodEventGuard<M, S> {
  const guard = <E extends RunEvent | Untimed<RunEvent>>(e: E): e is E & MethodEventOf<M, PayloadUnion<S>> => e.type === 'method' && e.method === method && Object.hasOwn(payloads, e.kind);
  return Object.assign(guard, { method, payloads });
}

/** What methodEventGuard returns: the guard, callable as a predicate (`log.find(isNaoEvent)`), with its method and schemas. */
export interface MethodEventGuard<M extends string, S extends PayloadSchemas> extends MethodEventSchemas {
  <E extends RunEvent | Untimed<RunEvent>>(e: E): e is E & MethodEventOf<M, PayloadUnion<S>>;
  readonly method: M;
  readonly payloads: S;
}

/** A method's event with its declared type, to emit: the counterpart of methodEventGuard. */
export function methodEvent<M extends string, U extends { kind: string; data: unknown }>(method: M, e: U): Untimed<RunEvent> {
  return { type: 'method', method, kind: e.kind, data: e.data };
}
