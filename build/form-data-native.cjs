// Build-time stand-in for the `form-data` package inside the bundle. axios only uses it for
// multipart bodies (this server sends JSON) and falls back to Node's built-in FormData when it
// is null, so the bundle does without the package and the ~7 MB its dependency tree costs.
module.exports = null;
