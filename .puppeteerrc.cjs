// Tests use Debian's firefox-esr and chromium; Puppeteer must never download a browser.
module.exports = { skipDownload: true };
