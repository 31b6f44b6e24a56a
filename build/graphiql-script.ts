/**
 * Cuts from GraphiQL's prebuilt script what it carries without needing it. The package ships one
 * minified bundle holding a general code formatter with its JavaScript parser (Flow and TypeScript
 * included) and printer, loaded only to lay out the JSON of the variables and headers editors, and
 * the formatter's GraphQL plugin twice (as an ES module and again as a CommonJS one). Here the
 * JSON layout becomes a small function of our own (jsonc-format.ts), the GraphQL formatting takes
 * both its parser and printer from the one plugin, and the modules nobody refers to any more are
 * removed: about a tenth of the script.
 *
 * Modules sit in the bundle's factory function one after the other, each ending in the namespace
 * object the importers use (`const X=Object.freeze(...{__proto__:null,...})` or, for CommonJS
 * ones, `const X=DC({__proto__:null,...})`). A module whose namespace is no longer referenced is
 * the run of statements since the namespace before it, less any statement something outside the
 * removed ones still names. When a pattern is not found (another version of the package), the
 * script stays as it is and the reason is returned.
 */
import { parse, type Function as FunctionNode, type Node, type Statement } from 'acorn';

export interface TrimmedScript {
  script: string;
  /** What could not be done, if anything: the script is then left as it was. */
  skipped?: string;
}

