import { messagesByKey } from '../i18n/locales';

/** The texts of the back-office exchange page (uploads, runs, mailing report), kk/ru/en. */
export const exchangePageText = messagesByKey({
  title: {
    kk: 'Алмасу және тарату',
    ru: 'Обмен и рассылка',
    en: 'Exchange and mailing',
  },
  runs: {
    kk: 'Соңғы импорт пен экспорттар',
    ru: 'Последние импорты и экспорты',
    en: 'Latest imports and exports',
  },
  empty: {
    kk: 'Әзірге іске қосулар жоқ.',
    ru: 'Запусков пока нет.',
    en: 'No runs yet.',
  },
  mail: {
    kk: 'Хат тарату есебі (айлар бойынша)',
    ru: 'Отчёт о рассылке (по месяцам)',
    en: 'Mailing report (by month)',
  },
  month: {
    kk: 'Ай',
    ru: 'Месяц',
    en: 'Month',
  },
  purpose: {
    kk: 'Мақсаты',
    ru: 'Назначение',
    en: 'Purpose',
  },
  status: {
    kk: 'Күйі',
    ru: 'Статус',
    en: 'Status',
  },
  count: {
    kk: 'Саны',
    ru: 'Количество',
    en: 'Count',
  },
  noMail: {
    kk: 'Хаттар жоқ.',
    ru: 'Писем нет.',
    en: 'No mail.',
  },
  mailings: {
    kk: 'Ай сайынғы шот-хабарлама таратуының есебі',
    ru: 'Отчёт о ежемесячной рассылке счетов',
    en: 'Monthly invoice mailing report',
  },
  outbox: {
    kk: 'Хат кезегі: мақсаты мен күйі бойынша',
    ru: 'Очередь писем: по назначению и статусу',
    en: 'Mail queue by purpose and status',
  },
  uploadTitle: {
    kk: 'Импорт файлын жүктеу',
    ru: 'Загрузить файл импорта',
    en: 'Upload an import file',
  },
  file: {
    kk: 'CSV файлы (UTF-8 немесе Windows-1251)',
    ru: 'Файл CSV (UTF-8 или Windows-1251)',
    en: 'CSV file (UTF-8 or Windows-1251)',
  },
  uploadButton: {
    kk: 'Импорттау',
    ru: 'Импортировать',
    en: 'Import',
  },
  noFile: {
    kk: 'Файлды таңдаңыз.',
    ru: 'Выберите файл.',
    en: 'Choose a file.',
  },
  badName: {
    kk: 'Файл атауы жарамсыз: атауда жол бөлгіштері (/ немесе \\), «..» және басқару таңбалары болмауы керек.',
    ru: 'Недопустимое имя файла: в имени не должно быть разделителей пути (/ или \\), «..» и управляющих символов.',
    en: 'Bad file name: the name must not contain path separators (/ or \\), ".." or control characters.',
  },
  tooLarge: {
    kk: (mb: number) => `Файл тым үлкен: ең көбі ${mb} МБ.`,
    ru: (mb: number) => `Файл слишком большой: не более ${mb} МБ.`,
    en: (mb: number) => `The file is too large: at most ${mb} MB.`,
  },
  runTitle: {
    kk: 'Алмасуды қазір іске қосу',
    ru: 'Запустить обмен сейчас',
    en: 'Run the exchange now',
  },
  runHint: {
    kk: 'EXCHANGE_DIR/in қалтасындағы файлдар импортталады, жаңа көрсеткіштер EXCHANGE_DIR/out қалтасына экспортталады.',
    ru: 'Будут импортированы файлы из EXCHANGE_DIR/in, новые показания выгружены в EXCHANGE_DIR/out.',
    en: 'Imports the files in EXCHANGE_DIR/in and exports new readings to EXCHANGE_DIR/out.',
  },
  runButton: {
    kk: 'Іске қосу',
    ru: 'Запустить',
    en: 'Run now',
  },
  alreadyRunning: {
    kk: (since: string) => `Алмасу қазір орындалуда (${since} бастап). Ол аяқталғанша күтіңіз.`,
    ru: (since: string) => `Обмен уже выполняется с ${since}. Дождитесь его окончания.`,
    en: (since: string) => `The exchange is already running since ${since}. Wait until it finishes.`,
  },
  alreadyRunningNow: {
    kk: 'Алмасу қазір орындалуда. Ол аяқталғанша күтіңіз.',
    ru: 'Обмен уже выполняется. Дождитесь его окончания.',
    en: 'The exchange is already running. Wait until it finishes.',
  },
  started: {
    kk: 'Басталды',
    ru: 'Начало',
    en: 'Started',
  },
  kind: {
    kk: 'Түрі',
    ru: 'Вид',
    en: 'Kind',
  },
  fileCol: {
    kk: 'Файл',
    ru: 'Файл',
    en: 'File',
  },
  rowsRead: {
    kk: 'Оқылды',
    ru: 'Прочитано',
    en: 'Read',
  },
  inserted: {
    kk: 'Қосылды',
    ru: 'Добавлено',
    en: 'Inserted',
  },
  updated: {
    kk: 'Жаңартылды',
    ru: 'Обновлено',
    en: 'Updated',
  },
  unchanged: {
    kk: 'Өзгеріссіз',
    ru: 'Без изменений',
    en: 'Unchanged',
  },
  rejectedRows: {
    kk: 'Қабылданбады',
    ru: 'Отклонено',
    en: 'Rejected',
  },
  problems: {
    kk: 'Қателер',
    ru: 'Ошибки',
    en: 'Problems',
  },
  result: {
    kk: 'Нәтиже',
    ru: 'Результат',
    en: 'Result',
  },
  exported: {
    kk: 'Экспортталған көрсеткіштер',
    ru: 'Выгружено показаний',
    en: 'Readings exported',
  },
  kinds: {
    import: {
      kk: 'импорт',
      ru: 'импорт',
      en: 'import',
    },
    export: {
      kk: 'экспорт',
      ru: 'экспорт',
      en: 'export',
    },
  },
  statuses: {
    running: {
      kk: 'орындалуда',
      ru: 'выполняется',
      en: 'running',
    },
    succeeded: {
      kk: 'сәтті',
      ru: 'успешно',
      en: 'succeeded',
    },
    rejected: {
      kk: 'қабылданбады',
      ru: 'отклонён',
      en: 'rejected',
    },
    failed: {
      kk: 'қате',
      ru: 'ошибка',
      en: 'failed',
    },
  },
});

export type ExchangePageText = (typeof exchangePageText)['kk'];
