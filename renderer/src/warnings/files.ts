/** Files in and out of the renderer: a picked file as base64, a payload from the core as a download. */
import type { HallErrorBody } from '../../../shared/contract';

export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  // In slices: String.fromCharCode over a whole recording would overflow the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function base64ToBlob(data: string, mimeType: string): Blob {
  const bin = atob(data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: mimeType });
}

/** Offer a blob as a download named `filename`. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The problems an error carries in `details` (zod issues or [{path, problem}]), as "path: message" lines. */
export function problemsOf(error: HallErrorBody): string[] {
  const d = error.details;
  const list = Array.isArray(d) ? d : d && typeof d === 'object' && Array.isArray((d as { issues?: unknown }).issues) ? (d as { issues: unknown[] }).issues : [];
  return list.flatMap((x: unknown) => {
    if (!x || typeof x !== 'object') return [];
    const o = x as Record<string, unknown>;
    const problem = typeof o['problem'] === 'string' ? o['problem'] : typeof o['message'] === 'string' ? o['message'] : null;
    if (!problem) return [];
    const path = typeof o['path'] === 'string' ? o['path'] : Array.isArray(o['path']) ? o['path'].join('.') : '';
    return [path ? `${path}: ${problem}` : problem];
  });
}
