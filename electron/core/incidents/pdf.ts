/**
 * Printing the situation report to PDF. Under Node (the web host, tests) headless Chromium
 * prints the HTML file; the Electron main passes its own printer (webContents.printToPDF)
 * through CoreOptions.printPdf instead. Chromium is found at HALL_CHROMIUM, /usr/bin/chromium
 * or chromium-browser on the PATH.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type PdfPrinter = (html: string) => Promise<Buffer>;

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env['HALL_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'];
  for (const dir of (env['PATH'] ?? '').split(path.delimiter).filter(Boolean)) candidates.push(path.join(dir, 'chromium'), path.join(dir, 'chromium-browser'));
  return candidates.find((c): c is string => !!c && fs.existsSync(c)) ?? null;
}

/** A printer that runs headless Chromium on a temp copy of the HTML (no profile is shared between runs). */
export function chromiumPrinter(binary = findChromium()): PdfPrinter {
  return async (html) => {
    if (!binary) {
      throw new Error('Printing the situation report needs Chromium: none at HALL_CHROMIUM, /usr/bin/chromium or chromium-browser on the PATH (install chromium or set HALL_CHROMIUM)');
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-report-'));
    try {
      const input = path.join(dir, 'report.html');
      const output = path.join(dir, 'report.pdf');
      fs.writeFileSync(input, html);
      const args = [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--no-pdf-header-footer',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        `--print-to-pdf=${output}`,
        `file://${input}`,
      ];
      await new Promise<void>((resolve, reject) => {
        execFile(binary, args, { timeout: 60_000 }, (error, _stdout, stderr) => {
          if (error && !fs.existsSync(output)) reject(new Error(`Chromium (${binary}) could not print the report: ${error.message}${stderr ? ` — ${String(stderr).trim().split('\n').at(-1)}` : ''}`));
          else resolve();
        });
      });
      if (!fs.existsSync(output)) throw new Error(`Chromium (${binary}) finished without writing ${output}`);
      return fs.readFileSync(output);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