const NAMESPACE = /^const ([\w$]+)=(?:Object\.freeze\(Object\.defineProperty\(|[\w$]+\()\{__proto__:null,/;
const LOADED = /Promise\.resolve\(\)\.then\(\(\)=>([\w$]+)\)/g;

/** The child that is a property's name, not a variable (`a.name`, `{ name: 1 }`, `class { name() {} }`). */
function propertyName(node: Record<string, unknown>): unknown {
  if (node.computed) return undefined;
  if (node.type === 'MemberExpression') return node.property;
  if (node.type === 'Property') return node.shorthand ? undefined : node.key;
  if (node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') return node.key;
  return undefined;
}

/**
 * How often each variable name occurs in a subtree. Names in inner scopes count too, so a name
 * can only be counted too often, which keeps code, never removes it.
 */
function countNames(node: Node, counts: Map<string, number>) {
  const stack: unknown[] = [node];
  while (stack.length) {
    const current = stack.pop() as Record<string, unknown> | null;
    if (!current || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      stack.push(...(current as unknown[]));
      continue;
    }
    if (current.type === 'Identifier') {
      const name = current.name as string;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const skip = propertyName(current);
    for (const value of Object.values(current)) if (value !== skip && value && typeof value === 'object') stack.push(value);
  }
}

function declaredNames(statement: Statement): string[] {
  if (statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') return [statement.id.name];
  if (statement.type !== 'VariableDeclaration') return [];
  return statement.declarations.flatMap((declaration) => (declaration.id.type === 'Identifier' ? [declaration.id.name] : []));
}

interface Replacement {
  start: number;
  end: number;
  text: string;
}

export function trimGraphiQLScript(script: string, jsoncFormatter: string): TrimmedScript {
  const program = parse(script, { ecmaVersion: 'latest', sourceType: 'script' });
  const umd = program.body[0];
  const factory = umd?.type === 'ExpressionStatement' && umd.expression.type === 'CallExpression' ? umd.expression.arguments[1] : undefined;
  if (factory?.type !== 'FunctionExpression') return { script, skipped: 'no UMD factory function' };
  const statements = factory.body.body;
  const source = (node: Node) => script.slice(node.start, node.end);
  const replacements: Replacement[] = [];
  const loaded: string[] = [];

  // JSON layout: the function formatting "jsonc" gets our own body; what it loaded is a candidate.
  const jsonc = statements.find(
    (statement): statement is Statement & FunctionNode =>
      statement.type === 'FunctionDeclaration' && statement.async && source(statement).includes('parser:"jsonc"'),
  );
  const jsoncParameter = jsonc?.params[0];
  if (!jsonc || jsoncParameter?.type !== 'Identifier') return { script, skipped: 'no JSON formatting function' };
  for (const [, name] of source(jsonc.body).matchAll(LOADED)) loaded.push(name!);
  const formatter = `__ccJsonc${jsonc.start}`;
  replacements.push({ start: jsonc.start, end: jsonc.start, text: `var ${formatter}=${jsoncFormatter};` });
  replacements.push({ start: jsonc.body.start, end: jsonc.body.end, text: `{return ${formatter}(${jsoncParameter.name})}` });

  // GraphQL formatting: the printers' namespace has the parsers as well.
  const graphqlFormat =
    /\{printers:[\w$]+\},\{parsers:[\w$]+\}\]=await Promise\.all\(\[[^\]]*\]\);return [\w$]+\.format\([\w$]+,\{parser:"graphql"/.exec(
      script,
    );
  if (graphqlFormat) {
    const [, printers, parsers] = [...graphqlFormat[0].matchAll(LOADED)].map((match) => match[1]!);
    const printersModule = statements.find((statement) => NAMESPACE.exec(source(statement))?.[1] === printers);
    if (printers && parsers && printers !== parsers && printersModule && /[{,]parsers:/.test(source(printersModule))) {
      const at = graphqlFormat.index + graphqlFormat[0].lastIndexOf(`()=>${parsers})`) + 4;
      replacements.push({ start: at, end: at + parsers.length, text: printers });
      loaded.push(parsers);
    }
  }

  const total = new Map<string, number>();
  countNames(program, total);
  // The replaced code no longer names what it loaded; a module still loaded elsewhere stays.
  for (const name of loaded) total.set(name, total.get(name)! - 1);
  // Named once more: where it is declared.
  const dead = new Set([...loaded].filter((name) => total.get(name) === 1));

  // The statements of each dead module: back to the namespace before it.
  const removed = new Set<number>();
  let previous = -1;
  statements.forEach((statement, index) => {
    const namespace = NAMESPACE.exec(source(statement))?.[1];
    if (namespace === undefined) return;
    if (dead.has(namespace)) for (let at = previous + 1; at <= index; at += 1) removed.add(at);
    previous = index;
  });
  if (!removed.size) return { script, skipped: 'no module to remove' };

  // Keep what is still named elsewhere, until nothing changes.
  const names = statements.map((statement) => {
    const counts = new Map<string, number>();
    countNames(statement, counts);
    return counts;
  });
  const declared = statements.map(declaredNames);
  const inside = new Map<string, number>();
  const add = (index: number, sign: 1 | -1) => {
    for (const [name, count] of names[index]!) inside.set(name, (inside.get(name) ?? 0) + sign * count);
  };
  for (const index of removed) add(index, 1);
  const declaredInside = () => new Set([...removed].flatMap((index) => declared[index]!));
  const factoryNames = new Set(statements.flatMap((_, index) => declared[index]!));
  for (let changed = true; changed;) {
    changed = false;
    const mine = declaredInside();
    for (const index of [...removed]) {
      const outside = (name: string) => (total.get(name) ?? 0) - (inside.get(name) ?? 0) > 0;
      const statement = statements[index]!;
      const named = [...names[index]!.keys()].filter((name) => factoryNames.has(name));
      // A statement declaring nothing goes only when it works on the removed names alone.
      const needed = declared[index]!.length
        ? declared[index]!.some(outside)
        : 'directive' in statement || !(named.length && named.every((name) => mine.has(name)));
      if (needed) {
        removed.delete(index);
        add(index, -1);
        changed = true;
      }
    }
  }
  if (!removed.size) return { script, skipped: 'every module is still in use' };
  for (const index of removed) replacements.push({ start: statements[index]!.start, end: statements[index]!.end, text: '' });

  const pieces: string[] = [];
  let at = 0;
  for (const { start, end, text } of replacements.sort((a, b) => a.start - b.start || a.end - b.end)) {
    if (start < at) return { script, skipped: 'changes that overlap' };
    pieces.push(script.slice(at, start), text);
    at = end;
  }
  pieces.push(script.slice(at));
  const trimmed = pieces.join('');
  try {
    parse(trimmed, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch (error) {
    return { script, skipped: `the trimmed script does not parse (${(error as Error).message})` };
  }
  return { script: trimmed };
}
