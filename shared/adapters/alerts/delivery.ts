/** An alert that could not be delivered (SNS refused it, the JSONL file could not be written). */
export class AlertDeliveryError extends Error {
  override name = 'AlertDeliveryError';
}

/** SNS caps a message (with its subject and attributes) at 256 KB; the text gets the rest. */
export const SNS_MAX_PAYLOAD_BYTES = 262_144;
/** Room kept for the subject (under 100 chars) and the message attributes. */
const ENVELOPE_BYTES = 4_096;
export const SNS_MAX_MESSAGE_BYTES = SNS_MAX_PAYLOAD_BYTES - ENVELOPE_BYTES;
/** SNS wants a subject of fewer than 100 characters. */
export const SNS_MAX_SUBJECT_CHARS = 99;
const FALLBACK_SUBJECT = 'crm-guard alert';

/**
 * A subject SNS accepts and every mail client shows the same: printable ASCII on one line,
 * under 100 characters. Line breaks and control characters become spaces; other characters
 * (Korean included: the message body carries those) are dropped.
 */
export function snsSubject(subject: string): string {
  const clean = subject
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/[^\u0020-\u007e]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!clean) return FALLBACK_SUBJECT;
  if (clean.length <= SNS_MAX_SUBJECT_CHARS) return clean;
  return `${clean.slice(0, SNS_MAX_SUBJECT_CHARS - 3).trimEnd()}...`;
}

/**
 * Keeps `text` within `maxBytes` of UTF-8 (Korean takes 3 bytes a character): whole lines from the
 * top, then a note saying how many non-empty lines were left out, so a 5,000-alert digest still
 * goes out and points at the stored findings for the rest.
 */
export function fitMessage(text: string, maxBytes = SNS_MAX_MESSAGE_BYTES): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const lines = text.split('\n');
  const note = (more: number) => `... and ${more} more; see the stored findings\n`;
  // The note's length depends on its count: reserve room for the largest count it could show.
  const budget = maxBytes - Buffer.byteLength(note(lines.length), 'utf8');
  let used = 0;
  let kept = 0;
  while (kept < lines.length) {
    const size = Buffer.byteLength(lines[kept]!, 'utf8') + 1;
    if (used + size > budget) break;
    used += size;
    kept++;
  }
  const more = lines.slice(kept).filter((line) => line.trim() !== '').length;
  const head = lines
    .slice(0, kept)
    .map((line) => `${line}\n`)
    .join('');
  return `${head}${note(more)}`;
}
