// The offline journal a candidate takes to their proctor when the time ran out while the page could
// not reach the platform: the answers the server never got, each authenticated with the session's
// journal key, the whole encrypted with it (AUDIT-FORMAT.md section 10, amphi-offline-journal/v1).
// The platform counts them only once a proctor has uploaded the file and accepted it.

import type { JournalEntry } from './journal';

export const FORMAT = 'amphi-offline-journal/v1';
const ENCRYPTION_LABEL = 'amphi-offline-journal-encryption-v1';
const MAC_LABEL = 'amphi-offline-journal-mac-v1';
const ENTRY_LABEL = 'amphi-offline-entry-v1';

const utf8 = new TextEncoder();

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function hmacKey(subtle: SubtleCrypto, raw: BufferSource): Promise<CryptoKey> {
  return subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** The file's name: the session, so a proctor knows whose it is at a glance. */
export function fileName(sessionId: string): string {
  return `amphi-offline-journal-${sessionId.replace(/[^A-Za-z0-9._-]/g, '-')}.json`;
}

/**
 * The journal file of a session's unsent entries, as text.
 *
 * @param journalKey the session's journal key (base64), given when the session started or resumed
 */
export async function offlineJournal(sessionId: string, journalKey: string, entries: JournalEntry[],
                                     now: Date = new Date(), crypto: Crypto = globalThis.crypto): Promise<string> {
  const subtle = crypto.subtle;
  const sessionKey = await hmacKey(subtle, fromBase64(journalKey));
  const macKey = await hmacKey(subtle, await subtle.sign('HMAC', sessionKey, utf8.encode(MAC_LABEL)));
  const encryptionKey = await subtle.importKey('raw', await subtle.sign('HMAC', sessionKey, utf8.encode(ENCRYPTION_LABEL)),
    { name: 'AES-GCM' }, false, ['encrypt']);
  const signed = [];
  for (const entry of [...entries].sort((a, b) => a.saveNumber - b.saveNumber)) {
    const answer = JSON.stringify(entry.answer);
    const input = [ENTRY_LABEL, sessionId, String(entry.saveNumber), entry.questionId, entry.recordedAt, answer].join('\n');
    const mac = await subtle.sign('HMAC', macKey, utf8.encode(input));
    signed.push({ saveNumber: entry.saveNumber, questionId: entry.questionId, recordedAt: entry.recordedAt, answer, mac: toBase64(mac) });
  }
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8.encode(`${FORMAT}\n${sessionId}`), tagLength: 128 },
    encryptionKey, utf8.encode(JSON.stringify({ sessionId, entries: signed })));
  return JSON.stringify({ format: FORMAT, sessionId, createdAt: now.toISOString(), iv: toBase64(iv), ciphertext: toBase64(ciphertext) });
}
