// @ts-check
/**
 * A corpus of realistic FAKE secrets, one of each kind the detector must find, generated from a
 * fixed seed (no real credential, and no secret-shaped literal in the repository for other
 * scanners to trip on). Shared by the firewall test servers (firewall.mjs) and the browser tests.
 */

/** A small deterministic PRNG (mulberry32), so the corpus is the same on every run. @param {number} seed */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(20261201);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;
const HEX = '0123456789abcdef';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** @param {string} alphabet @param {number} n */
const pick = (alphabet, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
};
/** @param {string} s */
const b64url = (s) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
/** @param {string} body @param {number} width */
const wrap = (body, width) => body.match(new RegExp(`.{1,${width}}`, 'g'))?.join('\n') ?? body;

/** @param {string} label @param {string} first @param {number} n */
const pem = (label, first, n) => `-----BEGIN ${label}-----\n${wrap(first + pick(B64, n), 64)}\n-----END ${label}-----`;
const rsaKey = pem('RSA PRIVATE KEY', 'MIIEowIBAAKCAQEA', 1560);
const opensshKey = pem('OPENSSH PRIVATE KEY', 'b3BlbnNzaC1rZXktdjEAAAAA', 360);
const pkcs8 = pem('PRIVATE KEY', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 1580);

/**
 * Each entry: `kind` (what the detector should call it), `secret` (the value that must never be
 * stored), and `text` (the secret in the kind of sentence or file a tool would return).
 * @type {{ kind: string, secret: string, text: string }[]}
 */
export const SECRET_CORPUS = [];
/** @param {string} kind @param {string} secret @param {(s: string) => string} [frame] */
const add = (kind, secret, frame = (s) => s) => SECRET_CORPUS.push({ kind, secret, text: frame(secret) });

add('private-key', rsaKey, (s) => `Deploy key for the build box:\n${s}\n`);
add('private-key', opensshKey, (s) => `~/.ssh/id_ed25519:\n${s}`);
add('private-key', pkcs8, (s) => JSON.stringify({ type: 'service_account', project_id: 'acme-prod', private_key_id: pick(HEX, 40), private_key: `${s}\n`, client_email: 'ci@acme-prod.iam.gserviceaccount.com' }, null, 2));
add('aws', `AKIA${pick(UPPER_NUM, 16)}`, (s) => `aws_access_key_id = ${s}`);
add('aws', pick(B64, 40), (s) => `[default]\naws_secret_access_key = ${s}\nregion = eu-west-1`);
add('github', `ghp_${pick(ALNUM, 36)}`, (s) => `export GITHUB_TOKEN=${s}`);
add('github', `github_pat_${pick(ALNUM, 22)}_${pick(ALNUM, 59)}`, (s) => `Fine-grained token: ${s}`);
add('slack', `xoxb-${pick('0123456789', 12)}-${pick('0123456789', 13)}-${pick(ALNUM, 24)}`, (s) => `SLACK_BOT_TOKEN="${s}"`);
add('slack', `https://hooks.slack.com/services/T${pick(UPPER_NUM, 10)}/B${pick(UPPER_NUM, 10)}/${pick(ALNUM, 24)}`, (s) => `Webhook: ${s}`);
add('stripe', `sk_live_${pick(ALNUM, 32)}`, (s) => `Stripe secret key: ${s}`);
add('openai', `sk-proj-${pick(B64URL, 74)}T3BlbkFJ${pick(B64URL, 74)}`, (s) => `OPENAI_API_KEY=${s}`);
add('anthropic', `sk-ant-api03-${pick(B64URL, 93)}AA`, (s) => `x-api-key: ${s}`);
add('npm', `npm_${pick(ALNUM, 36)}`, (s) => `//registry.npmjs.org/:_authToken=${s}`);
add('sendgrid', `SG.${pick(ALNUM, 22)}.${pick(ALNUM, 43)}`, (s) => `SENDGRID_API_KEY=${s}`);
add('gitlab', `glpat-${pick(B64URL, 20)}`, (s) => `GitLab token ${s} (expires in 30 days)`);
add('hashicorp-vault', `hvs.${pick(B64URL, 95)}`, (s) => `VAULT_TOKEN=${s}`);
add('huggingface', `hf_${pick(LETTERS, 34)}`, (s) => `HF_TOKEN=${s}`);
add('google-api-key', `AIza${pick(B64URL, 35)}`, (s) => `Maps key: ${s}`);
const jwtHeader = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const jwtBody = b64url(JSON.stringify({ sub: 'user-4711', name: 'Ana Lima', iat: 1764547200, exp: 1764633600 }));
add('jwt', `${jwtHeader}.${jwtBody}.${pick(B64URL, 43)}`, (s) => `Session cookie: session=${s}; Path=/; HttpOnly`);
add('bearer', pick(B64URL, 40), (s) => `curl -H "Authorization: Bearer ${s}" https://api.example.com/v1/me`);
add('password', `Tr0ub4dor&3-${pick(ALNUM, 6)}`, (s) => `db_password = "${s}"`);
add('password', `${pick(ALNUM, 10)}!${pick(HEX, 6)}`, (s) => JSON.stringify({ client_id: 'acme-web', client_secret: s }));
add('connection-string', `postgres://app:${pick(ALNUM, 16)}@db.internal.example:5432/app`, (s) => `DATABASE_URL=${s}`);
add('basicauth', `https://deploy:${pick(ALNUM, 14)}@ci.example.com`, (s) => `Remote: ${s}/repo.git`);
add('card', '4111 1111 1111 1111', (s) => `Card on file: ${s}, exp 09/29`);
add('card', '5555555555554444', (s) => `mastercard=${s}`);
add('card', '378282246310005', (s) => `Amex ${s}`);
add('ssn', '123-45-6789', (s) => `SSN: ${s}`);
add('iban', 'GB82 WEST 1234 5698 7654 32', (s) => `Pay to IBAN ${s} by Friday.`);
add('nino', 'AB 12 34 56 C', (s) => `National Insurance number ${s}`);
add('high-entropy', pick(ALNUM, 48), (s) => `The signing secret is ${s} — keep it safe.`);

/** Every corpus entry in one text, as one tool result might return them. */
export const SECRET_DOCUMENT = SECRET_CORPUS.map((e, i) => `#${i + 1} ${e.text}`).join('\n\n');
