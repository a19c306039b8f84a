// Runtime code uses zod/mini: classic zod drags ~450 KB of locales into every Lambda bundle.
// English messages are configured once here so that every error a user sees is readable.
import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

z.config(en());

export { z };
