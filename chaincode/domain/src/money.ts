import { z } from 'zod';

/**
 * Currencies a coverage may be written in, with their ISO 4217 minor-unit exponent. Amounts on the
 * ledger are integers in minor units (cents for EUR), never floating point: every endorsing peer must
 * compute the same approved amount, and a sum of floats depends on the order it is added in.
 */
export const CURRENCY_EXPONENTS = {
  EUR: 2,
  USD: 2,
  GBP: 2,
  CHF: 2,
  CNY: 2,
  SEK: 2,
  JPY: 0,
  KRW: 0,
} as const;
/** An ISO 4217 currency code MedLedger settles in. */
export type Currency = keyof typeof CURRENCY_EXPONENTS;
/** zod: a currency code. */
export const currencySchema = z.enum(Object.keys(CURRENCY_EXPONENTS) as [Currency, ...Currency[]]);

/**
 * Largest unit price of a claim line, a fee schedule entry or a deductible, in minor units (10 million
 * in a two-decimal currency). Bounded so that a claim's sums and an org pair's running balance stay
 * exact JavaScript integers for billions in volume.
 */
export const MAX_UNIT_AMOUNT = 1_000_000_000;
/** Largest quantity of one claim line. */
export const MAX_LINE_QUANTITY = 999;
/** Largest cap (per item or per coverage period), in minor units. */
export const MAX_CAP_AMOUNT = 1_000_000_000_000;

/** zod: a non-negative amount in minor units, at most {@link MAX_UNIT_AMOUNT}. */
export const unitAmountSchema = z.number().int().min(0).max(MAX_UNIT_AMOUNT);
/** zod: a non-negative cap in minor units, at most {@link MAX_CAP_AMOUNT}. */
export const capAmountSchema = z.number().int().min(0).max(MAX_CAP_AMOUNT);
/** zod: a signed amount in minor units that is an exact integer (a ledger leg or a balance). */
export const signedAmountSchema = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/** zod: a reimbursement rate in basis points (10000 = 100 %), so rates need no fractions. */
export const rateBasisPointsSchema = z.number().int().min(0).max(10_000);
/** Basis points in one whole. */
export const BASIS_POINTS = 10_000;

/**
 * `amount * basisPoints / 10000`, rounded down: the payer never pays a fraction of a minor unit it was
 * not asked for, and every peer rounds the same way. The product of the largest line and a rate would
 * pass 2^53, so the whole ten-thousands and the remainder are multiplied apart, each exactly.
 */
export function applyRate(amount: number, basisPoints: number): number {
  const wholes = Math.floor(amount / BASIS_POINTS);
  const rest = amount - wholes * BASIS_POINTS;
  return wholes * basisPoints + Math.floor((rest * basisPoints) / BASIS_POINTS);
}

/** Sum of amounts, refusing a result that is not an exact integer (never reached within the bounds). */
export function sumAmounts(amounts: readonly number[]): number {
  let total = 0;
  for (const a of amounts) total += a;
  if (!Number.isSafeInteger(total)) throw new RangeError('amount sum is not an exact integer');
  return total;
}

/** A minor-unit amount as a decimal number of major units (`1234` EUR → `12.34`), for FHIR `Money`. */
export function toMajorUnits(minor: number, currency: Currency): number {
  return minor / 10 ** CURRENCY_EXPONENTS[currency];
}

/**
 * A decimal amount of major units as minor units, or `undefined` when it is not a whole number of
 * minor units (`12.345` EUR) or not a non-negative safe integer once converted.
 */
export function fromMajorUnits(major: number, currency: Currency): number | undefined {
  if (!Number.isFinite(major) || major < 0) return undefined;
  const scale = 10 ** CURRENCY_EXPONENTS[currency];
  const minor = Math.round(major * scale);
  // The decimal must name a whole number of minor units; the binary rounding of the product (a few
  // units in the last place) is tolerated, half a minor unit is not.
  if (Math.abs(minor - major * scale) > Math.max(1e-6, minor * 1e-15)) return undefined;
  return Number.isSafeInteger(minor) ? minor : undefined;
}
