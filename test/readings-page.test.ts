// The readings page: the form, its rules and their messages, corrections, a closed month.
import { describe, expect, it } from 'vitest';
import { meterStates } from '../src/readings/readings.queries';
import { textOf } from './helpers/app';
import {
  accountId,
  clearCurrentMonth,
  cold,
  currentRows,
  ENGINE,
  hot,
  keyOf,
  m3,
  period,
  previousL,
  setMonthStatus,
  signedIn,
  t,
  useReadingsApp,
} from './helpers/readings';

useReadingsApp();

describe(`meter readings page (${ENGINE})`, () => {
  it('shows the banner, account, every column, verification warning, format hint and data-as-of time', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const res = await b.get('/cabinet/readings');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    for (const expected of [
      'Attention! Readings must be submitted every month!',
      '02015213',
      'Қазақстан, 64-12',
      'Input no.',
      'Location',
      'Water',
      'Meter no.',
      'Verification date',
      'Previous reading date',
      'Previous reading source',
      'Previous reading',
      'Current month reading',
      'Current reading source',
      '31883369',
      '31883423',
      '19.09.2029',
      '10.01.2027',
      'verification soon',
      'Meter 31883423 is due for verification on 10.01.2027',
      'e.g. 117.5, 117,5 or 00117.500',
      'Cabinet data (charges and payments) last updated from billing',
      'Submit readings',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain(m3(await previousL('31883369')));
    expect(text).not.toContain('not updated yet');
    expect(res.body).toMatch(/name="key" value="[A-Za-z0-9_-]{16,}"/);
  });

  it('stores both readings after the commit, in cabinet source, and shows them as current', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const coldValue = (await previousL('31883369')) + 2_500;
    const hotValue = (await previousL('31883423')) + 1_200;
    const res = await b.post('/cabinet/readings', {
      key: keyOf(page.body),
      [`m_${cold}`]: m3(coldValue).replace(/^0+/, '').replace('.', ','),
      [`m_${hot}`]: ` ${m3(hotValue)} `,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/cabinet/readings?done=2');
    const rows = [...(await currentRows(cold)), ...(await currentRows(hot))];
    expect(rows.map((r) => [r.value_l, r.source, r.status])).toEqual([
      [coldValue, 'cabinet', 'accepted'],
      [hotValue, 'cabinet', 'accepted'],
    ]);
    expect(rows[0]!.submitted_by).not.toBeNull();
    const after = textOf((await b.get(res.headers.location as string)).body);
    expect(after).toContain('Readings accepted and saved (2)');
    expect((await b.get('/cabinet/readings')).body).toContain(`value="${m3(coldValue)}"`);
  });

  it('refuses a malformed reading next to its field, in the user language, keeping what was typed', async () => {
    await clearCurrentMonth();
    for (const [lang, message] of [
      ['en', 'At most 3 digits after the point (litres).'],
      ['ru', 'Не больше 3 цифр после точки (литры).'],
      ['kk', 'Үтірден кейін 3 саннан аспауы керек (литр).'],
    ] as const) {
      const b = await signedIn('02015213', lang);
      const page = await b.get('/cabinet/readings');
      const res = await b.post('/cabinet/readings', {
        key: keyOf(page.body),
        [`m_${cold}`]: '117.5555',
        [`m_${hot}`]: '-3',
      });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('value="117.5555"');
      expect(res.body).toContain('value="-3"');
      expect(res.body).toMatch(new RegExp(`id="f-m_${cold}-error">${message.replace(/[().]/g, '\\$&')}`));
    }
    expect(await currentRows(cold)).toHaveLength(0);
    expect(await currentRows(hot)).toHaveLength(0);
  });

  it('answers a typing mistake in one field and a rule broken in another in the same round', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const lowerHot = m3((await previousL('31883423')) - 1);
    const res = await b.post('/cabinet/readings', {
      key: keyOf(page.body),
      [`m_${cold}`]: '12a,5',
      [`m_${hot}`]: lowerHot,
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(new RegExp(`id="f-m_${cold}-error">Digits and one point or comma only`));
    expect(res.body).toMatch(
      new RegExp(`id="f-m_${hot}-error">The reading cannot be lower than the previous one`),
    );
    expect(res.body).toContain('value="12a,5"');
    expect(res.body).toContain(`value="${lowerHot}"`);
    expect(await currentRows(hot)).toHaveLength(0);
  });

  it('refuses a reading lower than the previous one and says replacement or rollover is an operator matter', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const lower = (await previousL('31883369')) - 1;
    const res = await b.post('/cabinet/readings', {
      key: keyOf(page.body),
      [`m_${cold}`]: m3(lower),
      [`m_${hot}`]: m3(await previousL('31883423')),
    });
    expect(res.statusCode).toBe(422);
    const text = textOf(res.body);
    expect(text).toContain(`cannot be lower than the previous one (${m3(lower + 1)})`);
    expect(text).toContain('an operator records that');
    expect(text).toContain('Nothing was submitted');
    expect(await currentRows(cold)).toHaveLength(0);
    expect(await currentRows(hot)).toHaveLength(0);
  });

  it('asks before submitting only some meters: Cancel stores nothing, confirming stores only those', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const key = keyOf(page.body);
    const value = m3((await previousL('31883369')) + 1_000);
    const ask = await b.post('/cabinet/readings', { key, [`m_${cold}`]: value, [`m_${hot}`]: '' });
    expect(ask.statusCode).toBe(200);
    expect(textOf(ask.body)).toContain('You filled in 1 of 2 meters. Submit only those?');
    expect(ask.body).toContain('name="confirm_partial" value="1"');
    expect(await currentRows(cold)).toHaveLength(0);

    const cancel = await b.post('/cabinet/readings', {
      key,
      [`m_${cold}`]: value,
      [`m_${hot}`]: '',
      confirm_partial: '1',
      action: 'cancel',
    });
    expect(cancel.statusCode).toBe(200);
    expect(textOf(cancel.body)).toContain('Nothing was submitted');
    expect(cancel.body).toContain(`value="${value}"`);
    expect(await currentRows(cold)).toHaveLength(0);

    const ok = await b.post('/cabinet/readings', {
      key,
      [`m_${cold}`]: value,
      [`m_${hot}`]: '',
      confirm_partial: '1',
      confirm_large: '1',
      action: 'confirm',
    });
    expect(ok.statusCode).toBe(303);
    expect((await currentRows(cold)).map((r) => m3(r.value_l))).toEqual([value]);
    expect(await currentRows(hot)).toHaveLength(0);
  });

  it('asks to confirm a consumption above the monthly limit and flags the reading for review', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const key = keyOf(page.body);
    const big = m3((await previousL('31883369')) + 45_000);
    const hotValue = m3((await previousL('31883423')) + 500);
    const form = { key, [`m_${cold}`]: big, [`m_${hot}`]: hotValue };
    const ask = await b.post('/cabinet/readings', form);
    expect(ask.statusCode).toBe(200);
    // The demo flat's cold meter has a year of history: it is compared with its own usual month.
    expect(textOf(ask.body)).toContain(
      'Consumption on meter 31883369 is 45.000 m³, more than three times its usual month',
    );
    expect(await currentRows(cold)).toHaveLength(0);
    const ok = await b.post('/cabinet/readings', { ...form, confirm_partial: '1', confirm_large: '1' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/cabinet/readings?done=2&flagged=1');
    const flagged = await currentRows(cold);
    expect(flagged.map((r) => r.status)).toEqual(['flagged']);
    expect(flagged[0]!.review_note).toMatch(/^consumption 45000 L above \d+ L, confirmed by customer$/);
    expect((await currentRows(hot)).map((r) => [r.status, r.review_note])).toEqual([['accepted', null]]);
    expect(textOf((await b.get(ok.headers.location as string)).body)).toContain(
      'passed to an operator for review',
    );
  });

  it('a confirmation sent too often comes back as the confirmation step with the wait; after it, one confirmation stores', async () => {
    await clearCurrentMonth();
    await t.handle.db.deleteFrom('rate_limits').execute();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const big = m3((await previousL('31883369')) + 45_000);
    const form = { key: keyOf(page.body), [`m_${cold}`]: big, [`m_${hot}`]: '' };
    const ask = await b.post('/cabinet/readings', form);
    expect(textOf(ask.body)).toContain('Confirm submission');
    // The form's counters are past the limit (30 forms of a customer in 10 minutes).
    await t.handle.db
      .updateTable('rate_limits')
      .set({ hits: 1000 })
      .where('key', 'like', 'action|readings.form|%')
      .execute();
    const confirm = { ...form, action: 'confirm', confirm_partial: '1', confirm_large: '1' };
    const refused = await b.post('/cabinet/readings', confirm);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const text = textOf(refused.body);
    expect(text).toMatch(/This was done too often\. Try again in \d+ minutes?\./);
    expect(text).toContain('Readings to submit:');
    expect(text).toContain(`31883369: ${big}`);
    expect(text).not.toContain('31883423:');
    // The hot meter was left empty: still said, as on the first confirmation.
    expect(text).toContain('You filled in 1 of 2 meters. Submit only those?');
    expect(text).toContain('Yes, submit');
    // The step's form carries the same key, the typed values and both confirmations.
    expect(keyOf(refused.body)).toBe(form.key);
    expect(refused.body).toContain(`name="m_${cold}" value="${big}"`);
    expect(refused.body).toContain('name="confirm_large" value="1"');
    expect(await currentRows(cold)).toHaveLength(0);

    await t.handle.db.deleteFrom('rate_limits').where('key', 'like', 'action|readings.form|%').execute();
    const ok = await b.post('/cabinet/readings', confirm);
    expect(ok.statusCode).toBe(303);
    expect((await currentRows(cold)).map((r) => r.status)).toEqual(['flagged']);
  });

  it('keeps every correction in history; the newest counts', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const first = m3((await previousL('31883369')) + 3_000);
    const second = m3((await previousL('31883369')) + 2_000);
    const hotValue = m3((await previousL('31883423')) + 700);
    for (const v of [first, second]) {
      const page = await b.get('/cabinet/readings');
      const res = await b.post('/cabinet/readings', {
        key: keyOf(page.body),
        [`m_${cold}`]: v,
        [`m_${hot}`]: hotValue,
      });
      expect(res.statusCode).toBe(303);
    }
    expect((await currentRows(cold)).map((r) => m3(r.value_l))).toEqual([first, second]);
    const states = await meterStates(t.handle.db, await accountId('02015213'), period);
    expect(m3(states.find((s) => s.id === cold)!.curValueL!)).toBe(second);
    const history = await b.get('/cabinet/readings/history');
    const text = textOf(history.body);
    expect(text).toContain(first);
    expect(text).toContain(second);
    expect(text).toContain('(corrected)');
  });

  it('stores one submission when the same form is sent twice (double click, resend)', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const form = {
      key: keyOf(page.body),
      [`m_${cold}`]: m3((await previousL('31883369')) + 1_111),
      [`m_${hot}`]: m3((await previousL('31883423')) + 222),
    };
    const [a, c] = await Promise.all([b.post('/cabinet/readings', form), b.post('/cabinet/readings', form)]);
    const again = await b.post('/cabinet/readings', form);
    for (const r of [a, c, again]) expect(r.statusCode).toBe(303);
    expect(await currentRows(cold)).toHaveLength(1);
    expect(await currentRows(hot)).toHaveLength(1);
  });

  it('two concurrent submissions for the same meter: both in history, one current value', async () => {
    await clearCurrentMonth();
    const one = await signedIn();
    const two = await signedIn();
    const [p1, p2] = await Promise.all([one.get('/cabinet/readings'), two.get('/cabinet/readings')]);
    const base = await previousL('31883369');
    const hotValue = m3((await previousL('31883423')) + 100);
    const [r1, r2] = await Promise.all([
      one.post('/cabinet/readings', {
        key: keyOf(p1.body),
        [`m_${cold}`]: m3(base + 1_001),
        [`m_${hot}`]: hotValue,
      }),
      two.post('/cabinet/readings', {
        key: keyOf(p2.body),
        [`m_${cold}`]: m3(base + 1_002),
        [`m_${hot}`]: hotValue,
      }),
    ]);
    expect([r1.statusCode, r2.statusCode]).toEqual([303, 303]);
    const rows = await currentRows(cold);
    expect(rows.map((r) => r.value_l).sort()).toEqual([base + 1_001, base + 1_002]);
    const states = await meterStates(t.handle.db, await accountId('02015213'), period);
    expect(states.filter((s) => s.id === cold).map((s) => s.curValueL)).toEqual([rows.at(-1)!.value_l]);
  });

  it('refuses readings once the month is closed', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    await setMonthStatus('closed');
    try {
      const res = await b.post('/cabinet/readings', {
        key: keyOf(page.body),
        [`m_${cold}`]: m3((await previousL('31883369')) + 1_000),
        [`m_${hot}`]: m3((await previousL('31883423')) + 1_000),
      });
      expect(res.statusCode).toBe(409);
      expect(textOf(res.body)).toContain('the month is closed');
      expect(await currentRows(cold)).toHaveLength(0);
    } finally {
      await setMonthStatus('open');
    }
  });

  it('marks a meter past its verification date and says it is billed by norm', async () => {
    const b = await signedIn('03017845', 'ru');
    const text = textOf((await b.get('/cabinet/readings')).body);
    expect(text).toContain('срок поверки истёк');
    expect(text).toContain('Срок поверки счётчика 30550127 истёк 30.06.2026');
    expect(text).toContain('вода начисляется по нормативу');
  });
});
