import { describe, expect, it } from 'vitest';
import { WeatherState } from '@cloud-cloud/protocol/packet';
import type { DisplayState } from '../src/display/display-state.js';
import { MessageRefused } from '../src/mqtt/message-refused.js';
import { parseRoomSet, parseSceneApply, roomStateMessage } from '../src/mqtt/plain-messages.js';

const STATE: DisplayState = {
  roomId: 'living',
  mode: 'MANUAL',
  color: { r: 255, g: 136, b: 0 },
  pulse: 3,
  weather: { state: WeatherState.Rain, intensity: 4 },
  updatedAt: new Date('2026-12-01T10:00:00Z'),
  revision: 7,
  transition: {
    kind: 'FADE',
    target: { mode: 'OFF', color: { r: 0, g: 0, b: 0 }, pulse: 0 },
    startedAt: new Date('2026-12-01T10:00:00Z'),
    endsAt: new Date('2026-12-01T10:05:00Z'),
  },
};

describe('room state message', () => {
  it('carries the room, its display and the packet its lamps get', () => {
    expect(roomStateMessage({ id: 'living', name: 'Living room' }, STATE)).toEqual({
      id: 'living',
      name: 'Living room',
      mode: 'MANUAL',
      color: { r: 255, g: 136, b: 0 },
      hex: '#ff8800',
      pulse: 3,
      weather: { state: 5, intensity: 4 },
      frame: expect.stringMatching(/^\[cc:.*\]$/) as unknown,
      transition: { kind: 'FADE', endsAt: '2026-12-01T10:05:00.000Z' },
      updatedAt: '2026-12-01T10:00:00.000Z',
    });
    expect(roomStateMessage({ id: 'living', name: 'x' }, { ...STATE, transition: null }).transition).toBeNull();
  });
});

describe('room set', () => {
  it('takes a mode in any case', () => {
    expect(parseRoomSet('{"mode":"weather"}')).toEqual({ change: { mode: 'WEATHER' } });
  });

  it('switches to MANUAL for a colour or pulse without a mode, as the mutations do', () => {
    expect(parseRoomSet('{"color":"#ff8800","pulse":2}')).toEqual({
      change: { mode: 'MANUAL', color: { r: 255, g: 136, b: 0 }, pulse: 2 },
    });
    expect(parseRoomSet('{"color":{"r":1,"g":2,"b":3}}')).toEqual({ change: { mode: 'MANUAL', color: { r: 1, g: 2, b: 3 } } });
    expect(parseRoomSet('{"mode":"OFF","pulse":4}')).toEqual({ change: { mode: 'OFF', pulse: 4 } });
  });

  it('turns transitionSeconds into milliseconds', () => {
    expect(parseRoomSet('{"mode":"OFF","transitionSeconds":1.5}')).toEqual({ change: { mode: 'OFF' }, transitionMs: 1500 });
    expect(parseRoomSet('{"mode":"OFF","transitionSeconds":7200}').transitionMs).toBe(7_200_000);
  });

  it.each([
    ['{', /JSON object/],
    ['"OFF"', /JSON object/],
    ['{}', /give at least one of mode, color and pulse/],
    ['{"transitionSeconds":3}', /give at least one of mode, color and pulse/],
    ['{"mode":"DISCO"}', /mode must be one of OFF, WEATHER, MANUAL/],
    ['{"mode":1}', /mode must be one of/],
    ['{"pulse":10}', /pulse must be an integer from 0 to 9/],
    ['{"pulse":1.5}', /pulse must be an integer from 0 to 9/],
    ['{"color":"orange"}', /color must be a colour like/],
    ['{"color":{"r":300,"g":0,"b":0}}', /color\.r must be an integer from 0 to 255/],
    ['{"color":{"r":1,"g":0}}', /color\.b must be an integer/],
    ['{"mode":"OFF","transitionSeconds":7201}', /transitionSeconds must be from 0 to 7200/],
    ['{"mode":"OFF","transitionSeconds":"5"}', /transitionSeconds must be from 0 to 7200/],
    ['{"mode":"OFF","brightness":3}', /unknown field brightness/],
  ])('refuses %s', (payload, reason) => {
    expect(() => parseRoomSet(payload)).toThrow(MessageRefused);
    expect(() => parseRoomSet(payload)).toThrow(reason);
  });
});

describe('scene apply', () => {
  it('applies at once for any payload that is not a JSON object', () => {
    expect(parseSceneApply('ON')).toEqual({});
    expect(parseSceneApply('')).toEqual({});
  });

  it('fades over transitionSeconds', () => {
    expect(parseSceneApply('{"transitionSeconds":30}')).toEqual({ transitionMs: 30_000 });
    expect(parseSceneApply('{}')).toEqual({});
  });

  it('refuses other fields and bad durations', () => {
    expect(() => parseSceneApply('{"transitionSeconds":-1}')).toThrow(/transitionSeconds must be from 0 to 7200/);
    expect(() => parseSceneApply('{"speed":1}')).toThrow(/unknown field speed/);
    expect(() => parseSceneApply('{nope')).toThrow(/JSON object/);
  });
});
