// events/ depends on zod only; it shares the zod/mini set-up with the functions (see functions/shared/zod.ts).
export { z } from '../functions/shared/zod';
