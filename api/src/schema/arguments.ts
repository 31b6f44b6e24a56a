import { invalidArgument } from './errors.js';

/**
 * Checks one argument and gives it in the form the domain takes (trimmed, upper-cased, parsed),
 * or throws BAD_USER_INPUT naming it (`argument` is its path, e.g. `settings.cityId`) and, for
 * a range, what it allows.
 */
export type ArgumentRule<In, Out = In> = (value: In, argument: string) => Out;

type RulesFor<Args> = { [K in keyof Args]?: ArgumentRule<NonNullable<Args[K]>, unknown> };

/** The arguments once checked: each with a rule has the rule's output type; null and omitted stay so. */
type Checked<Args, Rules> = {
  [K in keyof Args]: K extends keyof Rules
    ? Rules[K] extends ArgumentRule<never, infer Out>
      ? Out | Extract<Args[K], null | undefined>
      : Args[K]
    : Args[K];
};

/**
 * The one way resolvers check their arguments: each argument given (not null) goes through
 * its rule; the rest pass as they are. Rules that relate two arguments are the resolver's.
 */
export function checkArguments<Args extends Record<string, unknown>, Rules extends RulesFor<Args>>(
  args: Args,
  rules: Rules,
): Checked<Args, Rules> {
  const checked: Record<string, unknown> = { ...args };
  for (const [argument, rule] of Object.entries(rules) as [string, ArgumentRule<unknown, unknown> | undefined][]) {
    const value = checked[argument];
    if (rule && value != null) checked[argument] = rule(value, argument);
  }
  // Each rule's output replaced its argument's value above, which is what Checked describes.
  return checked as Checked<Args, Rules>;
}

/** An integer from `min` to `max`. */
export function integerFrom(min: number, max: number): ArgumentRule<number> {
  return (value, argument) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw invalidArgument(argument, `must be an integer from ${min} to ${max}, got ${value}`, `${min}-${max}`);
    }
    return value;
  };
}

/** A number from `min` to `max`. */
export function numberFrom(min: number, max: number): ArgumentRule<number> {
  return (value, argument) => {
    if (!(value >= min && value <= max)) throw invalidArgument(argument, `must be from ${min} to ${max}, got ${value}`, `${min}-${max}`);
    return value;
  };
}

/**
 * Text of 1 to `max` characters once trimmed (the trimmed text is what is kept). `printable`
 * also refuses control characters; `showAllowed` names the range in `extensions.allowed`.
 */
export function trimmedText(max: number, options: { printable?: boolean; showAllowed?: boolean } = {}): ArgumentRule<string> {
  return (value, argument) => {
    const text = value.trim();
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a name may not hold
    const unprintable = options.printable === true && /[\u0000-\u001f\u007f]/.test(text);
    if (text.length === 0 || text.length > max || unprintable) {
      const kind = options.printable ? 'printable characters' : 'characters';
      throw invalidArgument(argument, `must be 1 to ${max} ${kind}`, options.showAllowed ? `1-${max} characters` : undefined);
    }
    return text;
  };
}

/** A password (or other secret) of at least `min` characters, kept exactly as given. */
export function atLeastCharacters(min: number): ArgumentRule<string> {
  return (value, argument) => {
    if (value.length < min) throw invalidArgument(argument, `must be at least ${min} characters`);
    return value;
  };
}

/** Text matching `pattern`; `message` says what it must be. */
export function matching(pattern: RegExp, message: string): ArgumentRule<string> {
  return (value, argument) => {
    if (!pattern.test(value)) throw invalidArgument(argument, message);
    return value;
  };
}

/** A list whose every item follows `rule` (errors name the list). */
export function eachOf<In, Out>(rule: ArgumentRule<In, Out>): ArgumentRule<readonly In[], Out[]> {
  return (values, argument) => values.map((value) => rule(value, argument));
}
