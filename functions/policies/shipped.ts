import type { AftersalesPolicy } from '../domain/policy.js';
import { cnPolicy } from './cn.js';
import { dePolicy } from './de.js';

/** The policies this deployment ships, by market (add a market here), in a module without the calendars (index.ts adds those). */
export const SHIPPED_POLICIES: Readonly<Record<string, AftersalesPolicy>> = { CN: cnPolicy, DE: dePolicy };
