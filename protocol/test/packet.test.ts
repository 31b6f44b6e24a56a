import { describe, expect, it } from 'vitest';
import {
  formatCommandPacket,
  formatDisplayPacket,
  formatIntensity,
  PacketError,
  parseServerPacket,
  WeatherState,
  type Display,
} from '../src/packet.js';
import { parseDeviceMessage } from '../src/device-message.js';

describe('display packets', () => {
  it('formats every mode as the protocol specifies', () => {
    expect(formatDisplayPacket({ mode: 'off' })).toBe('[cc:0:?:?]');
    expect(formatDisplayPacket({ mode: 'manual', color: { r: 255, g: 65, b: 174 }, pulse: 0 })).toBe('[cc:2:255,65,174:0]');
    expect(formatDisplayPacket({ mode: 'manual', color: { r: 0, g: 0, b: 0 }, pulse: 9 })).toBe('[cc:2:0,0,0:9]');
    expect(formatDisplayPacket({ mode: 'weather', state: WeatherState.Rain, intensity: 5 })).toBe('[cc:1:5:5]');
    expect(formatDisplayPacket({ mode: 'weather', state: WeatherState.Sunrise, intensity: 4.57 })).toBe('[cc:1:1:4.57]');
  });

  it('writes ramp intensities with at most two decimals and no trailing zeros', () => {
    expect(formatIntensity(9)).toBe('9');
    expect(formatIntensity(2.5)).toBe('2.5');
    expect(formatIntensity(4.571)).toBe('4.57');
    expect(formatIntensity(10)).toBe('10');
    expect(formatIntensity(0)).toBe('0');
  });

  it.each<[string, Display]>([
    ['r above 255', { mode: 'manual', color: { r: 256, g: 0, b: 0 }, pulse: 0 }],
    ['negative b', { mode: 'manual', color: { r: 0, g: 0, b: -1 }, pulse: 0 }],
    ['fractional g', { mode: 'manual', color: { r: 0, g: 1.5, b: 0 }, pulse: 0 }],
    ['pulse 10', { mode: 'manual', color: { r: 0, g: 0, b: 0 }, pulse: 10 }],
    ['weather state 0', { mode: 'weather', state: 0 as WeatherState, intensity: 1 }],
    ['intensity 11', { mode: 'weather', state: 3, intensity: 11 }],
    ['intensity NaN', { mode: 'weather', state: 3, intensity: Number.NaN }],
  ])('refuses %s rather than send a packet firmware would misread', (_name, display) => {
    expect(() => formatDisplayPacket(display)).toThrow(PacketError);
  });
});

describe('command packets', () => {
  it('formats each one-shot command', () => {
    expect(formatCommandPacket('reset')).toBe('[cc:r:?:?]');
    expect(formatCommandPacket('update')).toBe('[cc:u:?:?]');
    expect(formatCommandPacket('debug-on')).toBe('[cc:d:1:?]');
    expect(formatCommandPacket('debug-off')).toBe('[cc:d:0:?]');
  });
});

describe('parsing packets as a lamp does', () => {
  it('reads back what the formatter writes', () => {
    const displays: Display[] = [
      { mode: 'off' },
      { mode: 'manual', color: { r: 69, g: 162, b: 245 }, pulse: 3 },
      { mode: 'weather', state: WeatherState.Sunset, intensity: 7.25 },
    ];
    for (const display of displays) {
      expect(parseServerPacket(formatDisplayPacket(display))).toEqual({ kind: 'display', display });
    }
    expect(parseServerPacket('[cc:d:1:?]')).toEqual({ kind: 'command', command: 'debug-on' });
    expect(parseServerPacket('[cc:u:?:?]')).toEqual({ kind: 'command', command: 'update' });
  });

  it.each([
    'cc:0:?:?',
    '[cc:2:1,2:0]',
    '[cc:2:1,2,3,4:0]',
    '[cc:2:1, 2,3:0]',
    '[cc:9:?:?]',
    '[cc:0:1:?]',
    '[cc:1:3:4.567]',
    '[cc:d:2:?]',
    '',
  ])('rejects %j', (text) => {
    expect(() => parseServerPacket(text)).toThrow(PacketError);
  });
});

describe('device messages', () => {
  it('tells pings, debug lines and anything else apart', () => {
    expect(parseDeviceMessage('ping')).toEqual({ kind: 'ping' });
    expect(parseDeviceMessage('d:This is a Debug-Message')).toEqual({ kind: 'debug', text: 'This is a Debug-Message' });
    expect(parseDeviceMessage('d:')).toEqual({ kind: 'debug', text: '' });
    expect(parseDeviceMessage('PING')).toEqual({ kind: 'unexpected', text: 'PING' });
    expect(parseDeviceMessage('ping ')).toEqual({ kind: 'unexpected', text: 'ping ' });
  });
});
