import type { CaseType } from './case.js';

/** Which service limit applies to a case type once its item reaches the service center (000 §5.1). */
export function serviceFor(type: CaseType): 'return' | 'exchange' | 'repair' | undefined {
  if (type === 'return' || type === 'quality') return 'return';
  if (type === 'exchange') return 'exchange';
  if (type === 'repair') return 'repair';
  return undefined;
}
