// --send-email / --no-send-email: undefined leaves the choice to the tenant's sendEmailByDefault.
import type { OptionValues } from './context.js';
import { usageError } from './exit.js';

export const SEND_EMAIL_OPTIONS = { 'send-email': { type: 'boolean' }, 'no-send-email': { type: 'boolean' } } as const;

export function sendEmailChoice(values: OptionValues): boolean | undefined {
  if (values['send-email'] && values['no-send-email']) throw usageError('--send-email and --no-send-email contradict each other');
  return values['send-email'] ? true : values['no-send-email'] ? false : undefined;
}

export function tenantOption(values: OptionValues): string {
  const tenant = values.tenant;
  if (typeof tenant !== 'string' || !tenant) throw usageError('--tenant ID is required');
  return tenant;
}
