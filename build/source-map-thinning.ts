/**
 * Thins a compiled command's source map where it points into node_modules. With
 * `--enable-source-maps`, Node turns every mapping into an array of its own the first time a
 * stack trace is formatted and keeps them for the life of the process: the dependencies' ~390,000
 * mappings cost about 9 MiB of an idle server. Our own sources keep every mapping (exact line and
 * column); in a dependency, of the mappings of one generated line into the same original line
 * only the first is kept, so its frames still name the right file and line, with an approximate
 * column.
 */

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT_VALUE = new Map([...DIGITS].map((digit, value) => [digit, value]));

interface SourceMapJson {
  sources: string[];
  mappings: string;
  names?: string[];
}

/** The fields of one segment ("base64 VLQ"), each relative to the same field of the one before. */
function decodeSegment(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const digit of segment) {
    const bits = DIGIT_VALUE.get(digit);
    if (bits === undefined) throw new Error(`source map: "${digit}" is not a base64 digit`);
    value += (bits & 31) * 2 ** shift;
    if (bits & 32) {
      shift += 5;
      continue;
    }
    fields.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return fields;
}

function encodeField(field: number): string {
  let value = field < 0 ? -field * 2 + 1 : field * 2;
  let text = '';
  do {
    let bits = value % 32;
    value = Math.floor(value / 32);
    if (value > 0) bits |= 32;
    text += DIGITS[bits];
  } while (value > 0);
  return text;
}

export function thinDependencyMappings(mapText: string): string {
  const map = JSON.parse(mapText) as SourceMapJson;
  const isDependency = map.sources.map((source) => source.includes('node_modules/'));
  // Decoded positions are absolute; `written` holds the last values written, for the deltas.
  const read = { source: 0, line: 0, column: 0, name: 0 };
  const written = { source: 0, line: 0, column: 0, name: 0 };
  const lines = map.mappings.split(';').map((line) => {
    let generatedColumn = 0;
    let writtenColumn = 0;
    const kept: string[] = [];
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields = decodeSegment(segment);
      generatedColumn += fields[0] ?? 0;
      const mapped = fields.length >= 4;
      if (mapped) {
        read.source += fields[1] ?? 0;
        read.line += fields[2] ?? 0;
        read.column += fields[3] ?? 0;
        if (fields.length >= 5) read.name += fields[4] ?? 0;
      }
      const dependency = mapped && isDependency[read.source] === true;
      if (dependency && kept.length > 0 && read.source === written.source && read.line === written.line) continue;
      let text = encodeField(generatedColumn - writtenColumn);
      writtenColumn = generatedColumn;
      if (mapped) {
        text +=
          encodeField(read.source - written.source) + encodeField(read.line - written.line) + encodeField(read.column - written.column);
        written.source = read.source;
        written.line = read.line;
        written.column = read.column;
        // Names only help our own frames; a dependency's kept mapping drops its name.
        if (fields.length >= 5 && !dependency) {
          text += encodeField(read.name - written.name);
          written.name = read.name;
        }
      }
      kept.push(text);
    }
    return kept.join(',');
  });
  return JSON.stringify({ ...map, mappings: lines.join(';') });
}
