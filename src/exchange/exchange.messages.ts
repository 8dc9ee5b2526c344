import { defineMessages, type Locale } from '../i18n/locales';

/** Why a row or a file was rejected, in the user's language. `{x}` is replaced by the parameter. */
export const exchangeMessages = defineMessages({
  kk: {
    summaryOk:
      '{file}: қабылданды, {rows} жол ({encoding}): {inserted} жаңа, {updated} өзгерді, {unchanged} өзгеріссіз, {seconds} с',
    summaryRejected:
      '{file}: қабылданбады, {rows} жол ({encoding}): {rejected} қате жол, ештеңе өзгерген жоқ',
    unknownFile:
      'Файл түрі белгісіз: атауында streets, buildings, premises, accounts, meters, tariffs, vat_rates, norms, penalty_rates, readings, charges, payments, recalculations немесе balances болуы керек',
    notUtf8: 'Файл UTF-8 те, Windows-1251 де емес',
    badCsv: 'CSV қатесі: {detail}',
    empty: 'Файл бос: тақырып жолы жоқ',
    missingColumn: '«{column}» бағаны жоқ',
    unknownColumn: 'Белгісіз баған «{column}»',
    required: '«{column}» толтырылмаған',
    badText: '«{column}»: тым ұзын мәтін',
    badCode: '«{column}»: код бос орынсыз 1–40 таңба болуы керек, берілгені «{value}»',
    badDate: '«{column}»: күн ЖЖЖЖ-АА-КК немесе КК.АА.ЖЖЖЖ болуы керек, берілгені «{value}»',
    badPeriod: '«{column}»: ай ЖЖЖЖ-АА болуы керек, берілгені «{value}»',
    badMoney: '«{column}»: сома теңгемен болуы керек (мысалы 1749.50), берілгені «{value}»',
    badVolume: '«{column}»: көлем текше метрмен, ең көбі 3 ондық таңба (мысалы 117.500), берілгені «{value}»',
    badInt: '«{column}»: бүтін сан болуы керек, берілгені «{value}»',
    badPercent: '«{column}»: пайыз болуы керек (мысалы 12 немесе 16.5), берілгені «{value}»',
    badDecimal: '«{column}»: оң сан болуы керек, берілгені «{value}»',
    badChoice: '«{column}»: рұқсат етілгені {allowed}, берілгені «{value}»',
    badAccountNumber: 'Жеке шот нөмірі 8 цифр болуы керек, берілгені «{value}»',
    badBin: 'БСН/ЖСН 12 цифр болуы керек, берілгені «{value}»',
    legalNeedsContract: 'Заңды тұлғаға шарт нөмірі мен БСН керек',
    badMonth: '«{column}»: ай 1-ден 12-ге дейін болуы керек, берілгені «{value}»',
    unknownRef: '«{column}»: «{value}» табылмады',
    duplicate: 'Қайталанған жол: {key} осы файлдың {line}-жолында бар',
    balanceMismatch:
      'Қалдық сәйкес емес: бастапқы + есептелген + қайта есептеу + өсімпұл + басқа − төленген = {expected}, файлда {closing}',
    dateOrder: '«{column}» «{other}» күнінен ерте болмауы керек',
    database: 'Дерекқор файлды қабылдамады: {detail}',
    interrupted:
      'Үзілді: оны орындаған процесс тоқтап қалды. Жартылай өзгеріс жоқ; алмасуды қайта іске қосыңыз',
  },
  ru: {
    summaryOk:
      '{file}: принят, строк {rows} ({encoding}): новых {inserted}, изменено {updated}, без изменений {unchanged}, {seconds} с',
    summaryRejected:
      '{file}: отклонён, строк {rows} ({encoding}): ошибочных строк {rejected}, ничего не изменено',
    unknownFile:
      'Неизвестный вид файла: в имени должно быть streets, buildings, premises, accounts, meters, tariffs, vat_rates, norms, penalty_rates, readings, charges, payments, recalculations или balances',
    notUtf8: 'Файл не в кодировке UTF-8 и не в Windows-1251',
    badCsv: 'Ошибка CSV: {detail}',
    empty: 'Файл пуст: нет строки заголовка',
    missingColumn: 'Нет столбца «{column}»',
    unknownColumn: 'Неизвестный столбец «{column}»',
    required: 'Не заполнено «{column}»',
    badText: '«{column}»: слишком длинный текст',
    badCode: '«{column}»: код — от 1 до 40 символов без пробелов, указано «{value}»',
    badDate: '«{column}»: дата должна быть ГГГГ-ММ-ДД или ДД.ММ.ГГГГ, указано «{value}»',
    badPeriod: '«{column}»: месяц должен быть ГГГГ-ММ, указано «{value}»',
    badMoney: '«{column}»: сумма в тенге (например 1749.50), указано «{value}»',
    badVolume:
      '«{column}»: объём в кубометрах, не более 3 знаков после точки (например 117.500), указано «{value}»',
    badInt: '«{column}»: нужно целое число, указано «{value}»',
    badPercent: '«{column}»: нужен процент (например 12 или 16.5), указано «{value}»',
    badDecimal: '«{column}»: нужно неотрицательное число, указано «{value}»',
    badChoice: '«{column}»: допустимо {allowed}, указано «{value}»',
    badAccountNumber: 'Лицевой счёт — 8 цифр, указано «{value}»',
    badBin: 'БИН/ИИН — 12 цифр, указано «{value}»',
    legalNeedsContract: 'Для юридического лица нужны номер договора и БИН',
    badMonth: '«{column}»: месяц от 1 до 12, указано «{value}»',
    unknownRef: '«{column}»: «{value}» не найден',
    duplicate: 'Повтор: {key} уже есть в строке {line} этого файла',
    balanceMismatch:
      'Сальдо не сходится: входящее + начислено + перерасчёт + пеня + прочее − оплачено = {expected}, в файле {closing}',
    dateOrder: '«{column}» не может быть раньше «{other}»',
    database: 'База данных не приняла файл: {detail}',
    interrupted:
      'Прервано: процесс, который его выполнял, остановился. Частичных изменений нет; запустите обмен снова',
  },
  en: {
    summaryOk:
      '{file}: accepted, {rows} rows ({encoding}): {inserted} new, {updated} changed, {unchanged} unchanged, {seconds} s',
    summaryRejected: '{file}: rejected, {rows} rows ({encoding}): {rejected} bad rows, nothing applied',
    unknownFile:
      'Unknown kind of file: its name must contain streets, buildings, premises, accounts, meters, tariffs, vat_rates, norms, penalty_rates, readings, charges, payments, recalculations or balances',
    notUtf8: 'The file is neither UTF-8 nor Windows-1251',
    badCsv: 'CSV error: {detail}',
    empty: 'The file is empty: no header row',
    missingColumn: 'Column "{column}" is missing',
    unknownColumn: 'Unknown column "{column}"',
    required: '"{column}" is empty',
    badText: '"{column}": text too long',
    badCode: '"{column}": a code is 1 to 40 characters without spaces, got "{value}"',
    badDate: '"{column}": a date must be YYYY-MM-DD or DD.MM.YYYY, got "{value}"',
    badPeriod: '"{column}": a month must be YYYY-MM, got "{value}"',
    badMoney: '"{column}": an amount in tenge (e.g. 1749.50), got "{value}"',
    badVolume: '"{column}": a volume in m3 with at most 3 decimals (e.g. 117.500), got "{value}"',
    badInt: '"{column}": a whole number is needed, got "{value}"',
    badPercent: '"{column}": a percentage is needed (e.g. 12 or 16.5), got "{value}"',
    badDecimal: '"{column}": a non-negative number is needed, got "{value}"',
    badChoice: '"{column}": allowed are {allowed}, got "{value}"',
    badAccountNumber: 'An account number is 8 digits, got "{value}"',
    badBin: 'A BIN/IIN is 12 digits, got "{value}"',
    legalNeedsContract: 'A legal entity needs a contract number and a BIN',
    badMonth: '"{column}": a month from 1 to 12, got "{value}"',
    unknownRef: '"{column}": "{value}" not found',
    duplicate: 'Duplicate: {key} is already on line {line} of this file',
    balanceMismatch:
      'The balance does not add up: opening + charged + recalculation + penalty + other - paid = {expected}, the file says {closing}',
    dateOrder: '"{column}" cannot be earlier than "{other}"',
    database: 'The database refused the file: {detail}',
    interrupted:
      'Interrupted: the process running it stopped. Nothing was half applied; run the exchange again',
  },
});

export type ExchangeMessage = keyof (typeof exchangeMessages)['kk'];

export interface ExchangeProblem {
  file: string;
  /** Line in the file (1 = the header); 0 for the file as a whole. */
  line: number;
  code: ExchangeMessage;
  params?: Record<string, string | number>;
}

export function problemText(problem: ExchangeProblem, locale: Locale): string {
  const template = exchangeMessages[locale][problem.code];
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(problem.params?.[key] ?? ''));
}
