import { describe, expect, it } from 'vitest';
import { detectHost } from '../../../functions/core/webhooks/detect-host';

const github = { 'x-github-event': 'push', 'x-github-delivery': 'gh-1' };
const gitea = { ...github, 'x-gitea-event': 'push', 'x-gitea-delivery': 'gt-1', 'x-gogs-event': 'push' };
const forgejo = { ...gitea, 'x-forgejo-event': 'push', 'x-forgejo-delivery': 'fj-1' };

describe('Function: detectHost', () => {
  it.each([
    [
      'GitHub',
      { ...github, 'user-agent': 'GitHub-Hookshot/6b02022' },
      { host: 'github', deliveryId: 'gh-1' },
    ],
    ['the local data repo', { ...github, 'user-agent': 'mesh-data-repo-hook/1.0' }, { host: 'local' }],
    ['Gitea, which also sends the GitHub headers', gitea, { host: 'gitea', deliveryId: 'gt-1' }],
    [
      'Forgejo, which also sends the Gitea and GitHub headers',
      forgejo,
      { host: 'forgejo', deliveryId: 'fj-1' },
    ],
    [
      'Forgejo without its own delivery header',
      { ...forgejo, 'x-forgejo-delivery': '' },
      { deliveryId: 'gt-1' },
    ],
    [
      'GitLab',
      { 'x-gitlab-event': 'Push Hook', 'idempotency-key': 'gl-1' },
      { host: 'gitlab', event: 'Push Hook', deliveryId: 'gl-1' },
    ],
  ])('recognises %s', (_name, headers, expected) => {
    expect(detectHost(headers)).toMatchObject(expected);
  });

  it('leaves the delivery id out when the host sent none', () => {
    expect(detectHost({ 'x-gitlab-event': 'Push Hook' })).toEqual({ host: 'gitlab', event: 'Push Hook' });
  });

  it('treats an empty event header as absent', () => {
    expect(detectHost({ ...github, 'x-forgejo-event': '', 'x-gitea-event': ' ' })).toMatchObject({
      host: 'github',
    });
  });

  it.each([
    ['no headers', {}],
    ['only Gogs headers', { 'x-gogs-event': 'push', 'x-gogs-delivery': 'g-1' }],
    ['an empty GitHub event header', { 'x-github-event': '' }],
  ])('recognises nothing with %s', (_name, headers) => {
    expect(detectHost(headers)).toBeUndefined();
  });
});
