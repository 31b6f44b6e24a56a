import { describe, expect, it } from 'vitest';
import { WeatherState } from '@cloud-cloud/protocol/packet';
import type { DisplayState } from '../src/display/display-state.js';
import { MessageRefused } from '../src/mqtt/message-refused.js';
import { atBrightness, LIGHT_EFFECTS, lightChange, lightState, parseLightCommand } from '../src/mqtt/room-light-messages.js';

function room(change: Partial<DisplayState> = {}): DisplayState {
  return {
    roomId: 'living',
    mode: 'MANUAL',
    color: { r: 128, g: 64, b: 0 },
    pulse: 0,
    weather: { state: WeatherState.Rain, intensity: 5 },
    updatedAt: new Date('2026-12-01T10:00:00Z'),
    revision: 3,
    transition: null,
    ...change,
  };
}

describe('room light state', () => {
  it('gives the colour at full brightness and the brightness apart', () => {
    expect(lightState(room())).toEqual({
      state: 'ON',
      color_mode: 'rgb',
      color: { r: 255, g: 128, b: 0 },
      brightness: 128,
      effect: 'Steady',
    });
  });

  it('is OFF in mode OFF, Weather in weather mode, Pulse n with a pulse', () => {
    expect(lightState(room({ mode: 'OFF' })).state).toBe('OFF');
    expect(lightState(room({ mode: 'WEATHER', pulse: 4 })).effect).toBe('Weather');
    expect(lightState(room({ pulse: 7 })).effect).toBe('Pulse 7');
  });

  it('shows black as white at brightness 0', () => {
    expect(lightState(room({ color: { r: 0, g: 0, b: 0 } }))).toMatchObject({ color: { r: 255, g: 255, b: 255 }, brightness: 0 });
  });

  it('offers steady, nine pulse speeds and the weather', () => {
    expect(LIGHT_EFFECTS).toEqual(['Steady', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `Pulse ${n}`), 'Weather']);
  });

  it('scales a colour to a brightness by its brightest channel', () => {
    expect(atBrightness({ r: 255, g: 128, b: 0 }, 128)).toEqual({ r: 128, g: 64, b: 0 });
    expect(atBrightness({ r: 10, g: 5, b: 0 }, 255)).toEqual({ r: 255, g: 128, b: 0 });
    expect(atBrightness({ r: 0, g: 0, b: 0 }, 40)).toEqual({ r: 40, g: 40, b: 40 });
  });
});

describe('room light commands', () => {
  it('reads what Home Assistant sends', () => {
    expect(parseLightCommand('{"state":"ON","color":{"r":255,"g":0,"b":10},"brightness":200,"effect":"Pulse 3","transition":2.5}')).toEqual(
      {
        state: 'ON',
        color: { r: 255, g: 0, b: 10 },
        brightness: 200,
        effect: 'Pulse 3',
        transition: 2.5,
      },
    );
  });

  it('shortens a transition to two hours', () => {
    expect(parseLightCommand('{"state":"OFF","transition":100000}').transition).toBe(7200);
  });

  it.each([
    ['not json', /JSON object/],
    ['[1]', /JSON object/],
    ['{}', /at least one/],
    ['{"state":"on"}', /state must be "ON" or "OFF"/],
    ['{"brightness":256}', /brightness must be an integer from 0 to 255/],
    ['{"color":{"r":1,"g":2}}', /color\.b must be an integer/],
    ['{"color":{"r":1,"g":2,"b":3,"h":4}}', /unknown field h/],
    ['{"effect":"Disco"}', /effect must be one of/],
    ['{"transition":-1}', /transition must be a number/],
    ['{"state":"ON","flash":"short"}', /unknown field flash/],
  ])('refuses %s', (payload, reason) => {
    expect(() => parseLightCommand(payload)).toThrow(MessageRefused);
    expect(() => parseLightCommand(payload)).toThrow(reason);
  });

  it('switches OFF, over the transition', () => {
    expect(lightChange({ state: 'OFF', transition: 1.5 }, room(), 'WEATHER')).toEqual({ change: { mode: 'OFF' }, transitionMs: 1500 });
  });

  it('brings a room switched ON back to the mode it had before going off', () => {
    expect(lightChange({ state: 'ON' }, room({ mode: 'OFF' }), 'WEATHER')).toEqual({ change: { mode: 'WEATHER' }, transitionMs: 0 });
    expect(lightChange({ state: 'ON' }, room({ mode: 'OFF' }), 'MANUAL')).toEqual({ change: { mode: 'MANUAL' }, transitionMs: 0 });
  });

  it('changes nothing when a room that is on is switched ON', () => {
    expect(lightChange({ state: 'ON' }, room({ mode: 'WEATHER' }), 'MANUAL')).toBeNull();
  });

  it('shows a colour at the room brightness, or a brightness in the room colour', () => {
    expect(lightChange({ state: 'ON', color: { r: 0, g: 255, b: 0 } }, room(), 'MANUAL')).toEqual({
      change: { mode: 'MANUAL', color: { r: 0, g: 128, b: 0 } },
      transitionMs: 0,
    });
    expect(lightChange({ brightness: 255 }, room({ mode: 'WEATHER' }), 'MANUAL')).toEqual({
      change: { mode: 'MANUAL', color: { r: 255, g: 128, b: 0 } },
      transitionMs: 0,
    });
    expect(lightChange({ color: { r: 0, g: 0, b: 255 }, brightness: 10 }, room(), 'MANUAL')!.change.color).toEqual({ r: 0, g: 0, b: 10 });
  });

  it('gives a black room full brightness when only a colour is picked', () => {
    expect(lightChange({ color: { r: 255, g: 0, b: 0 } }, room({ color: { r: 0, g: 0, b: 0 } }), 'MANUAL')!.change.color).toEqual({
      r: 255,
      g: 0,
      b: 0,
    });
  });

  it('maps effects to the weather display and the pulse', () => {
    expect(lightChange({ effect: 'Weather' }, room(), 'MANUAL')!.change).toEqual({ mode: 'WEATHER' });
    expect(lightChange({ effect: 'Steady' }, room({ pulse: 5 }), 'MANUAL')!.change).toEqual({ mode: 'MANUAL', pulse: 0 });
    expect(lightChange({ state: 'ON', effect: 'Pulse 9' }, room({ mode: 'OFF' }), 'WEATHER')!.change).toEqual({ mode: 'MANUAL', pulse: 9 });
  });
});
