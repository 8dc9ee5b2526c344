import { defineMessages, type Locale } from '../i18n/locales';

/** Texts of the meter readings page, its confirmation steps, history and API messages. */
export const readingsText = defineMessages({
  kk: {
    title: 'Есептеу құралдарының көрсеткіштері',
    banner: 'Назар аударыңыз! Көрсеткіштерді ай сайын беру қажет!',
    col: {
      input: 'Енгізу №',
      location: 'Орны',
      water: 'Су',
      serial: 'Есептегіш нөмірі',
      verification: 'Тексеру күні',
      prevDate: 'Алдыңғы көрсеткіш күні',
      prevSource: 'Алдыңғы көрсеткіш көзі',
      prevValue: 'Алдыңғы көрсеткіш',
      current: 'Ағымдағы айдың көрсеткіші',
      currentSource: 'Ағымдағы көрсеткіш көзі',
    },
    cold: 'суық',
    hot: 'ыстық',
    coldLong: 'Суық су',
    hotLong: 'Ыстық су',
    source: {
      cabinet: 'Жеке кабинет',
      inspector: 'Бақылаушы',
      phone: 'Телефон',
      billing: 'Биллинг',
      operator: 'Оператор',
    },
    status: { accepted: 'қабылданды', flagged: 'тексеруде', rejected: 'қабылданбады' },
    formatHint:
      'Көрсеткішті есептегіштегідей енгізіңіз: қара сандар — текше метр (5 санға дейін), қызыл сандар — литр (3 санға дейін), мысалы 117.5, 117,5 немесе 00117.500.',
    period: 'Көрсеткіштер кезеңі',
    dataAsOf: 'Кабинеттегі деректер (есептеулер мен төлемдер) биллингтен жаңартылған уақыты',
    dataAsOfUnknown: 'әлі жаңартылмаған',
    submit: 'Көрсеткіштерді жіберу',
    noMeters: 'Бұл дербес шотта есептегіш жоқ: су норма бойынша есептеледі.',
    accepted: (n: number) => `Көрсеткіштер қабылданды және сақталды (${n}). Рақмет!`,
    acceptedFlagged: 'Тұтыну көлемі үлкен көрсеткіштер оператордың тексеруіне жіберілді.',
    monthClosed: 'Бұл айдың көрсеткіштерін қабылдау аяқталды (ай жабық). Келесі айда беріңіз.',
    nothingEntered: 'Кем дегенде бір есептегіштің көрсеткішін енгізіңіз.',
    badIdempotencyKey:
      'Idempotency-Key тақырыбы 8-ден 100-ге дейін таңбадан тұруы керек: латын әріптері, цифрлар, «-» және «_». Дұрыс кілт жіберіңіз немесе тақырыпты мүлде жібермеңіз.',
    fixErrors: 'Белгіленген өрістерді түзетіңіз. Ештеңе жіберілген жоқ.',
    cancelled: 'Ештеңе жіберілген жоқ. Көрсеткіштерді түзетіп, қайта жіберуге болады.',
    draftRestored:
      'Әзірге ештеңе жіберілген жоқ: кіру сеансы аяқталғанға дейін енгізген мәндеріңіз формаға толтырылды. Оларды тексеріп, жіберіңіз.',
    connectionError: 'Сервермен байланыс қатесі. Кейінірек қайталап көріңіз.',
    problem: {
      empty: 'Көрсеткішті енгізіңіз.',
      tooManyDigits: 'Текше метр 5 саннан аспауы керек (мысалы 00117.500).',
      tooManyDecimals: 'Үтірден кейін 3 саннан аспауы керек (литр).',
      sign: 'Көрсеткіш таңбасыз енгізіледі (+ немесе − болмайды).',
      notNumber: 'Тек сандар мен бір нүкте немесе үтір, мысалы 117.5.',
      lower: (prev: string) =>
        `Көрсеткіш алдыңғысынан (${prev}) кем болмауы керек. Есептегіш ауыстырылса немесе 99999.999-дан кейін нөлден басталса, абоненттік бөлімге хабарласыңыз — мұны оператор тіркейді.`,
      tooMany: (max: number) =>
        `Бұл есептегіш бойынша осы айда ${max} рет көрсеткіш берілді — кабинет қабылдайтын ең көп саны. Тағы түзету керек болса, абоненттік бөлімге хабарласыңыз.`,
    },
    confirm: {
      title: 'Жіберуді растаңыз',
      partial: (filled: number | string, total: number | string) =>
        `${total} есептегіштің тек ${filled} көрсеткіші енгізілді. Тек соларды жібересіз бе?`,
      large: (serial: string, m3: string, limit: string) =>
        `${serial} есептегіші бойынша тұтыну ${m3} м³ — бұл айына ${limit} м³ шегінен көп. Көрсеткіш дұрыс па? Ол оператордың тексеруіне жіберіледі.`,
      largeUsual: (serial: string, m3: string, usual: string, months: number) =>
        `${serial} есептегіші бойынша тұтыну ${m3} м³ — бұл оның әдеттегі айынан үш еседен астам көп (${usual} м³, соңғы ${months} айдың медианасы). Көрсеткіш дұрыс па? Ол оператордың тексеруіне жіберіледі.`,
      willSubmit: 'Жіберілетін көрсеткіштер:',
      ok: 'Иә, жіберу',
      cancel: 'Бас тарту',
    },
    verification: {
      overdueMark: 'тексеру мерзімі өтті',
      soonMark: 'тексеру жақында',
      overdue: (serial: string, date: string) =>
        `${serial} есептегішінің метрологиялық тексеру мерзімі ${date} өтіп кетті. Оператор жаңа тексеруді тіркегенге дейін бұл есептегіштің көрсеткіштері есепке алынбайды: су тұрғындар саны бойынша норма бойынша есептеледі. Есептегішті тексертіп, актіні абоненттік бөлімге әкеліңіз.`,
      soon: (serial: string, date: string, days: number) =>
        `${serial} есептегішінің тексеру мерзімі ${date} (${days} күн қалды). Мерзім өткеннен кейін су норма бойынша есептеледі, сондықтан тексеруді алдын ала жоспарлаңыз.`,
    },
    history: {
      link: 'Көрсеткіштер тарихы және тұтыну графигі',
      title: 'Көрсеткіштер тарихы',
      chartTitle: 'Ай сайынғы тұтыну, м³',
      chartCaption: (from: string, to: string) => `Ай сайынғы тұтыну, м³ (${from} — ${to})`,
      noData: 'Бұл кезеңде көрсеткіштер жоқ.',
      meter: (water: string, serial: string) => `${water}, есептегіш ${serial}`,
      date: 'Күні',
      periodCol: 'Кезең',
      value: 'Көрсеткіш',
      sourceCol: 'Көзі',
      statusCol: 'Күйі',
      submittedAt: 'Жіберілген уақыты',
      back: 'Көрсеткіштерді беру',
      notCounted: 'түзетілді',
      waterCol: 'Су',
      meterCol: 'Есептегіш',
      downloadCsv: 'Тарихты жүктеу (CSV, Excel үшін)',
    },
  },
  ru: {
    title: 'Показания приборов учёта',
    banner: 'Внимание! Показания необходимо передавать ежемесячно!',
    col: {
      input: '№ ввода',
      location: 'Место',
      water: 'Вода',
      serial: 'Номер счётчика',
      verification: 'Дата поверки',
      prevDate: 'Дата предыдущего показания',
      prevSource: 'Источник предыдущего показания',
      prevValue: 'Предыдущее показание',
      current: 'Показание текущего месяца',
      currentSource: 'Источник текущего показания',
    },
    cold: 'хол.',
    hot: 'гор.',
    coldLong: 'Холодная вода',
    hotLong: 'Горячая вода',
    source: {
      cabinet: 'Личный кабинет',
      inspector: 'Контролёр',
      phone: 'Телефон',
      billing: 'Биллинг',
      operator: 'Оператор',
    },
    status: { accepted: 'принято', flagged: 'на проверке', rejected: 'отклонено' },
    formatHint:
      'Вводите показание как на счётчике: чёрные цифры — кубометры (до 5 цифр), красные — литры (до 3 цифр), например 117.5, 117,5 или 00117.500.',
    period: 'Период показаний',
    dataAsOf: 'Данные кабинета (начисления и оплаты) обновлены из биллинга',
    dataAsOfUnknown: 'ещё не обновлялись',
    submit: 'Передать показания',
    noMeters: 'На этом лицевом счёте нет приборов учёта: вода начисляется по нормативу.',
    accepted: (n: number) => `Показания приняты и сохранены (${n}). Спасибо!`,
    acceptedFlagged: 'Показания с большим расходом переданы оператору на проверку.',
    monthClosed: 'Приём показаний за этот месяц завершён (месяц закрыт). Передайте их в следующем месяце.',
    nothingEntered: 'Введите показание хотя бы одного счётчика.',
    badIdempotencyKey:
      'Заголовок Idempotency-Key должен содержать от 8 до 100 символов: латинские буквы, цифры, «-» и «_». Отправьте правильный ключ или не отправляйте заголовок вовсе.',
    fixErrors: 'Исправьте отмеченные поля. Ничего не отправлено.',
    cancelled: 'Ничего не отправлено. Можно исправить показания и отправить снова.',
    draftRestored:
      'Ничего ещё не отправлено: значения, введённые до окончания сеанса, подставлены в форму. Проверьте их и отправьте.',
    connectionError: 'Ошибка соединения с сервером. Повторите попытку позже.',
    problem: {
      empty: 'Введите показание.',
      tooManyDigits: 'Не больше 5 цифр кубометров (например 00117.500).',
      tooManyDecimals: 'Не больше 3 цифр после точки (литры).',
      sign: 'Показание вводится без знака (+ или −).',
      notNumber: 'Только цифры и одна точка или запятая, например 117.5.',
      lower: (prev: string) =>
        `Показание не может быть меньше предыдущего (${prev}). Если счётчик заменён или перешёл через 99999.999, обратитесь в абонентский отдел — это оформляет оператор.`,
      tooMany: (max: number) =>
        `Показания этого счётчика за этот месяц уже переданы наибольшее число раз (${max}) — больше кабинет не принимает. Для новой поправки обратитесь в абонентский отдел.`,
    },
    confirm: {
      title: 'Подтвердите отправку',
      partial: (filled: number | string, total: number | string) =>
        `Заполнено показаний: ${filled} из ${total} счётчиков. Отправить только их?`,
      large: (serial: string, m3: string, limit: string) =>
        `Расход по счётчику ${serial} — ${m3} м³, это больше ${limit} м³ в месяц. Показание верно? Оно будет передано оператору на проверку.`,
      largeUsual: (serial: string, m3: string, usual: string, months: number) =>
        `Расход по счётчику ${serial} — ${m3} м³, это более чем втрое больше его обычного месяца (${usual} м³, медиана за последние ${months} мес.). Показание верно? Оно будет передано оператору на проверку.`,
      willSubmit: 'Будут отправлены показания:',
      ok: 'Да, отправить',
      cancel: 'Отмена',
    },
    verification: {
      overdueMark: 'срок поверки истёк',
      soonMark: 'скоро поверка',
      overdue: (serial: string, date: string) =>
        `Срок поверки счётчика ${serial} истёк ${date}. Пока оператор не зарегистрирует новую поверку, показания этого счётчика не принимаются к расчёту: вода начисляется по нормативу на проживающих. Проведите поверку и передайте акт в абонентский отдел.`,
      soon: (serial: string, date: string, days: number) =>
        `Срок поверки счётчика ${serial} — ${date} (осталось ${days} дн.). После этой даты вода будет начисляться по нормативу, поэтому запланируйте поверку заранее.`,
    },
    history: {
      link: 'История показаний и график потребления',
      title: 'История показаний',
      chartTitle: 'Потребление по месяцам, м³',
      chartCaption: (from: string, to: string) => `Потребление по месяцам, м³ (${from} — ${to})`,
      noData: 'За этот период показаний нет.',
      meter: (water: string, serial: string) => `${water}, счётчик ${serial}`,
      date: 'Дата',
      periodCol: 'Период',
      value: 'Показание',
      sourceCol: 'Источник',
      statusCol: 'Статус',
      submittedAt: 'Время передачи',
      back: 'Передать показания',
      notCounted: 'исправлено',
      waterCol: 'Вода',
      meterCol: 'Прибор учёта',
      downloadCsv: 'Скачать историю (CSV, для Excel)',
    },
  },
  en: {
    title: 'Meter readings',
    banner: 'Attention! Readings must be submitted every month!',
    col: {
      input: 'Input no.',
      location: 'Location',
      water: 'Water',
      serial: 'Meter no.',
      verification: 'Verification date',
      prevDate: 'Previous reading date',
      prevSource: 'Previous reading source',
      prevValue: 'Previous reading',
      current: 'Current month reading',
      currentSource: 'Current reading source',
    },
    cold: 'cold',
    hot: 'hot',
    coldLong: 'Cold water',
    hotLong: 'Hot water',
    source: {
      cabinet: 'Personal cabinet',
      inspector: 'Inspector',
      phone: 'Phone',
      billing: 'Billing',
      operator: 'Operator',
    },
    status: { accepted: 'accepted', flagged: 'under review', rejected: 'rejected' },
    formatHint:
      'Type the reading as the meter shows it: black digits are cubic metres (up to 5 digits), red digits are litres (up to 3 digits), e.g. 117.5, 117,5 or 00117.500.',
    period: 'Reading period',
    dataAsOf: 'Cabinet data (charges and payments) last updated from billing',
    dataAsOfUnknown: 'not updated yet',
    submit: 'Submit readings',
    noMeters: 'This account has no meters: water is charged by norm.',
    accepted: (n: number) => `Readings accepted and saved (${n}). Thank you!`,
    acceptedFlagged: 'Readings with a large consumption were passed to an operator for review.',
    monthClosed:
      'Readings for this month are no longer accepted (the month is closed). Submit them next month.',
    nothingEntered: 'Enter the reading of at least one meter.',
    badIdempotencyKey:
      'The Idempotency-Key header must be 8 to 100 characters: Latin letters, digits, "-" and "_". Send a valid key or leave the header out.',
    fixErrors: 'Correct the marked fields. Nothing was submitted.',
    cancelled: 'Nothing was submitted. You can correct the readings and submit again.',
    draftRestored:
      'Nothing was sent yet: the values you typed before your session expired are filled in. Check them and submit.',
    connectionError: 'Server connection error. Try again later.',
    problem: {
      empty: 'Enter the reading.',
      tooManyDigits: 'At most 5 digits of cubic metres (e.g. 00117.500).',
      tooManyDecimals: 'At most 3 digits after the point (litres).',
      sign: 'Type the reading without a sign (+ or −).',
      notNumber: 'Digits and one point or comma only, e.g. 117.5.',
      lower: (prev: string) =>
        `The reading cannot be lower than the previous one (${prev}). If the meter was replaced or rolled over past 99999.999, contact the subscriber department: an operator records that.`,
      tooMany: (max: number) =>
        `This meter's reading has already been sent this month as many times as the cabinet takes (${max}). For another correction, contact the subscriber department.`,
    },
    confirm: {
      title: 'Confirm submission',
      partial: (filled: number | string, total: number | string) =>
        `You filled in ${filled} of ${total} meters. Submit only those?`,
      large: (serial: string, m3: string, limit: string) =>
        `Consumption on meter ${serial} is ${m3} m³, more than ${limit} m³ a month. Is the reading right? It will be passed to an operator for review.`,
      largeUsual: (serial: string, m3: string, usual: string, months: number) =>
        `Consumption on meter ${serial} is ${m3} m³, more than three times its usual month (${usual} m³, the median of the last ${months} months). Is the reading right? It will be passed to an operator for review.`,
      willSubmit: 'Readings to submit:',
      ok: 'Yes, submit',
      cancel: 'Cancel',
    },
    verification: {
      overdueMark: 'verification overdue',
      soonMark: 'verification soon',
      overdue: (serial: string, date: string) =>
        `Meter ${serial} was due for verification on ${date}. Until an operator records a new verification, its readings are not used for billing: water is charged by the norm per resident. Have the meter verified and bring the certificate to the subscriber department.`,
      soon: (serial: string, date: string, days: number) =>
        `Meter ${serial} is due for verification on ${date} (${days} ${days === 1 ? 'day' : 'days'} left). After that date water is charged by norm, so arrange the verification in advance.`,
    },
    history: {
      link: 'Reading history and consumption chart',
      title: 'Reading history',
      chartTitle: 'Monthly consumption, m³',
      chartCaption: (from: string, to: string) => `Monthly consumption, m³ (${from} — ${to})`,
      noData: 'No readings in this period.',
      meter: (water: string, serial: string) => `${water}, meter ${serial}`,
      date: 'Date',
      periodCol: 'Period',
      value: 'Reading',
      sourceCol: 'Source',
      statusCol: 'Status',
      submittedAt: 'Submitted at',
      back: 'Submit readings',
      notCounted: 'corrected',
      waterCol: 'Water',
      meterCol: 'Meter',
      downloadCsv: 'Download the history (CSV, for Excel)',
    },
  },
});

/**
 * Meter locations as the billing system sends them (Russian, often abbreviated), said in the
 * page's language. Keys are the sent value in lower case; Russian pages show the value as sent.
 */
const METER_LOCATIONS: Record<string, { kk: string; en: string }> = {
  'с/узел': { kk: 'Санторап', en: 'Bathroom' },
  'с/у': { kk: 'Санторап', en: 'Bathroom' },
  санузел: { kk: 'Санторап', en: 'Bathroom' },
  ванная: { kk: 'Жуынатын бөлме', en: 'Bath' },
  кухня: { kk: 'Ас үй', en: 'Kitchen' },
  подвал: { kk: 'Жертөле', en: 'Basement' },
  туалет: { kk: 'Дәретхана', en: 'Toilet' },
  коридор: { kk: 'Дәліз', en: 'Hallway' },
  прихожая: { kk: 'Кіреберіс', en: 'Entrance hall' },
  колодец: { kk: 'Құдық', en: 'Well' },
};

/** A meter's location in the page's language; an unknown value is shown as sent. */
export function meterLocationText(locale: Locale, sent: string): string {
  if (locale === 'ru') return sent;
  return METER_LOCATIONS[sent.trim().toLowerCase()]?.[locale] ?? sent;
}
