import { describe, expect, it } from 'vitest';
import type { GitPusher } from '../../../events/inbound/git-push-received';
import {
  type CodeownersRule,
  codeownersFor,
  decideOwnership,
  ownershipEnforced,
  parseCodeowners,
  type TeamsConfig,
  TeamsConfigSchema,
} from '../../../functions/core/gitops/ownership';
import * as z from '../../../functions/shared/zod';

const rules = (text: string): CodeownersRule[] => {
  const parsed = parseCodeowners(text);
  expect(parsed.problems).toEqual([]);
  return parsed.rules;
};

const alice: GitPusher = { username: 'alice', name: 'Alice', email: 'alice@example.com' };
const bob: GitPusher = { username: 'bob', email: 'bob@example.com' };
const carol: GitPusher = { username: 'Carol' };

const teams: TeamsConfig = {
  sales: ['alice', 'Dave@Example.com'],
  marketing: ['@bob'],
  finance: ['CAROL'],
};

describe('Function: parseCodeowners', () => {
  it('reads rules with their lines, skipping blank lines and comments', () => {
    const parsed = parseCodeowners(
      [
        '# Data products',
        '',
        '*                 @acme/platform',
        '   ',
        '/orders/          @alice @acme/sales   # the sales team',
        '\t# indented comment',
        'docs/*            docs@example.com',
        '/orders/tmp/',
      ].join('\r\n'),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules).toEqual([
      { pattern: '*', owners: ['@acme/platform'], line: 3 },
      { pattern: '/orders/', owners: ['@alice', '@acme/sales'], line: 5 },
      { pattern: 'docs/*', owners: ['docs@example.com'], line: 7 },
      { pattern: '/orders/tmp/', owners: [], line: 8 },
    ]);
  });

  it('keeps an escaped "#" or blank in a pattern', () => {
    const parsed = parseCodeowners('\\#notes.md @alice\nmy\\ folder/ @bob\n');
    expect(parsed.rules).toEqual([
      { pattern: '\\#notes.md', owners: ['@alice'], line: 1 },
      { pattern: 'my\\ folder/', owners: ['@bob'], line: 2 },
    ]);
    expect(codeownersFor(parsed.rules, '#notes.md')).toEqual(['@alice']);
    expect(codeownersFor(parsed.rules, 'my folder/x.csv')).toEqual(['@bob']);
  });

  it('reports invalid lines and skips them', () => {
    const parsed = parseCodeowners(
      [
        '/orders/ @alice',
        '/billing/ alice',
        '!/orders/secret @bob',
        '*.[ch] @bob',
        '[Data products] @acme/data',
        '/ @bob',
        '/x/ @acme/sales @',
        'trailing\\',
        '/a*/b*/c*/d*/e*/f*/g*/h*/i* @bob',
        '/customers/ @acme/sales bob@example.com @team.lead',
      ].join('\n'),
    );
    expect(parsed.rules).toEqual([
      { pattern: '/orders/', owners: ['@alice'], line: 1 },
      { pattern: '/customers/', owners: ['@acme/sales', 'bob@example.com', '@team.lead'], line: 10 },
    ]);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(parsed.problems[0]?.message).toMatch(/invalid owner "alice": use @user, @org\/team or an email/);
    expect(parsed.problems[1]?.message).toMatch(/negation/);
    expect(parsed.problems[2]?.message).toMatch(/character ranges/);
    expect(parsed.problems[3]?.message).toMatch(/GitLab sections/);
    expect(parsed.problems[4]?.message).toMatch(/names no path/);
    expect(parsed.problems[5]?.message).toMatch(/invalid owner "@"/);
    expect(parsed.problems[6]?.message).toMatch(/lone backslash/);
    expect(parsed.problems[7]?.message).toMatch(/more than 8 wildcards/);
  });

  it('reads an empty file, or one with a byte order mark', () => {
    expect(parseCodeowners('')).toEqual({ rules: [], problems: [] });
    expect(parseCodeowners('\uFEFF* @alice').rules).toEqual([{ pattern: '*', owners: ['@alice'], line: 1 }]);
  });
});

