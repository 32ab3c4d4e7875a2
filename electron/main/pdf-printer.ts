/**
 * The situation report's printer in Electron: the core hands over the report's HTML, main prints
 * it with Chromium's own printToPDF in a hidden, sandboxed window with JavaScript off (the report
 * is static HTML and inline SVG), from a temp file, and destroys the window whatever happens.
 * The web host and tests print with headless Chromium instead (electron/core/incidents/pdf.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PdfPrinter } from '../core/incidents/pdf';

export interface PrintWindowLike {
  loadFile(file: string): Promise<void>;
  webContents: { printToPDF(options: { pageSize: 'A4'; printBackground: boolean }): Promise<Buffer> };
  destroy(): void;
}

export type PrintWindowFactory = (options: {
  show: false;
  webPreferences: { sandbox: true; javascript: false; contextIsolation: true; nodeIntegration: false; offscreen: true };
}) => PrintWindowLike;

export function electronPdfPrinter(createWindow: PrintWindowFactory, tmpRoot = os.tmpdir()): PdfPrinter {
  return async (html) => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'hall-report-'));
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, html);
    const win = createWindow({ show: false, webPreferences: { sandbox: true, javascript: false, contextIsolation: true, nodeIntegration: false, offscreen: true } });
    try {
      await win.loadFile(file);
      return await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
    } finally {
      win.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
