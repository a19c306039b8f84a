/** Injected so that use cases and tests agree on time. */
export type Clock = () => Date;
