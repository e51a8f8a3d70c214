/**
 * The two time formats of the logout callback:
 * - `api_time`: ISO 8601 / RFC 3339 with `Z` or a numeric offset (current form);
 * - `launchkey_time`: `YYYY-MM-DD HH:MM:SS`, always UTC (the form before 2016).
 * Both are parsed strictly: a date that does not exist (Feb 31, hour 24) is not a time.
 */
const API_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const LEGACY_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function utcMillis(f: Fields): number | undefined {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.hour > 23 || f.minute > 59 || f.second > 59) {
    return undefined;
  }
  const ms = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  const check = new Date(ms);
  // Date.UTC rolls Feb 31 over into March: a round trip that changes the day means no such date.
  if (check.getUTCFullYear() !== f.year || check.getUTCDate() !== f.day) return undefined;
  return ms;
}

function fieldsOf(m: RegExpExecArray): Fields {
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
  };
}

export function parseApiTime(text: string): Date | undefined {
  const m = API_TIME.exec(text);
  if (!m) return undefined;
  const base = utcMillis(fieldsOf(m));
  if (base === undefined) return undefined;
  const fraction = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  let offsetMinutes = 0;
  if (!m[8]) {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return new Date(base + fraction - offsetMinutes * 60_000);
}

export function parseLegacyTime(text: string): Date | undefined {
  const m = LEGACY_TIME.exec(text);
  if (!m) return undefined;
  const ms = utcMillis(fieldsOf(m));
  return ms === undefined ? undefined : new Date(ms);
}

/** `2015-04-24T22:49:19Z`: whole seconds, as the platform sends it. */
export function formatApiTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** `2015-04-24 22:49:19`, UTC. */
export function formatLegacyTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Truncates to the whole second: the wire carries no fractions. */
export function toWholeSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** A clock: a fixed instant, or a function read each time the time is needed. */
export type Clock = Date | number | (() => Date | number);

/** The clock's current time in epoch milliseconds; the system clock when none is given. */
export function readClock(clock: Clock | undefined): number {
  if (clock === undefined) return Date.now();
  return toMillis(typeof clock === 'function' ? clock() : clock);
}

/** An instant as epoch milliseconds. */
export function toMillis(time: Date | number): number {
  return typeof time === 'number' ? time : time.getTime();
}
