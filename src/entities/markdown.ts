/**
 * Pure: the one escaping of untrusted text (names from Optimize users, file
 * names from pull requests) for a Markdown line, used by the plan and the
 * change summary alike. The result is safe anywhere in the line: control
 * characters become spaces, format characters (bidi overrides, zero-width
 * marks) are dropped, and everything Markdown or HTML could act on is
 * escaped. A zero-width space (as Renovate does) keeps `@team` from
 * notifying anyone and URLs from linking.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\\`*_[\]|~#!]/g, char => `\\${char}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@&#8203;')
    .replace(/:\/\//g, ':&#8203;//')
    .replace(/\bwww\./gi, match => `${match.slice(0, 3)}&#8203;.`)
}
