// The floor: bare node:http reading the body and answering a constant document of the same
// size, with no signature, no Redis, no TwiML building. bench/voice.ts measures it beside the
// others so that a busy machine's own cost and tail latency can be read off the same table.
//   env: PORT
import { createServer } from 'node:http';

const body = `<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="https://attendant.example.com/voice/leader?b=AAAAAAAAAAAAAAAAAAAAAA&amp;l=en-US&amp;ls=en-US&amp;f=0&amp;c=1234567&amp;p=0" input="dtmf" finishOnKey="#" timeout="4" actionOnEmptyResult="true"><Say language="en-US" voice="Polly.Joanna">If you are the organizer, press star now. Otherwise, press pound, or stay on the line to join.</Say></Gather></Response>`;

createServer((req, res) => {
  if (req.method === 'GET') {
    res.end('ok');
    return;
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
