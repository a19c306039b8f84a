/** What `withTableCache` reads and replaces of a dynalite store (`dynalite/db`'s `create`). */
export interface DynaliteStore {
  getTable: (name: string, checkStatus: unknown, callback?: unknown) => void;
  tableDb: {
    put: (...args: never[]) => unknown;
    del: (...args: never[]) => unknown;
  };
}

export declare const withTableCache: (store: DynaliteStore) => boolean;