describe('Function: codeownersFor', () => {
  it('lets the last matching rule win, an owner-less rule removing owners', () => {
    const list = rules('* @acme/platform\n/orders/ @alice\n/orders/tmp/\n*.md @bob\n');
    expect(codeownersFor(list, 'customers/datacontract.yaml')).toEqual(['@acme/platform']);
    expect(codeownersFor(list, 'orders/datacontract.yaml')).toEqual(['@alice']);
    expect(codeownersFor(list, 'orders/')).toEqual(['@alice']);
    expect(codeownersFor(list, 'orders/tmp/a.csv')).toEqual([]);
    expect(codeownersFor(list, 'orders/README.md')).toEqual(['@bob']);
    expect(codeownersFor([], 'orders/')).toEqual([]);
  });

  it.each([
    // pattern, path, matches
    ['/orders/', 'orders/datacontract.yaml', true],
    ['/orders/', 'orders/', true],
    ['/orders/', 'sales/orders/x.csv', false],
    ['/orders/', 'orders', false],
    ['orders/', 'sales/orders/x.csv', true],
    ['orders/', 'orders-eu/x.csv', false],
    ['orders', 'orders', true],
    ['orders', 'a/b/orders/x.csv', true],
    ['/orders', 'orders/x.csv', true],
    ['sales/orders', 'sales/orders/x.csv', true],
    ['sales/orders', 'eu/sales/orders/x.csv', false],
    ['*.yaml', 'orders/datacontract.yaml', true],
    ['*.yaml', 'orders/', false],
    ['/*.yaml', 'orders/datacontract.yaml', false],
    ['/*.yaml', 'root.yaml', true],
    ['*', 'anything/at/all.csv', true],
    ['docs/*', 'docs/getting-started.md', true],
    ['docs/*', 'docs/build-app/troubleshooting.md', false],
    ['docs/*', 'docs/', false],
    ['**/logs', 'deeply/nested/logs/today.log', true],
    ['**/logs', 'logs/today.log', true],
    ['/orders/**', 'orders/2026/part-0.csv', true],
    ['/orders/**', 'orders', false],
    ['a/**/b', 'a/b/x', true],
    ['a/**/b', 'a/x/y/b/z', true],
    ['a/**/b', 'ab/b/x', false],
    ['**', 'orders/x.csv', true],
    ['ord?rs/', 'orders/x.csv', true],
    ['ord?rs/', 'ordrs/x.csv', false],
    ['order*/', 'orders-eu/x.csv', true],
    ['Orders/', 'orders/x.csv', false],
  ])('%s matching %s: %s', (pattern, path, matches) => {
    const list = rules(`${pattern} @owner`);
    expect(codeownersFor(list, path)).toEqual(matches ? ['@owner'] : []);
  });
});

describe('Function: ownershipEnforced', () => {
  it('is off only without teams and without CODEOWNERS rules', () => {
    expect(ownershipEnforced({ teams: {} })).toBe(false);
    expect(ownershipEnforced({ teams: {}, codeowners: [] })).toBe(false);
    expect(ownershipEnforced({ teams })).toBe(true);
    expect(ownershipEnforced({ teams: {}, codeowners: rules('* @alice') })).toBe(true);
  });
});

