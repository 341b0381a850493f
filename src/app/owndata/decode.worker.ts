/// <reference lib="webworker" />
import { type DecodeImage, readUpload, type ReadOptions, UploadError, uploadTooLarge, type UserDataset } from '../../engine/data/userData';

/**
 * Decodes a learner's upload off the page's main thread: reads the files, decodes each image with
 * createImageBitmap into an OffscreenCanvas and hands the pixels to the engine's pure reader
 * (engine/data/userData.ts), which checks the limits, resizes, splits and hashes. Nothing leaves
 * the machine: the files go from the page to this worker and the dataset comes back.
 */
export type DecodeRequest = { files: { path: string; file: File }[]; options: ReadOptions };
export type DecodeReply = { type: 'progress'; done: number; total: number } | { type: 'done'; dataset: UserDataset } | { type: 'error'; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: DecodeReply, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

/**
 * A photo of millions of pixels is first scaled by the browser to at most 8× the input's side
 * (smoothing on), so the exact area average that follows reads thousands of pixels, not millions.
 */
const decoder =
  (size: number): DecodeImage =>
  async (bytes) => {
    const bmp = await createImageBitmap(new Blob([bytes as BlobPart]));
    try {
      const k = Math.min(1, (8 * size) / Math.min(bmp.width, bmp.height));
      const w = Math.max(1, Math.round(bmp.width * k));
      const h = Math.max(1, Math.round(bmp.height * k));
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d');
      if (!ctx) return null;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(bmp, 0, 0, w, h);
      return { rgba: ctx.getImageData(0, 0, w, h).data, width: w, height: h };
    } finally {
      bmp.close();
    }
  };

scope.onmessage = async (ev: MessageEvent<DecodeRequest>) => {
  const { files, options } = ev.data;
  try {
    // Sizes first, from File.size: nothing is read when the upload is too large.
    const tooLarge = uploadTooLarge(files.map((f) => ({ name: f.file.name, size: f.file.size })));
    if (tooLarge) throw new UploadError(tooLarge);
    const read = await Promise.all(files.map(async (f) => ({ path: f.path, bytes: new Uint8Array(await f.file.arrayBuffer()) })));
    let last = 0;
    const dataset = await readUpload(read, options, decoder(options.size), (done, total) => {
      const now = performance.now();
      if (now - last > 100 || done === total) {
        last = now;
        post({ type: 'progress', done, total });
      }
    });
    post({ type: 'done', dataset }, [dataset.pixels.buffer]);
  } catch (err) {
    post({ type: 'error', message: err instanceof UploadError ? err.message : `the upload could not be read (${err instanceof Error ? err.message.slice(0, 60) : 'unknown error'})` });
  }
};
