import { NB201_EDGES, type Nb201Cell, type Nb201Op } from '../../spaces/nb201';

/**
 * NAO's token encoding of an NB-201 cell: one token per edge, in canonical edge order
 * (0→1, 0→2, 1→2, 0→3, 1→3, 2→3). Token 0 is start/end; op number o (its index in the space's
 * op list) is token o+1, so the vocabulary is 1 + |ops|. NB-201 fixes every edge's endpoints,
 * so no input-index tokens are needed — NAO's NASNet encoding carries them because there a
 * node chooses its inputs.
 */
export const SEQ_LEN = NB201_EDGES.length;
export const SOS = 0;

export class TokenCodec {
  readonly vocab: number;

  constructor(readonly ops: readonly Nb201Op[]) {
    if (new Set(ops).size !== ops.length) throw new Error(`duplicate ops in the space: ${ops.join(', ')}`);
    this.vocab = 1 + ops.length;
  }

  encode(cell: Nb201Cell): number[] {
    return cell.ops.map((op) => {
      const o = this.ops.indexOf(op);
      if (o < 0) throw new Error(`op "${op}" is not in this space (${this.ops.join(', ')})`);
      return o + 1;
    });
  }

  /** Inverse of encode; throws on a token that is not an op (constrained decoding never makes one). */
  decode(tokens: ArrayLike<number>): Nb201Cell {
    if (tokens.length !== SEQ_LEN) throw new Error(`a cell has ${SEQ_LEN} tokens, got ${tokens.length}`);
    const ops = Array.from(tokens, (t) => {
      const op = this.ops[t - 1];
      if (t < 1 || !op) throw new Error(`token ${t} is not an op token (1…${this.ops.length})`);
      return op;
    });
    return { ops };
  }

  /** Additive mask over the vocabulary: 0 for op tokens, −1e9 for start/end — every decode is a cell. */
  opMask(): number[] {
    return Array.from({ length: this.vocab }, (_, t) => (t === SOS ? -1e9 : 0));
  }
}

/**
 * The one equivalent encoding an NB-201 cell has, NAO's branch swap in this space: when edge
 * 1→2 is "none", nodes 1 and 2 both read only node 0 and feed only node 3, so exchanging them
 * (0→1 ↔ 0→2, 1→3 ↔ 2→3) computes the same function with the same parameters — the same
 * architecture written as a different sequence. Returns null when there is no distinct twin.
 */
export function equivalentTwin(cell: Nb201Cell): Nb201Cell | null {
  const o = cell.ops;
  if (o[2] !== 'none') return null;
  if (o[0] === o[1] && o[4] === o[5]) return null;
  return { ops: [o[1], o[0], o[2], o[3], o[5], o[4]] };
}
