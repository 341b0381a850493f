/**
 * A number written in a CSV cell: decimal digits with an optional sign, fraction and exponent
 * (91.25, -776.443, .5, 1.5e-3). Hex, binary, "Infinity", "NaN" and trailing text are refused,
 * where `Number()` would read "0x10" as 16 and "" as 0. Callers trim the cell first. Shared by
 * the benchmark table and a learner's CSV of pixel rows, so both read numbers alike.
 */
export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The decimal number `raw` (trimmed) holds, or NaN when it is not one. */
export const decimalOf = (raw: string): number => {
  const t = raw.trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
};
