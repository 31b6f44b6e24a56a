/**
 * GraphiQL's "prettify" for its variables and headers editors: JSON with comments, laid out one
 * member or element per line, two spaces deep, comments kept. It stands in for the general code
 * formatter GraphiQL otherwise carries (with a JavaScript parser and printer) for this one job;
 * the build bundles it into GraphiQL's script. Invalid input throws, and GraphiQL then leaves the
 * editor as it was.
 */

interface Token {
  kind: 'punctuation' | 'value' | 'comment';
  text: string;
  /** Whether a line break separates it from the token before. */
  onNewLine: boolean;
}

const PUNCTUATION = new Set(['{', '}', '[', ']', ':', ',']);
const LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/;
// A string: no raw control characters (below U+0020) inside, escapes as JSON allows.
// eslint-disable-next-line no-control-regex -- control characters are exactly what a JSON string may not hold raw
const STRING = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let onNewLine = false;
  while (at < source.length) {
    const char = source[at]!;
    if (char === '\n') onNewLine = true;
    if (/\s/.test(char)) {
      at += 1;
      continue;
    }
    const rest = source.slice(at);
    let text: string | undefined;
    let kind: Token['kind'] = 'value';
    if (PUNCTUATION.has(char)) [text, kind] = [char, 'punctuation'];
    else if (rest.startsWith('//')) [text, kind] = [/^\/\/[^\n\r]*/.exec(rest)![0].trimEnd(), 'comment'];
    else if (rest.startsWith('/*')) {
      const end = rest.indexOf('*/', 2);
      if (end < 0) throw new SyntaxError(`unterminated comment at offset ${at}`);
      [text, kind] = [rest.slice(0, end + 2), 'comment'];
    } else text = (char === '"' ? STRING : LITERAL).exec(rest)?.[0];
    if (!text) throw new SyntaxError(`unexpected ${JSON.stringify(rest.slice(0, 12))} at offset ${at}`);
    tokens.push({ kind, text, onNewLine });
    onNewLine = false;
    at += text.length;
  }
  return tokens;
}

/** Lays the tokens out while checking they form one value (trailing commas allowed). */
class Layout {
  #lines: string[] = [];
  #line = '';
  #depth = 0;
  #at = 0;
  readonly #tokens: Token[];

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  print(): string {
    this.#comments();
    if (this.#at === this.#tokens.length) return this.#finish();
    this.#value();
    this.#comments();
    if (this.#at < this.#tokens.length) throw new SyntaxError(`unexpected ${this.#tokens[this.#at]!.text} after the value`);
    return this.#finish();
  }

  #finish(): string {
    this.#newLine();
    return this.#lines.length ? `${this.#lines.join('\n')}\n` : '';
  }

  #newLine() {
    if (this.#line.trim()) this.#lines.push(this.#line.trimEnd());
    this.#line = '';
  }

  #write(text: string) {
    this.#line = this.#line ? `${this.#line}${text}` : `${'  '.repeat(this.#depth)}${text}`;
  }

  /** Comments up to the next token: on the line before it, or after the previous one when written there. */
  #comments() {
    for (let token = this.#tokens[this.#at]; token?.kind === 'comment'; token = this.#tokens[++this.#at]) {
      if (token.onNewLine || !this.#line) this.#newLine();
      else if (!this.#line.endsWith(' ')) this.#line += ' ';
      this.#write(token.text);
      if (token.text.startsWith('//')) this.#newLine();
      else this.#line += ' ';
    }
  }

  #next(expected?: string): string {
    this.#comments();
    const token = this.#tokens[this.#at];
    if (!token) throw new SyntaxError(`unexpected end, expected ${expected ?? 'a value'}`);
    if (expected !== undefined && token.text !== expected) throw new SyntaxError(`expected ${expected}, found ${token.text}`);
    this.#at += 1;
    return token.text;
  }

  /** The next token that is not a comment, left where it is. */
  #peek(): string | undefined {
    let at = this.#at;
    while (this.#tokens[at]?.kind === 'comment') at += 1;
    return this.#tokens[at]?.text;
  }

  #value() {
    const text = this.#next();
    if (text === '{' || text === '[') this.#members(text === '{' ? '}' : ']');
    else if (PUNCTUATION.has(text)) throw new SyntaxError(`unexpected ${text}`);
    else this.#write(text);
  }

  #members(close: '}' | ']') {
    this.#write(close === '}' ? '{' : '[');
    if (this.#peek() === close) {
      this.#next(close);
      this.#write(close);
      return;
    }
    this.#depth += 1;
    for (;;) {
      this.#newLine();
      if (close === '}') {
        const key = this.#next();
        if (!key.startsWith('"')) throw new SyntaxError(`expected a key, found ${key}`);
        this.#write(key);
        this.#next(':');
        this.#write(': ');
      }
      this.#value();
      if (this.#peek() !== ',') break;
      this.#next(',');
      if (this.#peek() === close) break;
      this.#write(',');
      this.#comments();
    }
    this.#comments();
    this.#depth -= 1;
    this.#next(close);
    this.#newLine();
    this.#write(close);
  }
}

export function formatJsonc(source: string): string {
  return new Layout(tokenize(source)).print();
}
