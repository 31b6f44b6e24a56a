import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { atLeastCharacters, checkArguments, eachOf, integerFrom, matching, numberFrom, trimmedText } from '../src/schema/arguments.js';

function refusal(check: () => unknown): Pick<GraphQLError, 'message' | 'extensions'> {
  try {
    check();
  } catch (error) {
    if (error instanceof GraphQLError) return { message: error.message, extensions: error.extensions };
    throw error;
  }
  throw new Error('expected the argument to be refused');
}

describe('checking arguments', () => {
  it('passes each given argument through its rule and leaves the rest, and null, as they are', () => {
    const checked = checkArguments(
      { name: '  kitchen ', pulse: 3, last: null, other: 'x' },
      { name: trimmedText(10), pulse: integerFrom(0, 9), last: integerFrom(1, 5) },
    );
    expect(checked).toEqual({ name: 'kitchen', pulse: 3, last: null, other: 'x' });
  });

  it('names the argument, what it allows, and what was wrong', () => {
    expect(refusal(() => checkArguments({ pulse: 99 }, { pulse: integerFrom(0, 9) }))).toEqual({
      message: 'pulse: must be an integer from 0 to 9, got 99',
      extensions: { code: 'BAD_USER_INPUT', argument: 'pulse', allowed: '0-9' },
    });
    expect(refusal(() => integerFrom(0, 255)(1.5, 'color.r'))).toMatchObject({ extensions: { argument: 'color.r', allowed: '0-255' } });
    expect(refusal(() => numberFrom(-90, 90)(91, 'settings.lat'))).toEqual({
      message: 'settings.lat: must be from -90 to 90, got 91',
      extensions: { code: 'BAD_USER_INPUT', argument: 'settings.lat', allowed: '-90-90' },
    });
  });

  it('has rules for text, secrets, patterns and lists', () => {
    expect(refusal(() => trimmedText(64, { printable: true, showAllowed: true })('a\u0007b', 'name'))).toEqual({
      message: 'name: must be 1 to 64 printable characters',
      extensions: { code: 'BAD_USER_INPUT', argument: 'name', allowed: '1-64 characters' },
    });
    expect(refusal(() => trimmedText(100)('   ', 'settings.city')).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'settings.city',
    });
    expect(refusal(() => atLeastCharacters(8)('short', 'newPassword')).message).toBe('newPassword: must be at least 8 characters');
    expect(atLeastCharacters(8)(' padded secret ', 'password')).toBe(' padded secret ');
    const ids = eachOf(matching(/^[a-z]+$/, 'must be letters'));
    expect(ids(['a', 'b'], 'ids')).toEqual(['a', 'b']);
    expect(refusal(() => ids(['a', '1'], 'ids')).message).toBe('ids: must be letters');
  });
});
