import { describe, expect, it } from 'vitest';
import { formatJsonc } from '../build/jsonc-format.js';

/* GraphiQL's layout of its variables and headers editors (compiled into GraphiQL's script). */

describe('formatJsonc', () => {
  it('puts each member and element on a line of its own, two spaces deep', () => {
    expect(formatJsonc('{"a":1,"b":[true,null,-1.5e3],"c":{},"d":[],"e":{"f":"x\\"y"}}')).toBe(
      '{\n  "a": 1,\n  "b": [\n    true,\n    null,\n    -1.5e3\n  ],\n  "c": {},\n  "d": [],\n  "e": {\n    "f": "x\\"y"\n  }\n}\n',
    );
  });

  it('keeps comments where they were written and drops trailing commas', () => {
    expect(formatJsonc('{\n// the colour\n"hex": "#ff41ae", // pink\n"n": /* lamps */ 2,\n}')).toBe(
      '{\n  // the colour\n  "hex": "#ff41ae", // pink\n  "n": /* lamps */ 2\n}\n',
    );
    expect(formatJsonc('[1,2,]')).toBe('[\n  1,\n  2\n]\n');
  });

  it('leaves an empty editor empty and lays out a lone value', () => {
    expect(formatJsonc('  \n')).toBe('');
    expect(formatJsonc('"x"')).toBe('"x"\n');
  });

  it.each([
    ['{"a":1 "b":2}', /expected }/],
    ['{"a":}', /unexpected }/],
    ['{a:1}', /unexpected "a:1}"/],
    ['{"a":1}}', /after the value/],
    ['{"a":1', /unexpected end/],
    ['/* open', /unterminated comment/],
    ['"tab\there"', /unexpected/],
  ])('throws on %j, so GraphiQL leaves the editor as it was', (source, message) => {
    expect(() => formatJsonc(source)).toThrow(message);
  });
});
