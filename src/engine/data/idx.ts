/**
 * The IDX format (MNIST's): big-endian header 00 00 <type> <ndim>, ndim uint32 sizes, then data.
 * Only unsigned bytes (type 0x08) are used by the shipped datasets.
 */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array, name = 'IDX file'): IdxArray {
  if (bytes.length < 4) throw new Error(`${name}: too short to be an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0) throw new Error(`${name}: bad IDX magic (first two bytes must be 0)`);
  const type = view.getUint8(2);
  if (type !== 0x08) throw new Error(`${name}: IDX data type 0x${type.toString(16)} is not unsigned byte`);
  const ndim = view.getUint8(3);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) throw new Error(`${name}: header cut short`);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - headerBytes !== count) {
    throw new Error(`${name}: header says ${count} values, file holds ${bytes.length - headerBytes}`);
  }
  return { shape, data: bytes.subarray(headerBytes) };
}

/**
 * Gunzip with the platform's DecompressionStream (browsers, workers and Node ≥ 18 all have it).
 * Bytes without the gzip magic are returned as they are: static servers such as vite preview
 * send .gz files with Content-Encoding: gzip, and fetch has already inflated them.
 */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
