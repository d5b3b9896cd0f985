// The baseline: the two webhooks written the way Twilio's samples write them (express, its
// urlencoded parser, twilio.validateRequest, VoiceResponse, one Redis GET each). bench/voice.ts
// runs it in its own process beside the real service and loads both the same way.
//   env: PORT, REDIS_URL, KEY (the Redis key prefix), PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN
import express, { type Request, type Response } from 'express';
import { Redis } from 'ioredis';
import twilio from 'twilio';

const { PORT, REDIS_URL, KEY, PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN } = process.env as Record<string, string>;
const redis = new Redis(REDIS_URL!);
const app = express();
app.use(express.urlencoded({ extended: false }));
const say = { language: 'en-US', voice: 'Polly.Joanna' } as const;

app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});

function signed(req: Request, res: Response): boolean {
  if (twilio.validateRequest(TWILIO_AUTH_TOKEN!, req.header('X-Twilio-Signature') ?? '', PUBLIC_BASE_URL + req.originalUrl, req.body)) return true;
  res.status(403).send('forbidden');
  return false;
}

// The number's Voice URL: which bridge is this, then ask for the conference ID.
app.post('/voice/incoming', async (req, res) => {
  if (!signed(req, res)) return;
  const found = await redis.get(`${KEY}number:${req.body.To}`);
  const twiml = new twilio.twiml.VoiceResponse();
  if (found) {
    const number = JSON.parse(found) as { bridge: string };
    const gather = twiml.gather({ action: `${PUBLIC_BASE_URL}/voice/entry?b=${number.bridge}`, input: ['dtmf'], finishOnKey: '#', timeout: 8 });
    gather.say(say, 'Welcome. Please enter your conference ID, followed by the pound key.');
  } else {
    twiml.say(say, 'This number is not in service.');
    twiml.hangup();
  }
  res.type('text/xml').send(twiml.toString());
});

// The ID entry: look the digits up, then the organizer step.
app.post('/voice/entry', async (req, res) => {
  if (!signed(req, res)) return;
  const found = await redis.get(`${KEY}${req.body.Digits}`);
  const twiml = new twilio.twiml.VoiceResponse();
  if (found) {
    const entry = JSON.parse(found) as { room: string };
    const gather = twiml.gather({
      action: `${PUBLIC_BASE_URL}/voice/leader?room=${entry.room}&c=${req.body.Digits}`,
      input: ['dtmf'], finishOnKey: '#', timeout: 4, actionOnEmptyResult: true,
    });
    gather.say(say, 'If you are the organizer, press star now. Otherwise, press pound, or stay on the line to join.');
  } else {
    twiml.say(say, 'That conference ID was not recognized.');
    twiml.redirect(`${PUBLIC_BASE_URL}/voice/incoming`);
  }
  res.type('text/xml').send(twiml.toString());
});

app.listen(Number(PORT), '127.0.0.1', () => console.log(`ready ${PORT}`));
process.on('SIGTERM', () => process.exit(0));
