// @ts-check
/**
 * A minimal WAV encoder (PCM, 8-bit, mono), so `play_chime` returns a real sound without an audio
 * library.
 */

/**
 * A short sine tone as a WAV file.
 * @param {{ hz?: number, ms?: number, sampleRate?: number }} [options]
 * @returns {Buffer}
 */
export function renderChimeWav({ hz = 880, ms = 250, sampleRate = 8000 } = {}) {
  const samples = Math.round((sampleRate * ms) / 1000);
  const data = Buffer.alloc(samples);
  for (let i = 0; i < samples; i++) {
    // Fade out so the tone ends without a click; 8-bit PCM is unsigned, centred on 128.
    const envelope = 1 - i / samples;
    data[i] = Math.round(128 + 100 * envelope * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate, 28); // byte rate: 1 byte per sample
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
