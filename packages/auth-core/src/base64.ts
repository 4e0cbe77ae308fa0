// Globals of every runtime this package targets (browsers, Node ≥ 16, Deno, edge
// workers), declared here because the package compiles against ES2022 only.
declare function btoa(data: string): string;
declare class TextEncoder {
  encode(input: string): Uint8Array;
}

/** Standard base64 (RFC 4648 §4, `=` padding, no line breaks) of the UTF-8 bytes of `text`. */
export function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
