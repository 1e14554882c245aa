// `node:path` for the browser: secretlint's rule preset imports it for file-based checks that
// Toolgate never runs (it scans strings, never files), so an empty module is all it needs.
export default {};
