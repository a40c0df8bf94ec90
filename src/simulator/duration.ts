/**
 * ISO 8601 durations as sent in `mas-jwt-expiry-duration` (`PT10M`, `P90D`, `P100Y`), plus
 * MAS's `NEVER`. Years and months have no fixed length; 365 and 30 days are close enough for
 * token lifetimes.
 */

const pattern =
  /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const day = 86_400;
const unitSeconds = [365 * day, 30 * day, 7 * day, day, 3600, 60, 1] as const;

/**
 * Seconds in an ISO 8601 duration, `Infinity` for `NEVER`, or `undefined` when the text is not
 * a duration.
 * @example parseDurationSeconds('PT10M') // 600
 */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim().toUpperCase();
  if (trimmed === 'NEVER') return Number.POSITIVE_INFINITY;
  const match = pattern.exec(trimmed);
  // "P" and "PT" alone match the pattern but name no duration.
  if (!match || trimmed === 'P' || trimmed.endsWith('T')) return undefined;
  const parts = match.slice(1);
  if (parts.every((part) => part === undefined)) return undefined;
  return parts.reduce((total, part, i) => total + Number(part ?? 0) * (unitSeconds[i] ?? 0), 0);
}
