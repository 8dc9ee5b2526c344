// The readings history: the page with its chart, the CSV download, another customer's account.
import { describe, expect, it } from 'vitest';
import { textOf } from './helpers/app';
import { parseCsv } from './helpers/csv';
import { ENGINE, signedIn, useReadingsApp } from './helpers/readings';

useReadingsApp();

describe(`readings history (${ENGINE})`, () => {
  it('shows 3 years of history with sources and a server-rendered consumption chart', async () => {
    const b = await signedIn();
    const res = await b.get('/cabinet/readings/history');
    expect(res.statusCode).toBe(200);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(res.body)?.[0] ?? '';
    expect(svg).toContain('Monthly consumption, m³');
    expect(svg).toContain('>m³<');
    expect(svg).toContain('>Cold water<');
    expect(svg).toContain('>Hot water<');
    expect((svg.match(/<rect [^>]*fill="#1f6fb2"><title>/g) ?? []).length).toBeGreaterThan(6);
    const text = textOf(res.body);
    expect(text).toContain('Cold water, meter 31883369');
    expect(text).toMatch(/Inspector|Phone|Billing|Personal cabinet/);
  });

  it('downloads the history as CSV with the rows and readings of the page', async () => {
    const b = await signedIn();
    const page = await b.get('/cabinet/readings/history');
    expect(page.body).toContain('href="/cabinet/readings/history.csv"');
    const res = await b.get('/cabinet/readings/history.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="readings-\d{8}-\d{4}-\d{2}-\d{4}-\d{2}\.csv"$/,
    );
    expect(res.headers['cache-control']).toContain('no-store');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(res.rawPayload.toString('utf8'));
    expect(header).toEqual([
      'Water',
      'Meter',
      'Period',
      'Date',
      'Reading',
      'Source',
      'Status',
      'Submitted at',
    ]);
    // The page's rows, in its order: date, reading (00123.456 there, 123,456 here), source.
    const pageRows = [...page.body.matchAll(/<tr[^>]*>\s*<td data-label="Period">([\s\S]*?)<\/tr>/g)].map(
      (m) => [...(m[0] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1] ?? '')),
    );
    expect(rows.length).toBe(pageRows.length);
    expect(rows.length).toBeGreaterThan(5);
    rows.forEach((row, i) => {
      const cells = pageRows[i] ?? [];
      expect(row.slice(2, 4)).toEqual(cells.slice(0, 2));
      expect(row[4]).toBe((cells[2] ?? '').replace('.', ',').replace(/^0+(?=\d)/, ''));
      expect(row.slice(5)).toEqual(cells.slice(3));
    });
    expect(rows.some((r) => r[1] === '31883369' && r[0] === 'Cold water')).toBe(true);
  });

  it('answers 404 for another customer account', async () => {
    const b = await signedIn();
    expect((await b.get('/cabinet/readings?account=01003317')).statusCode).toBe(404);
    expect((await b.get('/cabinet/readings/history?account=01003317')).statusCode).toBe(404);
    const csv = await b.get('/cabinet/readings/history.csv?account=01003317');
    expect(csv.statusCode).toBe(404);
    expect(csv.headers['content-type']).not.toContain('text/csv');
  });
});
