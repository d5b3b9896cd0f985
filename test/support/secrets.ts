// Whether a text shows a secret. A short secret such as a 5-digit PIN turns up by chance inside
// hex CallSids, UUIDs, timestamps and 7-digit IDs (a plain substring check made the leader test
// flaky in CI); a real leak prints it as its own token ("Digits":"12345#", "PIN 12345"), so the
// secret counts only with no letter or digit on either side.
export function showsSecret(text: string, secret: string): boolean {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`).test(text);
}
