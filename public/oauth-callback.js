// Reports the URL this page landed on (the authorization response) to the page that opened the flow:
// to the opener (same origin only) and on the same-origin BroadcastChannel 'mcp-oauth' (COOP may have
// cut the opener). The worker validates iss, state and the code; this page only relays. Then it closes.
(function () {
  var params = new URLSearchParams(location.search);
  var message = {
    type: 'mcp-oauth-callback',
    url: location.href,
    code: params.get('code'),
    state: params.get('state'),
    iss: params.get('iss'),
    error: params.get('error'),
    error_description: params.get('error_description'),
  };
  try {
    if (window.opener) window.opener.postMessage(message, location.origin);
  } catch (e) {}
  try {
    var channel = new BroadcastChannel('mcp-oauth');
    channel.postMessage(message);
    channel.close();
  } catch (e) {}
  // Drop the code from the address bar and history before closing.
  history.replaceState(null, '', location.pathname);
  setTimeout(function () { window.close(); }, 50);
})();
