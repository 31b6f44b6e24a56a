import { js } from '@graphql-yoga/render-graphiql/graphiql';
import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import { trimGraphiQLScript } from '../build/graphiql-script.js';

/* What the build cuts from GraphiQL's prebuilt script, and what it must keep. */

const FORMATTER = '(function(text){return "laid out: "+text})';
const namespace = (name: string, value: string) =>
  `const ${name}=Object.freeze(Object.defineProperty({__proto__:null,default:${value}},Symbol.toStringTag,{value:"Module"}));`;

/** A bundle of the package's shape: a UMD factory, modules ending in namespaces, a JSON formatter. */
function bundle(formatParser = 'jsonc'): string {
  return [
    '(function(g,f){f(g.Parts={})})(this,(function(exports){"use strict";',
    'function DC(n,e){return n}',
    namespace('live', '1'),
    'var shared=2;',
    'var onlyFormatter=function(){return shared+3};',
    'function J8(target,members){Object.assign(target,members)}',
    'var holder={};J8(holder,{a:()=>onlyFormatter});',
    namespace('formatterNs', 'holder'),
    'var afterwards=4;',
    namespace('standalone', 'afterwards'),
    'async function format(n){const[e,{printers:t},{parsers:i}]=await Promise.all([Promise.resolve().then(()=>standalone),',
    `Promise.resolve().then(()=>formatterNs),Promise.resolve().then(()=>formatterNs)]);return e.format(n,{parser:"${formatParser}"})}`,
    'const graphqlFormat=async()=>(await Promise.resolve().then(()=>standalone)).default;',
    'exports.shared=shared;exports.live=live;exports.format=format;exports.graphqlFormat=graphqlFormat;',
    '}));',
  ].join('');
}

/** Runs a script of that shape and returns what it exported. */
function run(script: string): Record<string, unknown> {
  const scope: { Parts?: Record<string, unknown> } = {};
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point is to run the trimmed script
  new Function(script).call(scope);
  return scope.Parts!;
}

describe('trimGraphiQLScript', () => {
  it('gives the JSON formatting our layout and removes the modules only it loaded, keeping what others name', async () => {
    const { script, skipped } = trimGraphiQLScript(bundle(), FORMATTER);
    expect(skipped).toBeUndefined();
    expect(script).not.toMatch(/formatterNs|onlyFormatter|holder|J8/);
    // Still named elsewhere: kept.
    for (const kept of ['"use strict"', 'var shared=2', 'const live=', 'const standalone=', 'function DC']) {
      expect(script).toContain(kept);
    }
    const parts = run(script);
    expect(await (parts.format as (text: string) => Promise<string>)('{}')).toBe('laid out: {}');
    expect(parts.shared).toBe(2);
    expect(await (parts.graphqlFormat as () => Promise<number>)()).toBe(4);
  });

  it('leaves a script it does not recognise as it was, saying why', () => {
    const unknown = bundle('json5');
    expect(trimGraphiQLScript(unknown, FORMATTER)).toEqual({ script: unknown, skipped: 'no JSON formatting function' });
    expect(trimGraphiQLScript('console.log(1)', FORMATTER)).toEqual({ script: 'console.log(1)', skipped: 'no UMD factory function' });
  });

  it("cuts a tenth of the package's script, which still parses", () => {
    const { script, skipped } = trimGraphiQLScript(js, FORMATTER);
    expect(skipped).toBeUndefined();
    expect(script.length).toBeLessThan(js.length * 0.92);
    // The JavaScript parser (with its Flow and TypeScript syntax errors) is gone; GraphQL's parser stays.
    expect(js).toContain('Unterminated flow-comment.');
    expect(script).not.toContain('Unterminated flow-comment.');
    expect(script).toContain(FORMATTER);
    expect(script).toMatch(/parser:"graphql"/);
    expect(() => parse(script, { ecmaVersion: 'latest' })).not.toThrow();
  }, 180_000);
});
