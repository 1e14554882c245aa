// The authorization response lands here. Two flows:
// - Redirect fallback (popups were blocked): this tab carries a mark in sessionStorage with the same
//   state. Keep the callback URL for the app (sessionStorage 'tg-oauth-callback'), then return to the
//   app, where the connection's new worker validates iss and state and exchanges the code.
// - Popup: report the URL to the opener (same origin only) and on the same-origin BroadcastChannel
//   'mcp-oauth' (COOP may have cut the opener), then close.
// This page only relays; it never sees a verifier or a token.
(function () {
  var params = new URLSearchParams(location.search);
  var mark = null;
  try {
    mark = JSON.parse(sessionStorage.getItem('tg-oauth-redirect') || 'null');
  } catch (e) {}
  if (mark && mark.state && mark.state === params.get('state')) {
    var back = null;
    try {
      back = new URL(mark.returnTo);
    } catch (e) {}
    sessionStorage.removeItem('tg-oauth-redirect');
    sessionStorage.setItem('tg-oauth-callback', JSON.stringify({ url: location.href, server: mark.server }));
    // Only back into this app: a mark naming another origin is ignored.
    location.replace(back && back.origin === location.origin ? back.href : '/');
    return;
  }
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
