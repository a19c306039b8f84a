/**
 * IP address and CIDR handling for event patterns, following aws/event-ruler's CIDR class:
 * only text that looks like an IPv4 or IPv6 literal is considered, and addresses compare as raw bytes.
 */

// event-ruler's own "does this look like an IP" checks; anything else is never treated as an address.
const IPV4_LIKE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_LIKE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

export interface IpRange {
  readonly min: Uint8Array;
  readonly max: Uint8Array;
}

/** Parses an IPv4 or IPv6 literal to its 4 or 16 bytes, or returns undefined. */
export function parseIpAddress(text: string): Uint8Array | undefined {
  if (IPV4_LIKE.test(text)) return parseIpv4(text);
  if (IPV6_LIKE.test(text)) return parseIpv6(text);
  return undefined;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(4);
  const parts = text.split('.');
  for (const [i, part] of parts.entries()) {
    // Leading zeros are ambiguous (octal or decimal?), and current JDKs reject them.
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const explicit = head.length + tail.length;
  if (halves.length === 2 ? explicit > 7 : explicit !== 8) return undefined;
  const groups = [...head, ...new Array<string>(8 - explicit).fill('0'), ...tail];

  const bytes = new Uint8Array(16);
  for (const [i, group] of groups.entries()) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    const value = Number.parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  }
  // Java's InetAddress turns IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) into plain IPv4 ones.
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return bytes.slice(12);
  }
  return bytes;
}

/** Parses `address/bits`; returns an error message for anything event-ruler rejects. */
export function parseCidr(text: string): IpRange | string {
  const parts = text.split('/');
  // Java's String.split drops trailing empty strings; keep its idea of "one slash".
  while (parts.at(-1) === '') parts.pop();
  if (parts.length !== 2) return `malformed CIDR "${text}": exactly one "/" is required`;
  const [addressText = '', bitsText = ''] = parts;
  if (!/^[+-]?[0-9]+$/.test(bitsText)) return `malformed CIDR "${text}": the mask bits must be an integer`;
  const bits = Number(bitsText);
  if (bits < 0) return `malformed CIDR "${text}": the mask bits must not be negative`;
  const address = parseIpAddress(addressText);
  if (address === undefined) return `malformed CIDR "${text}": "${addressText}" is not an IP address`;
  // event-ruler's limits: a /32 (or /128) is a single address and is written without a mask.
  const maxBits = address.length * 8 - 1;
  if (bits > maxBits) return `malformed CIDR "${text}": the mask bits must be at most ${maxBits}`;

  const min = new Uint8Array(address);
  const max = new Uint8Array(address);
  for (let i = 0; i < address.length; i++) {
    const fixedBits = Math.min(8, Math.max(0, bits - i * 8));
    const hostMask = 0xff >> fixedBits;
    min[i] = (address[i] ?? 0) & ~hostMask & 0xff;
    max[i] = (address[i] ?? 0) | hostMask;
  }
  return { min, max };
}

export function singleAddressRange(address: Uint8Array): IpRange {
  return { min: address, max: address };
}

export function isIpInRange(address: Uint8Array, range: IpRange): boolean {
  return (
    address.length === range.min.length &&
    compareBytes(address, range.min) >= 0 &&
    compareBytes(address, range.max) <= 0
  );
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
