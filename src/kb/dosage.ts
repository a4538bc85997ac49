// The billing unit of a HCPCS drug code, read from its long descriptor: CMS ends most drug
// descriptors with the amount one unit of service stands for ("..., per 15 mg", "..., 10 mg",
// "..., up to 1000 mcg"). Only a comma-separated part that starts with such an amount counts;
// anything else ("per dose", "3 mg and ... 3 mg") gives null rather than a guess. CMS writes
// amounts without thousands separators (per 1000 units), so parts are split at every comma. Pure and linear.

export interface ParsedDosage {
  amount: number;
  /** Lower-case, as written (mg, mcg, microgram, units, ml, cc, millicuries, ...). */
  unit: string;
  /** The phrase it was read from, e.g. "per 15 mg". */
  phrase: string;
}

const UNITS = 'mg|mcg|micrograms?|gm|grams?|g|ml|cc|usp units|international units|units?|iu|meq|millicuries|microcuries|mci|uci|sq cm|kg';
const AMOUNT = new RegExp(`^((?:per|up to)\\s+)?(\\d*\\.\\d+|\\d+)\\s*(${UNITS})(?![a-z])`);
// A few descriptors end in "per 50 units" with no comma before it (the insulin pump codes).
const TRAILING_PER = new RegExp(`\\bper\\s+(\\d*\\.\\d+|\\d+)\\s*(${UNITS})$`);

export function parseDosageUnit(description: string): ParsedDosage | null {
  const parts = description.toLowerCase().split(',');
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i].trim();
    const m = AMOUNT.exec(part);
    if (m) {
      const amount = Number(m[2]);
      return amount > 0 ? { amount, unit: m[3], phrase: m[0] } : null;
    }
    const t = i === parts.length - 1 ? TRAILING_PER.exec(part) : null;
    if (t && Number(t[1]) > 0) return { amount: Number(t[1]), unit: t[2], phrase: t[0] };
  }
  return null;
}
