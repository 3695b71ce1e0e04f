/**
 * Production safety. The load command refuses (or demands an explicit override for) a target
 * that is production, so the test must err towards "yes": by name, or by facilioo's production
 * host whatever the name says.
 */
import type { Target } from './types.ts';

const PRODUCTION_NAMES = new Set(['production', 'prod']);
const PRODUCTION_HOSTS = new Set(['api.facilioo.de']);

export function isProductionTarget(target: Pick<Target, 'name' | 'baseUrl' | 'production'>): boolean {
  if (target.production === true) return true;
  if (PRODUCTION_NAMES.has(target.name.trim().toLowerCase())) return true;
  let host: string;
  try {
    host = new URL(target.baseUrl).hostname;
  } catch {
    return false;
  }
  // `api.facilioo.de.` (fully qualified, trailing dot) is the same host to DNS.
  return PRODUCTION_HOSTS.has(host.replace(/\.$/, ''));
}
