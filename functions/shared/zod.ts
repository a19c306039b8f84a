// The functions share the zod set-up of the event contracts (events/ depends on zod only).
export * from '../../events/zod';
