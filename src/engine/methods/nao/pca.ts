/**
 * A two-component PCA of the pool's embeddings, refit every iteration, so the page only draws.
 * Computed on the CPU in float64 with cyclic Jacobi (deterministic, exact for the small
 * hidden × hidden covariance). Each component's sign is fixed so its largest entry is positive,
 * which keeps the picture from flipping between iterations for no reason.
 */
export interface Projection {
  dim: number;
  mean: Float64Array;
  /** Two unit vectors of length `dim`. */
  components: [Float64Array, Float64Array];
  /** Share of the total variance along each component. */
  explained: [number, number];
}

export function fitPca(rows: Float32Array, dim: number): Projection {
  const n = rows.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += rows[i * dim + d] / n;
  const cov = Array.from({ length: dim }, () => new Float64Array(dim));
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const xa = rows[i * dim + a] - mean[a];
      if (xa === 0) continue;
      for (let b = a; b < dim; b++) cov[a][b] += (xa * (rows[i * dim + b] - mean[b])) / Math.max(n - 1, 1);
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a][b] = cov[b][a];
  const { values, vectors } = jacobiEigen(cov);
  const order = Array.from(values.keys()).sort((p, q) => values[q] - values[p] || p - q);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const pick = (k: number): Float64Array => {
    const col = order[k];
    const v = new Float64Array(dim);
    for (let d = 0; d < dim; d++) v[d] = vectors[d][col];
    let big = 0;
    for (let d = 1; d < dim; d++) if (Math.abs(v[d]) > Math.abs(v[big]) + 1e-12) big = d;
    if (v[big] < 0) for (let d = 0; d < dim; d++) v[d] = -v[d];
    return v;
  };
  const share = (k: number) => (total > 0 ? Math.max(values[order[k]], 0) / total : 0);
  return { dim, mean, components: [pick(0), pick(1)], explained: [share(0), share(1)] };
}

export function project(p: Projection, rows: Float32Array): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < rows.length / p.dim; i++) {
    let u = 0;
    let v = 0;
    for (let d = 0; d < p.dim; d++) {
      const x = rows[i * p.dim + d] - p.mean[d];
      u += x * p.components[0][d];
      v += x * p.components[1][d];
    }
    out.push([u, v]);
  }
  return out;
}

/** The inverse map of a 2-D point: mean + u·pc1 + v·pc2 (the caller re-normalises onto the sphere). */
export function unproject(p: Projection, points: readonly (readonly [number, number])[]): Float32Array {
  const out = new Float32Array(points.length * p.dim);
  points.forEach(([u, v], i) => {
    for (let d = 0; d < p.dim; d++) out[i * p.dim + d] = p.mean[d] + u * p.components[0][d] + v * p.components[1][d];
  });
  return out;
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations; vectors are columns. */
export function jacobiEigen(m: Float64Array[]): { values: number[]; vectors: Float64Array[] } {
  const n = m.length;
  const a = m.map((r) => Float64Array.from(r));
  const v = Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    r[i] = 1;
    return r;
  });
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i][i] * a[i][i];
      for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    }
    if (off <= 1e-22 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p][q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]), vectors: v };
}
