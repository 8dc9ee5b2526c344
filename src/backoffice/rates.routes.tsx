import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { AppDeps } from '../app-deps';
import type { DB } from '../db/database';
import { defineMessages, formatDate, type Locale } from '../i18n/locales';
import { formatM3 } from '../money/litres';
import { formatTiyn, parseTiyn } from '../money/tiyn';
import { Field, Form, field } from '../web/forms';
import { sendPage } from '../web/html';
import { Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { staffAudit } from './home.routes';
import { BackofficeLayout } from './layout';
import { effectiveDateProblem, firstOpenMonth, parseM3Litres, parsePercentBp } from './rates';

const text = defineMessages({
  kk: {
    title: 'Тарифтер, ҚҚС мөлшерлемелері және нормалар',
    intro: 'Жаңа мөлшерлеме көрсетілген айдың 1-інен бастап күшіне енеді. Жабық айлар өзгермейді.',
    firstOpen: 'Ең ерте рұқсат етілген күн:',
    tariffs: 'Тарифтер (1 м³ үшін, ҚҚС-сыз)',
    vat: 'ҚҚС мөлшерлемелері',
    norms: 'Тұтыну нормалары',
    service: 'Қызмет',
    services: { cold_water: 'Суық су', sewage: 'Кәріз' },
    kind: 'Тұтынушы',
    kinds: { individual: 'Жеке тұлғалар', legal: 'Заңды тұлғалар' },
    from: 'Күшіне енеді',
    price: 'Баға, теңге/м³',
    rate: 'Мөлшерлеме, %',
    normKind: 'Норма',
    normKinds: {
      cold_per_person: 'Суық су, 1 адамға айына',
      hot_per_person: 'Ыстық су, 1 адамға айына',
      irrigation_per_m2: 'Суару, 1 м²-ге айына',
    },
    volume: 'Көлемі, м³',
    season: 'Маусым (айлар)',
    seasonFrom: 'Маусым басы (1–12, суару үшін)',
    seasonTo: 'Маусым соңы (1–12)',
    add: 'Қосу',
    saved: 'Сақталды.',
    errors: {
      format: 'Күнді ЖЖЖЖ-АА-КК түрінде енгізіңіз.',
      notFirstDay: 'Мөлшерлеме айдың 1-інен күшіне енеді: күнді АА-01 етіп енгізіңіз.',
      closed: 'Бұл ай жабылған: жабық айдың есебін өзгертуге болмайды. Ең ерте күн: ',
      price: 'Соманы теңгемен енгізіңіз, мысалы 94.86.',
      rate: 'Пайызды енгізіңіз, мысалы 16 немесе 12.5.',
      volume: 'Көлемді м³-пен енгізіңіз, мысалы 3.5.',
      month: '1-ден 12-ге дейінгі ай нөмірі.',
      choose: 'Тізімнен таңдаңыз.',
    },
  },
  ru: {
    title: 'Тарифы, ставки НДС и нормативы',
    intro: 'Новая ставка действует с 1-го числа указанного месяца. Закрытые месяцы не меняются.',
    firstOpen: 'Самая ранняя допустимая дата:',
    tariffs: 'Тарифы (за 1 м³, без НДС)',
    vat: 'Ставки НДС',
    norms: 'Нормативы потребления',
    service: 'Услуга',
    services: { cold_water: 'Холодная вода', sewage: 'Водоотведение' },
    kind: 'Потребители',
    kinds: { individual: 'Физические лица', legal: 'Юридические лица' },
    from: 'Действует с',
    price: 'Цена, тенге/м³',
    rate: 'Ставка, %',
    normKind: 'Норматив',
    normKinds: {
      cold_per_person: 'Холодная вода, на 1 человека в месяц',
      hot_per_person: 'Горячая вода, на 1 человека в месяц',
      irrigation_per_m2: 'Полив, на 1 м² в месяц',
    },
    volume: 'Объём, м³',
    season: 'Сезон (месяцы)',
    seasonFrom: 'Начало сезона (1–12, для полива)',
    seasonTo: 'Конец сезона (1–12)',
    add: 'Добавить',
    saved: 'Сохранено.',
    errors: {
      format: 'Введите дату в виде ГГГГ-ММ-ДД.',
      notFirstDay: 'Ставка вступает в силу с 1-го числа: укажите дату ММ-01.',
      closed: 'Этот месяц закрыт: расчёт закрытого месяца менять нельзя. Самая ранняя дата: ',
      price: 'Введите сумму в тенге, например 94.86.',
      rate: 'Введите процент, например 16 или 12.5.',
      volume: 'Введите объём в м³, например 3.5.',
      month: 'Номер месяца от 1 до 12.',
      choose: 'Выберите из списка.',
    },
  },
  en: {
    title: 'Tariffs, VAT rates and norms',
    intro: 'A new rate is in force from the 1st of the month given. Closed months never change.',
    firstOpen: 'Earliest date allowed:',
    tariffs: 'Tariffs (per m³, without VAT)',
    vat: 'VAT rates',
    norms: 'Consumption norms',
    service: 'Service',
    services: { cold_water: 'Cold water', sewage: 'Sewage' },
    kind: 'Customers',
    kinds: { individual: 'Individuals', legal: 'Legal entities' },
    from: 'In force from',
    price: 'Price, tenge/m³',
    rate: 'Rate, %',
    normKind: 'Norm',
    normKinds: {
      cold_per_person: 'Cold water, per person per month',
      hot_per_person: 'Hot water, per person per month',
      irrigation_per_m2: 'Irrigation, per m² per month',
    },
    volume: 'Volume, m³',
    season: 'Season (months)',
    seasonFrom: 'Season from (1–12, irrigation)',
    seasonTo: 'Season to (1–12)',
    add: 'Add',
    saved: 'Saved.',
    errors: {
      format: 'Enter the date as YYYY-MM-DD.',
      notFirstDay: 'Rates take effect on the 1st of a month: enter a date ending in -01.',
      closed: 'That month is closed: a closed month’s bills cannot change. Earliest date: ',
      price: 'Enter an amount in tenge, e.g. 94.86.',
      rate: 'Enter a percentage, e.g. 16 or 12.5.',
      volume: 'Enter a volume in m³, e.g. 3.5.',
      month: 'A month number from 1 to 12.',
      choose: 'Choose from the list.',
    },
  },
});

type Errors = Record<string, string | undefined>;
interface FormState {
  form: 'tariff' | 'vat' | 'norm';
  values: Record<string, string>;
  errors: Errors;
}

function dateError(locale: Locale, date: string, firstOpen: string | null): string | undefined {
  const problem = effectiveDateProblem(date, firstOpen);
  if (!problem) return undefined;
  const e = text[locale].errors;
  return problem === 'closed' ? `${e.closed}${formatDate(firstOpen)}` : e[problem];
}

function Select(props: {
  name: string;
  label: string;
  options: [string, string][];
  value?: string | undefined;
  error?: string | undefined;
}) {
  const id = `f-${props.name}`;
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name}>
        {props.options.map(([v, l]) => (
          <option key={v} value={v} selected={v === props.value}>
            {l}
          </option>
        ))}
      </select>
      {props.error ? <p class="error">{props.error}</p> : null}
    </div>
  );
}

