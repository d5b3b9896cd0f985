// What `npm start` with no services configured prints: on the first start the demo it seeded
// (with the admin key and PIN, shown this once), on later starts a reminder. Plain text on
// stdout, apart from the JSON logs, so that a developer can read it at a glance.
import type { Logger } from '../logging.js';
import { findDemo, isEmpty, seedDemo } from './demo.js';
import type { Services } from '../services.js';

export async function prepareDevelopment(s: Services, log: Logger, options: { embedded: boolean; write?: (text: string) => void }): Promise<void> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const lines: string[] = [];
  const base = s.config.publicBaseUrl;
  if (options.embedded && (await isEmpty(s))) {
    const demo = await seedDemo(s);
    log.info({ tenantId: demo.tenantId, userId: demo.userId }, 'demo data seeded in the empty embedded database');
    lines.push(
      'A demo was created in the empty embedded database:',
      `  dial-in number     ${demo.number} (en-US, with es-US as a second language)`,
      `  tenant id          ${demo.tenantId}`,
      `  organizer          ${demo.email}`,
      `  conference ID      ${demo.conferenceId}`,
      `  leader PIN         ${demo.leaderPin}   (shown only now)`,
      demo.adminKey
        ? `  admin API key      ${demo.adminKey}   (a platform key, shown only now: keep it)`
        : '  admin API key      the BOOTSTRAP_ADMIN_KEY you set',
    );
  } else if (options.embedded) {
    const demo = await findDemo(s);
    if (demo) {
      lines.push(
        'Demo (seeded on the first start; its admin key and PIN were shown then):',
        `  dial-in number     ${demo.number}`,
        `  tenant id          ${demo.tenantId}`,
        `  conference ID      ${demo.conferenceId}`,
      );
    }
    if (!s.config.bootstrapAdminKey) lines.push('  Lost the admin key? Start with BOOTSTRAP_ADMIN_KEY=<32+ characters> and use that.');
  }
  if (s.config.twilio.devDefault) lines.push(`  TWILIO_AUTH_TOKEN  ${s.config.twilio.authToken}   (development default; the call simulator signs with it)`);
  if (lines.length === 0) return;
  lines.push(
    `  admin console      ${base}/admin`,
    `  API documentation  ${base}/docs`,
  );
  const rule = '-'.repeat(78);
  write(`\n${rule}\n${lines.join('\n')}\n${rule}\n\n`);
}
