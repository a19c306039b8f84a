import { describe, expect, it } from 'vitest';
import { declaredS3Locations, parseS3Uri } from '../../../functions/core/storage/declared-locations';

describe('Function: parseS3Uri', () => {
  it.each([
    ['s3://team-sales/orders/', 'orders/'],
    ['s3://team-sales/orders', 'orders/'],
    ['s3://team-sales/landing/orders/*.csv', 'landing/orders/'],
    [' s3://team-sales/a/b/c/ ', 'a/b/c/'],
  ])('reads %s as a bucket prefix', (uri, prefix) => {
    expect(parseS3Uri(uri)).toEqual({ kind: 's3', bucket: 'team-sales', prefix });
  });

  it.each([
    ['https://team-sales.s3.amazonaws.com/orders/', /not an s3:\/\/ URI/],
    ['s3://Team_Sales/orders/', /not a valid S3 bucket name/],
    ['s3://team-sales/', /names a whole bucket/],
    ['s3://team-sales/*.csv', /names a whole bucket/],
    ['s3://team-sales/*/orders/', /only the last path segment may be a glob/],
    ['s3://team-sales/a//b/', /empty, "\." or "\.\." path segment/],
    ['s3://team-sales/a/../b/', /empty, "\." or "\.\." path segment/],
  ])('refuses %s', (uri, message) => {
    expect(parseS3Uri(uri)).toMatch(message);
  });
});

describe('Function: declaredS3Locations', () => {
  it('takes the s3 servers only, once each, and reports every bad one with its path', () => {
    const servers = [
      { server: 'warehouse', type: 'snowflake' },
      { server: 'prod', type: 's3', location: 's3://team-sales/orders/' },
      { server: 'prod-copy', type: 'S3', location: 's3://team-sales/orders/*.csv' },
    ];
    expect(declaredS3Locations({ servers })).toEqual({
      ok: true,
      locations: [
        { location: { kind: 's3', bucket: 'team-sales', prefix: 'orders/' }, path: 'servers[1].location' },
      ],
    });
    expect(
      declaredS3Locations({
        servers: [...servers, { server: 'x', type: 's3' }, { server: 'y', type: 's3', location: 's3://b' }],
      }),
    ).toEqual({
      ok: false,
      problems: [
        { path: 'servers[3].location', message: 'an s3 server needs a location (s3://bucket/prefix/)' },
        { path: 'servers[4].location', message: '"b" is not a valid S3 bucket name' },
      ],
    });
  });
});
