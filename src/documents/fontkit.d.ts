/** fontkit ships no type declarations; pdfkit only needs the parsed font object back. */
declare module 'fontkit' {
  export function create(buffer: Buffer | Uint8Array, postscriptName?: string): unknown;
}
