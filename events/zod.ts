// The one zod set-up of the platform. Runtime code uses zod/mini: classic zod drags ~450 KB of locales into
// every Lambda bundle. Import it as `import * as z from '…/zod'` — a namespace re-exported as one object would
// defeat tree-shaking. English messages are configured here so that every error a user sees is readable.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