/** A table of rates, newest first, one column per label. */
function RateTable<R>(props: {
  id: string;
  rows: R[];
  columns: [label: string, cell: (r: R) => string, numeric?: boolean][];
}) {
  return (
    <div class="table-wrap">
      <table class="data" id={props.id}>
        <thead>
          <tr>
            {props.columns.map(([label, , numeric]) => (
              <th key={label} class={numeric ? 'num' : undefined}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={i}>
              {props.columns.map(([label, cell, numeric]) => (
                <td key={label} class={numeric ? 'num' : undefined}>
                  {cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export async function backofficeRateRoutes(app: FastifyInstance, { db }: AppDeps) {
  const render = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, saved = false) => {
    const t = text[req.locale];
    const ctx = pageContext(req, reply);
    const [tariffs, vat, norms, firstOpen] = await Promise.all([
      db
        .selectFrom('tariffs')
        .selectAll()
        .orderBy('effective_from', 'desc')
        .orderBy('customer_kind')
        .orderBy('service')
        .execute(),
      db.selectFrom('vat_rates').selectAll().orderBy('effective_from', 'desc').execute(),
      db.selectFrom('norms').selectAll().orderBy('effective_from', 'desc').orderBy('kind').execute(),
      firstOpenMonth(db),
    ]);
    const v = (form: FormState['form'], name: string, fallback = '') =>
      state?.form === form ? (state.values[name] ?? fallback) : fallback;
    const err = (form: FormState['form'], name: string) =>
      state?.form === form ? state.errors[name] : undefined;
    const defaultDate = firstOpen ?? '';
    const input = (
      form: FormState['form'],
      name: string,
      label: string,
      extra: Omit<Parameters<typeof Field>[0], 'name' | 'label'> = {},
    ) => (
      <Field
        name={name}
        label={label}
        value={v(form, name, name === 'effective_from' ? defaultDate : '')}
        error={err(form, name)}
        {...extra}
      />
    );
    /** A form that adds a rate: its own fields, the effective date, the Add button. */
    const RateForm = (props: { form: FormState['form']; children: ComponentChildren }) => (
      <Form action={`/backoffice/rates/${props.form}`} csrfToken={ctx.csrfToken} id={`${props.form}-form`}>
        {props.children}
        {input(props.form, 'effective_from', t.from, { type: 'date', required: true })}
        <button type="submit" class="primary">
          {t.add}
        </button>
      </Form>
    );
    return sendPage(
      reply,
      <BackofficeLayout ctx={ctx} title={t.title}>
        {saved ? <Notice kind="success">{t.saved}</Notice> : null}
        <p>{t.intro}</p>
        {firstOpen ? (
          <p>
            {t.firstOpen} <strong id="first-open">{formatDate(firstOpen)}</strong>
          </p>
        ) : null}

        <h2>{t.tariffs}</h2>
        <RateForm form="tariff">
          <Select
            name="service"
            label={t.service}
            value={v('tariff', 'service')}
            options={[
              ['cold_water', t.services.cold_water],
              ['sewage', t.services.sewage],
            ]}
          />
          <Select
            name="customer_kind"
            label={t.kind}
            value={v('tariff', 'customer_kind')}
            options={[
              ['individual', t.kinds.individual],
              ['legal', t.kinds.legal],
            ]}
          />
          {input('tariff', 'price', t.price, { inputMode: 'decimal', required: true, maxLength: 16 })}
        </RateForm>
        <RateTable
          id="tariffs"
          rows={tariffs}
          columns={[
            [t.from, (r) => formatDate(r.effective_from)],
            [t.kind, (r) => t.kinds[r.customer_kind]],
            [t.service, (r) => t.services[r.service]],
            [t.price, (r) => formatTiyn(r.price_tiyn_per_m3), true],
          ]}
        />

        <h2>{t.vat}</h2>
        <RateForm form="vat">
          {input('vat', 'rate', t.rate, { inputMode: 'decimal', required: true, maxLength: 8 })}
        </RateForm>
        <RateTable
          id="vat"
          rows={vat}
          columns={[
            [t.from, (r) => formatDate(r.effective_from)],
            [t.rate, (r) => (r.rate_bp / 100).toString(), true],
          ]}
        />

        <h2>{t.norms}</h2>
        <RateForm form="norm">
          <Select
            name="kind"
            label={t.normKind}
            value={v('norm', 'kind')}
            options={Object.entries(t.normKinds) as [string, string][]}
          />
          {input('norm', 'volume', t.volume, { inputMode: 'decimal', required: true, maxLength: 12 })}
          {input('norm', 'season_from', t.seasonFrom, { inputMode: 'numeric', maxLength: 2 })}
          {input('norm', 'season_to', t.seasonTo, { inputMode: 'numeric', maxLength: 2 })}
        </RateForm>
        <RateTable
          id="norms"
          rows={norms}
          columns={[
            [t.from, (r) => formatDate(r.effective_from)],
            [t.normKind, (r) => t.normKinds[r.kind]],
            [t.volume, (r) => formatM3(r.litres), true],
            [
              t.season,
              (r) => (r.season_from_month ? `${r.season_from_month}–${r.season_to_month ?? ''}` : ''),
            ],
          ]}
        />
      </BackofficeLayout>,
      state ? 400 : 200,
    );
  };

  app.get<{ Querystring: { saved?: string } }>('/backoffice/rates', (req, reply) =>
    render(req, reply, undefined, req.query.saved === '1'),
  );

  /**
   * Checks the effective date and writes in one transaction, so a month closing meanwhile cannot
   * slip through; then back to the page, or the form again with the messages and what was typed.
   */
  const save = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form: FormState['form'],
    values: Record<string, string> & { effective_from: string },
    errors: Errors,
    write: (tx: DB) => Promise<void>,
  ) => {
    const written = await db.transaction().execute(async (tx) => {
      errors.effective_from = dateError(req.locale, values.effective_from, await firstOpenMonth(tx));
      if (Object.values(errors).some(Boolean)) return false;
      await write(tx);
      return true;
    });
    if (!written) return render(req, reply, { form, values, errors });
    return reply.redirect('/backoffice/rates?saved=1', 303);
  };

  app.post('/backoffice/rates/tariff', async (req, reply) => {
    const t = text[req.locale].errors;
    const values = {
      service: field(req.body, 'service'),
      customer_kind: field(req.body, 'customer_kind'),
      effective_from: field(req.body, 'effective_from'),
      price: field(req.body, 'price'),
    };
    const errors: Errors = {};
    if (values.service !== 'cold_water' && values.service !== 'sewage') errors.service = t.choose;
    if (values.customer_kind !== 'individual' && values.customer_kind !== 'legal')
      errors.customer_kind = t.choose;
    const price = parseTiyn(values.price);
    if (price === null || price < 0) errors.price = t.price;
    return save(req, reply, 'tariff', values, errors, async (tx) => {
      const service = values.service as 'cold_water' | 'sewage';
      const kind = values.customer_kind as 'individual' | 'legal';
      const before = await tx
        .selectFrom('tariffs')
        .select('price_tiyn_per_m3')
        .where('service', '=', service)
        .where('customer_kind', '=', kind)
        .where('effective_from', '=', values.effective_from)
        .executeTakeFirst();
      await tx
        .insertInto('tariffs')
        .values({
          service,
          customer_kind: kind,
          effective_from: values.effective_from,
          price_tiyn_per_m3: price ?? 0,
        })
        .onConflict((oc) =>
          oc
            .columns(['service', 'customer_kind', 'effective_from'])
            .doUpdateSet({ price_tiyn_per_m3: price ?? 0 }),
        )
        .execute();
      await staffAudit(
        tx,
        req,
        before ? 'tariff.change' : 'tariff.add',
        `${service}/${kind}/${values.effective_from}`,
        {
          price: formatTiyn(price ?? 0),
          ...(before ? { previous: formatTiyn(before.price_tiyn_per_m3) } : {}),
        },
      );
    });
  });

  app.post('/backoffice/rates/vat', async (req, reply) => {
    const t = text[req.locale].errors;
    const values = { effective_from: field(req.body, 'effective_from'), rate: field(req.body, 'rate') };
    const errors: Errors = {};
    const bp = parsePercentBp(values.rate);
    if (bp === null) errors.rate = t.rate;
    return save(req, reply, 'vat', values, errors, async (tx) => {
      await tx
        .insertInto('vat_rates')
        .values({ effective_from: values.effective_from, rate_bp: bp ?? 0 })
        .onConflict((oc) => oc.column('effective_from').doUpdateSet({ rate_bp: bp ?? 0 }))
        .execute();
      await staffAudit(tx, req, 'vat.set', values.effective_from, { rate_bp: bp });
    });
  });

  app.post('/backoffice/rates/norm', async (req, reply) => {
    const t = text[req.locale].errors;
    const values = {
      kind: field(req.body, 'kind'),
      effective_from: field(req.body, 'effective_from'),
      volume: field(req.body, 'volume'),
      season_from: field(req.body, 'season_from'),
      season_to: field(req.body, 'season_to'),
    };
    const errors: Errors = {};
    const kinds = ['cold_per_person', 'hot_per_person', 'irrigation_per_m2'];
    if (!kinds.includes(values.kind)) errors.kind = t.choose;
    const litres = parseM3Litres(values.volume);
    if (litres === null || litres > 2_000_000_000) errors.volume = t.volume;
    const month = (s: string) =>
      /^\d{1,2}$/.test(s) && Number(s) >= 1 && Number(s) <= 12 ? Number(s) : null;
    const from = values.season_from ? month(values.season_from) : null;
    const to = values.season_to ? month(values.season_to) : null;
    if (values.season_from && from === null) errors.season_from = t.month;
    if (values.season_to && to === null) errors.season_to = t.month;
    if (Boolean(values.season_from) !== Boolean(values.season_to))
      errors[values.season_from ? 'season_to' : 'season_from'] = t.month;
    return save(req, reply, 'norm', values, errors, async (tx) => {
      const kind = values.kind as 'cold_per_person' | 'hot_per_person' | 'irrigation_per_m2';
      const row = { litres: litres ?? 0, season_from_month: from, season_to_month: to };
      await tx
        .insertInto('norms')
        .values({ kind, effective_from: values.effective_from, ...row })
        .onConflict((oc) => oc.columns(['kind', 'effective_from']).doUpdateSet(row))
        .execute();
      await staffAudit(tx, req, 'norm.set', `${kind}/${values.effective_from}`, row);
    });
  });
}
