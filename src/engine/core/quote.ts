/** How much of an offending input a message may quote. */
export const QUOTE_MAX = 60;

/** `s` cut to `max` characters, the last of them an ellipsis, when it is longer. */
export function clip(s: string, max = QUOTE_MAX): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1); // never split a surrogate pair
  return `${cut}…`;
}

/**
 * `s` in double quotes for an error message, escaped as JSON (a line break shows as \n) and
 * clipped: a message names what was wrong without echoing a megabyte of someone's file back into
 * the page or the terminal.
 */
export function quote(s: string, max = QUOTE_MAX): string {
  return JSON.stringify(clip(s, max));
}
