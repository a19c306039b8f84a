// events/ depends on zod only; it shares the zod/mini set-up with the functions (see functions/shared/zod.ts).
export * from '../functions/shared/zod';
