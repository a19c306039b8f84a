import { describe, expect, it } from 'vitest';
import {
  addressRefusal,
  classifyAddress,
  statusError,
} from '../../../functions/adapters/channels/outbound-http';

describe('classifyAddress', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.12.34.56', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['169.254.1.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['[::1]', 'loopback'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)?.kind).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });

  it('ignores what is not an IP', () => {
    expect(classifyAddress('example.com')).toBeUndefined();
  });
});

describe('addressRefusal', () => {
  it('refuses loopback on AWS but not locally; the rest in both modes', () => {
    expect(addressRefusal('127.0.0.1', 'aws')).toBe('127.0.0.1 is a loopback address (127.0.0.0/8)');
    expect(addressRefusal('127.0.0.1', 'local')).toBeUndefined();
    expect(addressRefusal('::1', 'local')).toBeUndefined();
    expect(addressRefusal('::ffff:127.0.0.1', 'local')).toBeUndefined();
    expect(addressRefusal('169.254.169.254', 'local')).toBe(
      '169.254.169.254 is a link-local address (cloud instance metadata)',
    );
    expect(addressRefusal('10.0.0.1', 'local')).toMatch(/private/);
    expect(addressRefusal('8.8.8.8', 'aws')).toBeUndefined();
  });
});

describe('statusError', () => {
  const kind = (status: number) => statusError(status, 'POST https://x.example/h')?.kind;

  it.each([200, 201, 202, 204, 299])('%i is delivered', (status) => {
    expect(kind(status)).toBeUndefined();
  });
  it.each([408, 425, 429, 500, 502, 503, 504])('%i is retryable', (status) => {
    expect(kind(status)).toBe('retryable');
  });
  it.each([301, 302, 307, 308, 400, 401, 403, 404, 413, 422])('%i is permanent', (status) => {
    expect(kind(status)).toBe('permanent');
  });
  it('410 is gone', () => {
    expect(kind(410)).toBe('gone');
  });

  it('says what happened and where', () => {
    expect(statusError(500, 'POST https://x.example/h', ' boom\n ')?.message).toBe(
      'POST https://x.example/h answered 500: boom',
    );
    expect(statusError(302, 'POST https://x.example/h', '', 'https://y.example/')?.message).toBe(
      'POST https://x.example/h answered 302, a redirect (to https://y.example/): redirects are not followed',
    );
  });
});
