/** A lamp colour, and the hex notation people (and the API's clients) write it in. */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

const HEX_COLOR = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i;

/** `#rrggbb` or `#rgb`, with or without `#`, any case; null when it is not a colour. */
export function parseHexColor(text: string): Rgb | null {
  const digits = HEX_COLOR.exec(text.trim())?.[1];
  if (!digits) return null;
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
  return {
    r: Number.parseInt(full.slice(0, 2), 16),
    g: Number.parseInt(full.slice(2, 4), 16),
    b: Number.parseInt(full.slice(4, 6), 16),
  };
}

/** `#rrggbb`, lower case. */
export function formatHexColor({ r, g, b }: Rgb): string {
  return '#' + [r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('');
}
