import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../src/lib/journal';
import { fileName, offlineJournal } from '../src/lib/offlineJournal';

// The known-answer vector of AUDIT-FORMAT.md section 10; delivery's OfflineJournalFileTest checks the same file.
import vector from '../../audit/vectors/offline-journal.json';

const webcrypto = globalThis.crypto;

const entries: JournalEntry[] = vector.entries.map((e) =>
  ({ ...e, answer: e.answer as JournalEntry['answer'], sessionId: vector.sessionId, state: 'pending' }));

/** The platform's crypto, with the vector's iv in place of a random one. */
const fixedIv = {
  subtle: webcrypto.subtle,
  getRandomValues: <T extends ArrayBufferView>(array: T): T => {
    (array as unknown as Uint8Array).set(Uint8Array.from(atob(vector.iv), (c) => c.charCodeAt(0)));
    return array;
  },
} as unknown as Crypto;

describe('offline journal', () => {
  it('writes the specification vector byte for byte, whatever order the journal gives its entries in', async () => {
    const file = await offlineJournal(vector.sessionId, vector.journalKey, [...entries].reverse(),
      new Date(vector.createdAt), fixedIv);
    expect(file).toBe(vector.file);
  });

  it('authenticates every entry and encrypts the whole, so that only the session key opens it', async () => {
    const file = JSON.parse(await offlineJournal(vector.sessionId, vector.journalKey, entries, new Date(vector.createdAt)));
    expect(Object.keys(file)).toEqual(['format', 'sessionId', 'createdAt', 'iv', 'ciphertext']);
    const sealed = new TextDecoder('latin1').decode(Uint8Array.from(atob(file.ciphertext), (c) => c.charCodeAt(0)));
    expect(sealed).not.toContain('acide');
    expect(sealed).not.toContain('saveNumber');

    const subtle = webcrypto.subtle;
    const bytes = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    const utf8 = new TextEncoder();
    const sessionKey = await subtle.importKey('raw', bytes(vector.journalKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const encryptionKey = await subtle.importKey('raw',
      await subtle.sign('HMAC', sessionKey, utf8.encode('amphi-offline-journal-encryption-v1')), 'AES-GCM', false, ['decrypt']);
    const plain = JSON.parse(new TextDecoder().decode(await subtle.decrypt(
      { name: 'AES-GCM', iv: bytes(file.iv), additionalData: utf8.encode(`amphi-offline-journal/v1\n${vector.sessionId}`) },
      encryptionKey, bytes(file.ciphertext))));
    expect(plain.entries.map((e: { saveNumber: number }) => e.saveNumber)).toEqual([7, 8, 9, 10]);

    const macKey = await subtle.importKey('raw', await subtle.sign('HMAC', sessionKey, utf8.encode('amphi-offline-journal-mac-v1')),
      { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    for (const entry of plain.entries) {
      const input = ['amphi-offline-entry-v1', vector.sessionId, String(entry.saveNumber), entry.questionId, entry.recordedAt,
        entry.answer].join('\n');
      expect(await subtle.verify('HMAC', macKey, bytes(entry.mac), utf8.encode(input))).toBe(true);
      expect(await subtle.verify('HMAC', macKey, bytes(entry.mac), utf8.encode(input + ' '))).toBe(false);
    }

    const otherSession = { ...file, sessionId: 'demo-2026:cand-002' };
    await expect(subtle.decrypt({ name: 'AES-GCM', iv: bytes(otherSession.iv),
      additionalData: utf8.encode(`amphi-offline-journal/v1\n${otherSession.sessionId}`) }, encryptionKey,
      bytes(otherSession.ciphertext))).rejects.toThrow();
  });

  it('names the file after the session', () => {
    expect(fileName('demo-2026:cand-001')).toBe('amphi-offline-journal-demo-2026-cand-001.json');
  });
});
