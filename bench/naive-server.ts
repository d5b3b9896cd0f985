// The baseline: the ID-entry step written the way Twilio's samples write it (express, its
// urlencoded parser, twilio.validateRequest, VoiceResponse, one Redis GET). bench/voice.ts runs
// it in its own process beside the real service and loads both the same way.
//   env: PORT, REDIS_URL, KEY (the Redis key prefix), PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN
import express from 'express';
import { Redis } from 'ioredis';
import twilio from 'twilio';

const { PORT, REDIS_URL, KEY, PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN } = process.env as Record<string, string>;
const redis = new Redis(REDIS_URL!);
const app = express();
app.use(express.urlencoded({ extended: false }));

app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});

app.post('/voice/entry', async (req, res) => {
  const valid = twilio.validateRequest(TWILIO_AUTH_TOKEN!, req.header('X-Twilio-Signature') ?? '', PUBLIC_BASE_URL + req.originalUrl, req.body);
  if (!valid) {
    res.status(403).send('forbidden');
    return;
  }
  const found = await redis.get(`${KEY}${req.body.Digits}`);
  const twiml = new twilio.twiml.VoiceResponse();
  if (found) {
    const entry = JSON.parse(found) as { room: string };
    const gather = twiml.gather({
      action: `${PUBLIC_BASE_URL}/voice/leader?room=${entry.room}&c=${req.body.Digits}`,
      input: ['dtmf'], finishOnKey: '#', timeout: 4, actionOnEmptyResult: true,
    });
    gather.say({ language: 'en-US', voice: 'Polly.Joanna' }, 'If you are the organizer, press star now. Otherwise, press pound, or stay on the line to join.');
  } else {
    twiml.say({ language: 'en-US', voice: 'Polly.Joanna' }, 'That conference ID was not recognized.');
    twiml.redirect(`${PUBLIC_BASE_URL}/voice/incoming`);
  }
  res.type('text/xml').send(twiml.toString());
});

app.listen(Number(PORT), '127.0.0.1', () => console.log(`ready ${PORT}`));
process.on('SIGTERM', () => process.exit(0));
