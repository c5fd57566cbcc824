// Defence in depth for "Copy diagnostics": the backend never puts a secret in
// the report, and this removes anything that still looks like a credential
// (auth headers, key=value secrets, long key-like strings) before it reaches
// the clipboard.

const REDACTED = '[redacted]';

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Authorization: Basic …/Bearer … (header or log field)
  [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/g, `$1 ${REDACTED}`],
  // private_key=…, "password": "…", token: …, secret=…
  [
    /\b((?:private[_-]?key|privateKey|password|passwd|secret|token|cw_secret|dashboard_token)\b["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi,
    `$1${REDACTED}`,
  ],
];

/** The text with credential-looking values replaced by `[redacted]`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement);
  }
  return out;
}