describe('Function: decideOwnership', () => {
  it('allows everything when ownership is not enforced', () => {
    expect(
      decideOwnership(
        { pusher: bob, folder: 'orders', currentOwnerTeam: 'sales', newOwnerTeam: 'x' },
        { teams: {} },
      ),
    ).toEqual({ allowed: true, basis: 'ownership not enforced: no teams configured and no CODEOWNERS' });
  });

  it('allows a member of the owner team, by username or email, ignoring case and "@"', () => {
    const cases: [GitPusher, string][] = [
      [alice, 'sales'],
      [{ username: 'ALICE' }, 'sales'],
      [{ username: 'dave', email: 'dave@example.com' }, 'sales'],
      [{ username: 'someone-else', email: 'DAVE@example.COM' }, 'sales'],
      [bob, 'marketing'],
      [carol, 'finance'],
    ];
    for (const [pusher, team] of cases) {
      const decision = decideOwnership(
        { pusher, folder: 'orders', currentOwnerTeam: team, newOwnerTeam: team },
        { teams },
      );
      expect(decision).toEqual({
        allowed: true,
        basis: expect.stringContaining(`is a member of team "${team}", which owns "orders"`),
      });
    }
  });

  it('does not take a username for an email, nor an email for a username', () => {
    const policy = { teams: { sales: ['alice@example.com', 'bob'] } };
    expect(
      decideOwnership(
        { pusher: { username: 'alice@example.com' }, folder: 'orders', currentOwnerTeam: 'sales' },
        policy,
      ).allowed,
    ).toBe(false);
    expect(
      decideOwnership(
        { pusher: { username: 'x', email: 'bob' }, folder: 'orders', currentOwnerTeam: 'sales' },
        policy,
      ).allowed,
    ).toBe(false);
  });

  it('finds a team whatever the case of its name', () => {
    expect(
      decideOwnership({ pusher: alice, folder: 'orders', currentOwnerTeam: 'Sales' }, { teams }),
    ).toMatchObject({
      allowed: true,
      basis: 'alice is a member of team "sales", which owns "orders"',
    });
  });

  it('rejects a non-member, naming pusher, team and folder', () => {
    expect(
      decideOwnership(
        { pusher: bob, folder: 'orders', currentOwnerTeam: 'sales', newOwnerTeam: 'sales' },
        { teams },
      ),
    ).toEqual({ allowed: false, reason: 'bob is not a member of team "sales", which owns "orders"' });
  });

  it('rejects the deletion of a product by a non-member', () => {
    expect(decideOwnership({ pusher: bob, folder: 'orders/', currentOwnerTeam: 'sales' }, { teams })).toEqual(
      {
        allowed: false,
        reason: 'bob is not a member of team "sales", which owns "orders"',
      },
    );
  });

  it('lets a member of the current owner team move the product to another team', () => {
    expect(
      decideOwnership(
        { pusher: alice, folder: 'orders', currentOwnerTeam: 'sales', newOwnerTeam: 'marketing' },
        { teams },
      ),
    ).toEqual({
      allowed: true,
      basis: 'alice is a member of team "sales", which owns "orders" (moving it to team "marketing")',
    });
  });

  it('does not let a member of the new team take the product over', () => {
    expect(
      decideOwnership(
        { pusher: bob, folder: 'orders', currentOwnerTeam: 'sales', newOwnerTeam: 'marketing' },
        { teams },
      ),
    ).toEqual({
      allowed: false,
      reason: 'bob may not move "orders" from team "sales" to team "marketing": only members of "sales" can',
    });
  });

  it('checks a new product against the team its contract names', () => {
    expect(
      decideOwnership({ pusher: bob, folder: 'campaigns', newOwnerTeam: 'marketing' }, { teams }),
    ).toEqual({
      allowed: true,
      basis: 'bob is a member of team "marketing", named as owner of the new product "campaigns"',
    });
    expect(
      decideOwnership({ pusher: alice, folder: 'campaigns', newOwnerTeam: 'marketing' }, { teams }),
    ).toEqual({
      allowed: false,
      reason: 'alice is not a member of team "marketing", named as owner of the new product "campaigns"',
    });
  });

  it('treats a blank owner team as no team', () => {
    expect(
      decideOwnership(
        { pusher: alice, folder: 'orders', currentOwnerTeam: '  ', newOwnerTeam: 'sales' },
        { teams },
      ),
    ).toMatchObject({ allowed: true });
  });

  it('rejects a team nobody is configured for and CODEOWNERS does not name', () => {
    expect(decideOwnership({ pusher: alice, folder: 'orders', currentOwnerTeam: 'x' }, { teams })).toEqual({
      allowed: false,
      reason:
        'alice may not change "orders": team "x" has no members configured and CODEOWNERS names no owner for "orders/"',
    });
    expect(
      decideOwnership(
        { pusher: alice, folder: 'orders', currentOwnerTeam: 'x', newOwnerTeam: 'sales' },
        { teams },
      ),
    ).toEqual({
      allowed: false,
      reason:
        'alice may not move "orders" from team "x" to team "sales": team "x" has no members configured and CODEOWNERS names no owner for "orders/"',
    });
  });

  it('only lets CODEOWNERS decide when no owner team is known', () => {
    expect(decideOwnership({ pusher: alice, folder: 'orders' }, { teams })).toEqual({
      allowed: false,
      reason:
        'alice may not change "orders": no owner team is known for it and CODEOWNERS names no owner for "orders/"',
    });
    expect(
      decideOwnership({ pusher: alice, folder: 'orders' }, { teams, codeowners: rules('/orders/ @alice') }),
    ).toMatchObject({ allowed: true });
  });

  describe('with CODEOWNERS', () => {
    it('grants a folder to a user it names', () => {
      const codeowners = rules('* @acme/platform\n/orders/ @bob\n');
      expect(
        decideOwnership({ pusher: bob, folder: 'orders', currentOwnerTeam: 'sales' }, { teams, codeowners }),
      ).toEqual({ allowed: true, basis: 'CODEOWNERS line 2 ("/orders/") names @bob as owner of "orders/"' });
      expect(
        decideOwnership(
          { pusher: { username: 'BOB' }, folder: 'orders', currentOwnerTeam: 'sales' },
          { teams: {}, codeowners },
        ),
      ).toMatchObject({ allowed: true });
    });

    it('grants a folder to an email it names', () => {
      const codeowners = rules('orders/ Bob@Example.com\n');
      expect(
        decideOwnership({ pusher: bob, folder: 'orders', currentOwnerTeam: 'sales' }, { teams, codeowners }),
      ).toMatchObject({ allowed: true });
    });

    it('grants a folder through a file inside it', () => {
      const codeowners = rules('*.yaml @bob\n');
      expect(
        decideOwnership({ pusher: bob, folder: 'orders', currentOwnerTeam: 'sales' }, { teams, codeowners }),
      ).toMatchObject({ allowed: true, basis: expect.stringContaining('CODEOWNERS line 1 ("*.yaml")') });
    });

    it('grants a folder to the members of a configured team it names', () => {
      const codeowners = rules('/orders/ @acme/marketing\n');
      expect(
        decideOwnership({ pusher: bob, folder: 'orders', currentOwnerTeam: 'sales' }, { teams, codeowners }),
      ).toEqual({
        allowed: true,
        basis:
          'CODEOWNERS line 1 ("/orders/") gives "orders/" to @acme/marketing, and bob is a member of team "marketing"',
      });
      expect(
        decideOwnership(
          { pusher: carol, folder: 'orders', currentOwnerTeam: 'sales' },
          { teams, codeowners },
        ),
      ).toEqual({
        allowed: false,
        reason:
          'Carol is not a member of team "sales", which owns "orders", nor a code owner of "orders/" (CODEOWNERS names @acme/marketing)',
      });
    });

    it('does not take a host team it cannot resolve for a grant', () => {
      const codeowners = rules('/orders/ @acme/unknown-team\n');
      expect(
        decideOwnership(
          { pusher: bob, folder: 'orders', currentOwnerTeam: 'unknown-team' },
          { teams: {}, codeowners },
        ),
      ).toEqual({
        allowed: false,
        reason:
          'bob may not change "orders": team "unknown-team" has no members configured and bob is not a code owner of "orders/" (CODEOWNERS names @acme/unknown-team)',
      });
    });

    it('follows the last matching rule', () => {
      const codeowners = rules('/orders/ @bob\n/orders/\n');
      expect(
        decideOwnership({ pusher: bob, folder: 'orders', currentOwnerTeam: 'sales' }, { teams, codeowners })
          .allowed,
      ).toBe(false);
    });

    it('mentions the code owners when refusing a move', () => {
      const codeowners = rules('/orders/ @dave\n');
      expect(
        decideOwnership(
          { pusher: bob, folder: 'orders', currentOwnerTeam: 'sales', newOwnerTeam: 'marketing' },
          { teams, codeowners },
        ),
      ).toEqual({
        allowed: false,
        reason:
          'bob may not move "orders" from team "sales" to team "marketing": only members of "sales" or the code owners of "orders/" (@dave) can',
      });
    });

    it('is enforced with CODEOWNERS alone', () => {
      const codeowners = rules('/orders/ @alice\n');
      expect(
        decideOwnership(
          { pusher: bob, folder: 'orders', currentOwnerTeam: 'sales' },
          { teams: {}, codeowners },
        ),
      ).toEqual({
        allowed: false,
        reason:
          'bob may not change "orders": team "sales" has no members configured and bob is not a code owner of "orders/" (CODEOWNERS names @alice)',
      });
    });
  });
});

describe('Schema: TeamsConfigSchema', () => {
  it('reads team → members', () => {
    expect(z.safeParse(TeamsConfigSchema, { sales: ['alice', 'bob@example.com'] }).success).toBe(true);
    expect(z.safeParse(TeamsConfigSchema, { sales: 'alice' }).success).toBe(false);
  });
});
