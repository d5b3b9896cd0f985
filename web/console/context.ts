// What every page is given: who is signed in, what the server offers, the tenant in view, and
// the page's lifetime (a signal that aborts when the admin moves on, so polling stops).
import type { Capabilities } from './capabilities.js';
import type { Me, Tenant } from './types.js';

export interface Ctx {
  me: Me;
  caps: Capabilities;
  tenant: Tenant;
  /** A key that may change things (read-only keys see every control disabled). */
  canWrite: boolean;
  /** A platform key (bridges and numbers are theirs to read and change). */
  isPlatform: boolean;
  /** Aborted when the page is left. */
  signal: AbortSignal;
  /** Display names of users seen so far (the audit log names its targets with them). */
  names: Map<string, string>;
  /** Replaces the tenant in view after a change of settings. */
  setTenant(t: Tenant): void;
}

export type PageRender = (ctx: Ctx, view: HTMLElement, route: { id?: string; params: URLSearchParams }) => Promise<void>;
