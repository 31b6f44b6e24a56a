import { describe, expect, it } from 'vitest';
import { hsvToRgb, parseHex, rgbToHsv, toHex } from '../src/lib/color';

describe('colour conversions', () => {
  it('turns hue, saturation and value into the RGB the lamp takes', () => {
    expect(hsvToRgb({ h: 0, s: 1, v: 1 })).toEqual({ r: 255, g: 0, b: 0 });
    expect(hsvToRgb({ h: 120, s: 1, v: 1 })).toEqual({ r: 0, g: 255, b: 0 });
    expect(hsvToRgb({ h: 240, s: 1, v: 0.5 })).toEqual({ r: 0, g: 0, b: 128 });
    expect(hsvToRgb({ h: 300, s: 0, v: 1 })).toEqual({ r: 255, g: 255, b: 255 });
    expect(hsvToRgb({ h: 360, s: 1, v: 1 })).toEqual({ r: 255, g: 0, b: 0 });
  });

  it('round-trips every preset and the protocol example colours', () => {
    for (const hex of ['#ff41ae', '#ffa2ae', '#45a2ae', '#45a2f5', '#ffb46b', '#000000', '#ffffff', '#8a2be2']) {
      expect(toHex(hsvToRgb(rgbToHsv(parseHex(hex)!)))).toBe(hex);
    }
  });

  it('reads hex the way people type it, and refuses what is not a colour', () => {
    expect(parseHex('#FF41AE')).toEqual({ r: 255, g: 65, b: 174 });
    expect(parseHex('ff41ae')).toEqual({ r: 255, g: 65, b: 174 });
    expect(parseHex(' #0f8 ')).toEqual({ r: 0, g: 255, b: 136 });
    for (const bad of ['#zzz', '#12345', '', 'red', '#1234567']) expect(parseHex(bad)).toBeNull();
  });
});
