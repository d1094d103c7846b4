import type { Directory } from '../../directory/directory.js';
import type { Right } from '../../domain/rights.js';

// The language layer's contract (src/language/understand.ts on the lang branch), repeated here
// until that module is on main; then these types are imported from there.

export type Resolution = { status: 'resolved'; id: string } | { status: 'ambiguous'; candidates: string[] } | { status: 'unknown'; text: string };

export interface Understanding {
  intent: 'grant' | 'revoke' | 'query' | 'status' | 'cancel' | 'help' | 'unknown';
  permission: Right | null;
  grantee: Resolution | null;
  target: Resolution | null;
  duration: string | null;
  until: string | null;
  language: 'en' | 'nl';
  autoMapping?: boolean;
  reason?: string;
  requestRef?: string;
}

export interface UnderstandContext {
  directory: Directory;
  requesterId: string;
  now: Date;
  utcOffsetMinutes?: number;
}

export type UnderstandFn = (text: string, context: UnderstandContext) => Promise<Understanding>;
