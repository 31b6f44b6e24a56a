import semver from 'semver';

/**
 * Firmware versions as lamps report them: semver strings (`1.4.2`, `v1.4.2`) or the compile
 * stamp of `__DATE__ ";" __TIME__` (`Apr 30 2020;05:33:11`, the day padded with a space).
 */
export type FirmwareVersion = { kind: 'semver'; value: string } | { kind: 'stamp'; at: number } | { kind: 'other'; text: string };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const STAMP = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{4});(\d{2}):(\d{2}):(\d{2})$/;

export function parseFirmwareVersion(text: string): FirmwareVersion {
  const trimmed = text.trim();
  const stamp = STAMP.exec(trimmed);
  if (stamp) {
    const [, month, day, year, hour, minute, second] = stamp;
    const monthIndex = MONTHS.indexOf(month!);
    if (monthIndex !== -1) {
      return { kind: 'stamp', at: Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second)) };
    }
  }
  const clean =
    semver.valid(semver.clean(trimmed, { loose: true }) ?? '') ?? semver.valid(semver.coerce(trimmed, { includePrerelease: true }));
  if (clean && /^v?\d/.test(trimmed)) return { kind: 'semver', value: clean };
  return { kind: 'other', text: trimmed };
}

/**
 * How `candidate` relates to `running`: 'newer', 'same', 'older', or 'unknown' when the two
 * cannot be ordered (different forms, or free text that differs).
 */
export function compareFirmwareVersions(candidate: string, running: string): 'newer' | 'same' | 'older' | 'unknown' {
  const a = parseFirmwareVersion(candidate);
  const b = parseFirmwareVersion(running);
  if (a.kind === 'semver' && b.kind === 'semver') return order(semver.compare(a.value, b.value));
  if (a.kind === 'stamp' && b.kind === 'stamp') return order(Math.sign(a.at - b.at));
  return candidate.trim() === running.trim() ? 'same' : 'unknown';
}

function order(sign: number): 'newer' | 'same' | 'older' {
  return sign > 0 ? 'newer' : sign < 0 ? 'older' : 'same';
}
