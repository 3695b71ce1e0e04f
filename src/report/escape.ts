/**
 * One escaper per output language. Check reasons carry server answers verbatim (problem details,
 * HTML error pages), so every string is hostile until escaped for where it lands.
 */

// XML 1.0 forbids most C0 controls even as character references; a server's binary garbage in a
// reason would otherwise make the whole JUnit file unparseable.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A markdown table cell: GitHub renders inline HTML in step summaries, so HTML is escaped too. */
export function escapeMarkdownCell(text: string): string {
  return escapeHtml(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/\r?\n/g, '<br>');
}

/**
 * JSON for a `<script type="application/json">` block. `<` is written as `\u003c` so that no
 * string can close the script element (`</script>`) or open a comment (`<!--`); JSON.parse reads
 * it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
