/** Base64 ↔ bytes, using the platform's `Uint8Array.fromBase64`/`toBase64` where it has them. */

interface Base64Platform {
  fromBase64?: (s: string) => Uint8Array;
}
interface Base64Bytes {
  toBase64?: () => string;
}

export function base64ToBytes(s: string): Uint8Array {
  const native = (Uint8Array as unknown as Base64Platform).fromBase64;
  if (native) return native(s);
  const binary = atob(s);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as unknown as Base64Bytes).toBase64;
  if (native) return native.call(bytes);
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}
