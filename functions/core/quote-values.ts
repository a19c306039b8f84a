/**
 * Messages quote this many values of a list at most: a contract's allowed values can number in the thousands,
 * and a message repeated in every error of an event must keep the event within EventBridge's 256 KB.
 */
const MAX_QUOTED_VALUES = 10;

/** `"a", "b" and 38 more`: a list of values as messages show it. */
export const quoteValues = (values: readonly string[]): string => {
  const shown = values.slice(0, MAX_QUOTED_VALUES).map((value) => JSON.stringify(value));
  const more = values.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
};
