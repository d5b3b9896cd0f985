// Results next to the control that caused them: a status line (role="status") beside each
// button says what happened, or why it did not, in words.
import { inWords } from './errors.js';

export type Outcome = 'ok' | 'error' | 'busy' | 'info';

export function say(el: HTMLElement, text: string, outcome: Outcome = 'info'): void {
  el.textContent = text;
  el.dataset.outcome = outcome;
}

/**
 * Runs `work` with `button` disabled and its result line saying "Working…"; then shows the text
 * `work` returns, or its failure in words. Resolves to whether it succeeded.
 */
export async function act(button: HTMLButtonElement | null, result: HTMLElement, work: () => Promise<string>): Promise<boolean> {
  if (button) button.disabled = true;
  say(result, 'Working…', 'busy');
  try {
    say(result, await work(), 'ok');
    return true;
  } catch (err) {
    say(result, inWords(err), 'error');
    return false;
  } finally {
    if (button) button.disabled = false;
  }
}
