import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Files worth compressing; images and web fonts other than TrueType are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest', '.ttf', '.txt']);
/** Below this a compressed copy saves less than its own headers cost. */
const MIN_BYTES = 256;

/**
 * Writes `<file>.br` and `<file>.gz` next to every compressible file under `directory`, once at
 * build time at the highest levels, so the server only picks the copy the browser accepts.
 * Returns how many files were compressed.
 */
export function precompress(directory: string): number {
  let count = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && precompressFile(join(entry.parentPath, entry.name))) count += 1;
  }
  return count;
}

/** The same for one file; false when it is not worth compressing. */
export function precompressFile(file: string): boolean {
  if (!COMPRESSIBLE.has(extname(file)) || statSync(file).size < MIN_BYTES) return false;
  const content = readFileSync(file);
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
        [constants.BROTLI_PARAM_LGWIN]: 24,
      },
    }),
  );
  writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
  return true;
}
