/** Main's report printer with a fake BrowserWindow: a hidden sandboxed window without JavaScript prints the HTML file and is always destroyed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronPdfPrinter, type PrintWindowFactory } from '../../electron/main/pdf-printer';

function fakeWindows(fail: 'load' | 'print' | null) {
  const made: { options: unknown; loaded: string | null; html: string | null; destroyed: boolean }[] = [];
  const factory: PrintWindowFactory = (options) => {
    const w = { options, loaded: null as string | null, html: null as string | null, destroyed: false };
    made.push(w);
    return {
      loadFile: (file) => {
        w.loaded = file;
        w.html = fs.readFileSync(file, 'utf8');
        return fail === 'load' ? Promise.reject(new Error('ERR_FILE_NOT_FOUND')) : Promise.resolve();
      },
      webContents: { printToPDF: () => (fail === 'print' ? Promise.reject(new Error('printing failed')) : Promise.resolve(Buffer.from('%PDF-1.7 fake'))) },
      destroy: () => {
        w.destroyed = true;
      },
    };
  };
  return { made, factory };
}

describe('electronPdfPrinter', () => {
  it('prints the HTML in a hidden sandboxed window without JavaScript and cleans up', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-printer-'));
    const { made, factory } = fakeWindows(null);
    const pdf = await electronPdfPrinter(factory, tmp)('<h1>情况报告</h1>');
    expect(pdf.toString()).toMatch(/^%PDF-/);
    expect(made).toHaveLength(1);
    expect(made[0]!.options).toMatchObject({ show: false, webPreferences: { sandbox: true, javascript: false, nodeIntegration: false } });
    expect(made[0]!.html).toBe('<h1>情况报告</h1>');
    expect(made[0]!.destroyed).toBe(true);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it.each(['load', 'print'] as const)('destroys the window and rethrows when %s fails', async (fail) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-printer-'));
    const { made, factory } = fakeWindows(fail);
    await expect(electronPdfPrinter(factory, tmp)('<p>x</p>')).rejects.toThrow(fail === 'load' ? 'ERR_FILE_NOT_FOUND' : 'printing failed');
    expect(made[0]!.destroyed).toBe(true);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
