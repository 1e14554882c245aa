import '../src/index.js';

// Log connection changes, as a host page would.
document.addEventListener('tg-connection-status', (event) => {
  const { url, status, error } = event.detail;
  console.info(`[toolgate] ${url}: ${status}${error ? ` (${error.code ?? 'error'}: ${error.message})` : ''}`);
});
