/** Another attempt at the same inbound event is still running; retry later (the bus or Lambda will). */
export class EventInProgressError extends Error {
  override readonly name = 'EventInProgressError';
}

/** Optimistic concurrency kept losing against other writers; a retry of the whole event will converge. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

/** Configuration missing or malformed at start-up. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** The object named by an event is gone (deleted or moved since); there is nothing left to process. */
export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
}

/**
 * A data file arrived while its folder's contract, written just before it, is still being registered (the two
 * are processed concurrently). Retrying shortly resolves it; the platform never rejects a file for this race.
 */
export class ContractPendingError extends Error {
  override readonly name = 'ContractPendingError';
}
