/**
 * An input a domain operation refuses, naming the argument at fault (a path such as `color.r`)
 * and, where it is a range, what it allows. The API answers it as `BAD_USER_INPUT`; domain
 * modules throw it without knowing about GraphQL.
 */
export class InvalidInput extends Error {
  override name = 'InvalidInput';
  constructor(
    readonly argument: string,
    message: string,
    readonly allowed?: string,
  ) {
    super(message);
  }
}
