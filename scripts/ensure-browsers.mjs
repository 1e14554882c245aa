// @ts-check
/**
 * Makes sure the system browsers the tests run in are installed: Debian's `chromium` and
 * `firefox-esr`. Installs them with apt-get when missing and running as root; never downloads a
 * browser of its own.
 */
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const browsers = { chromium: '/usr/bin/chromium', 'firefox-esr': '/usr/bin/firefox-esr' };
const missing = Object.entries(browsers).filter(([, path]) => !existsSync(path)).map(([pkg]) => pkg);

if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(`Missing browsers: ${missing.join(', ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`Installing ${missing.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execSync('apt-get update', { stdio: 'inherit', env });
  execSync(`apt-get install -y --no-install-recommends ${missing.join(' ')}`, { stdio: 'inherit', env });
}
