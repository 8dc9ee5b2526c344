import type { NotificationKind, Water } from '../db/schema';
import { defineMessages } from '../i18n/locales';

interface Mail {
  subject: string;
  paragraphs: string[];
  link: string;
}

export interface ReminderFacts {
  number: string;
  address: string;
  month: string;
  lastDay: string;
}
export interface VerificationFacts {
  number: string;
  address: string;
  serial: string;
  water: Water;
  date: string;
  daysLeft: number;
}
export interface ConsumptionFacts {
  number: string;
  address: string;
  serial: string;
  water: Water;
  month: string;
  volume: string;
  /** The meter's usual month (m³), or null without history (then `limit` is the fixed threshold). */
  usual: string | null;
  limit: string;
}
export interface PaymentFacts {
  number: string;
  address: string;
  month: string;
  amount: string;
  dueDate: string;
}

interface NotificationTexts {
  kinds: Record<NotificationKind, { name: string; about: string }>;
  reminder(f: ReminderFacts): Mail;
  verificationAhead(f: VerificationFacts): Mail;
  verificationLapsed(f: VerificationFacts): Mail;
  highConsumption(f: ConsumptionFacts): Mail;
  paymentDue(f: PaymentFacts): Mail;
  paymentOverdue(f: PaymentFacts): Mail;
  footer(unsubscribe: string, preferences: string): string;
  testSubject: string;
  testIntro: string;
  page: {
    title: string;
    intro: string;
    language: string;
    submit: string;
    saved: string;
    noEmail: string;
    back: string;
  };
  unsubscribe: {
    title: string;
    question(kind: string): string;
    confirm: string;
    done(kind: string): string;
    invalid: string;
    preferences: string;
  };
  backoffice: {
    title: string;
    intro: string;
    month: string;
    total: string;
    none: string;
    testTitle: string;
    testIntro: string;
    testButton: string;
    testSent(email: string): string;
    testNoEmail: string;
  };
}

const water = {
  kk: { cold: 'суық', hot: 'ыстық' },
  ru: { cold: 'холодной', hot: 'горячей' },
  en: { cold: 'cold', hot: 'hot' },
} as const;

/** Reminders and alerts by email (docs/decisions/151-notifications.md). */
export const notificationText = defineMessages<NotificationTexts>({
  kk: {
    kinds: {
      readings_reminder: {
        name: 'Көрсеткіштер туралы еске салу',
        about: 'қабылдау мерзімі бітерден бірнеше күн бұрын, осы айдың көрсеткіштері әлі берілмесе',
      },
      verification_due: {
        name: 'Есептегішті тексеру мерзімі',
        about: 'тексеру мерзіміне 60 және 14 күн қалғанда, және мерзім өткен күні',
      },
      high_consumption: {
        name: 'Тұтыну күрт өскені туралы ескерту',
        about: 'ай көлемі есептегіштің өз тарихынан әлдеқайда жоғары болғанда (ағып кету болуы мүмкін)',
      },
      payment_due: {
        name: 'Төлем және берешек',
        about: 'шот дайын болғанда төлем сомасы мен мерзімі, мерзімі өткен берешек туралы бір рет',
      },
    },
    reminder: (f) => ({
      subject: `${f.month}: есептегіш көрсеткіштерін ${f.lastDay} дейін беріңіз`,
      paragraphs: [
        `Дербес шот ${f.number}, ${f.address}.`,
        `${f.month} айының есептегіш көрсеткіштері бізге әлі түскен жоқ. Оларды кабинетте ${f.lastDay} дейін беріңіз.`,
        'Бұл күннен кейін ай орташа көлем немесе норматив бойынша есептеледі.',
      ],
      link: 'Көрсеткіштерді беру',
    }),
    verificationAhead: (f) => ({
      subject: `${f.serial} есептегіші: тексеру мерзімі ${f.date}`,
      paragraphs: [
        `Дербес шот ${f.number}, ${f.address}.`,
        `${water.kk[f.water]} су есептегіші ${f.serial} тексеру мерзімі — ${f.date} (қалған күн: ${f.daysLeft}).`,
        'Есептегішті тексертіп, куәлігін бізге жіберіңіз: жаңа тексеру тіркелгенше есеп есептегіш бойынша емес, норматив бойынша (тұрғындар саны × норматив) жүргізіледі.',
      ],
      link: 'Есептегіштерді қарау',
    }),
    verificationLapsed: (f) => ({
      subject: `${f.serial} есептегіші: тексеру мерзімі өтті`,
      paragraphs: [
        `Дербес шот ${f.number}, ${f.address}.`,
        `${water.kk[f.water]} су есептегіші ${f.serial} тексеру мерзімі ${f.date} өтті.`,
        'Жаңа тексеру тіркелгенше есеп норматив бойынша (тұрғындар саны × норматив) жүргізіледі. Есептегішті тексертіп, куәлігін бізге жіберіңіз.',
      ],
      link: 'Есептегіштерді қарау',
    }),
    highConsumption: (f) => ({
      subject: `${f.serial} есептегіші: ${f.month} айында ${f.volume} м³ — әдеттегіден әлдеқайда көп`,
      paragraphs: [
        `Дербес шот ${f.number}, ${f.address}.`,
        f.usual
          ? `${water.kk[f.water]} су есептегіші ${f.serial} бойынша ${f.month} айына ${f.volume} м³ тіркелді: бұл әдеттегі айыңыздан (${f.usual} м³) үш еседен астам көп.`
          : `${water.kk[f.water]} су есептегіші ${f.serial} бойынша ${f.month} айына ${f.volume} м³ тіркелді: бұл айына ${f.limit} м³-ден көп.`,
        'Мұнша су пайдаланылмаса, ағып кетуді тексеріңіз: бітпей ағып тұрған унитаз бачогы, тамшылап тұрған кран, зақымданған құбыр. Көрсеткіш қате терілген болса, оны кабинетте түзетіңіз.',
      ],
      link: 'Көрсеткіштерді тексеру',
    }),
    paymentDue: (f) => ({
      subject: `${f.month} шоты: ${f.dueDate} дейін ${f.amount} ₸`,
      paragraphs: [
        `Дербес шот ${f.number}, ${f.address}.`,
        `${f.month} айының шоты дайын: төленетін сома ${f.amount} ₸, төлем мерзімі ${f.dueDate} дейін.`,
      ],
      link: 'Шотты қарау және PDF жүктеу',
    }),
    paymentOverdue: (f) => ({
      subject: `Дербес шот ${f.number}: ${f.amount} ₸ төлем мерзімі өтті`,
      paragraphs: [
        `Дербес шот ${f.number}, ${f.address}.`,
        `${f.month} үшін ${f.amount} ₸ ${f.dueDate} дейін төленуі керек еді, төлем әлі түскен жоқ. Кешіктірілген әр күнге өсімпұл есептеледі.`,
        'Соңғы күндері төлеген болсаңыз, бұл хатқа мән бермеңіз.',
      ],
      link: 'Салыстыру актісін қарау',
    }),
    footer: (unsubscribe, preferences) =>
      `Мұндай хаттардан бас тарту: ${unsubscribe}\nБарлық хабарлама баптаулары: ${preferences}`,
    testSubject: 'Сынақ хат: еске салулар мен ескертулер',
    testIntro: 'Бұл — сынақ хат. Тұтынушылар осындай хаттарды алады:',
    page: {
      title: 'Еске салулар мен ескертулер',
      intro: 'Қандай хаттарды алғыңыз келетінін таңдаңыз. Әр хатта бас тарту сілтемесі бар.',
      language: 'Хаттардың тілі',
      submit: 'Сақтау',
      saved: 'Баптаулар сақталды.',
      noEmail: 'Хат алу үшін электрондық поштаңызды растаңыз.',
      back: 'Жазылымдар',
    },
    unsubscribe: {
      title: 'Хаттардан бас тарту',
      question: (kind) => `«${kind}» хаттарын бұдан былай жібермейміз бе?`,
      confirm: 'Иә, бас тартамын',
      done: (kind) => `«${kind}» хаттары бұдан былай жіберілмейді.`,
      invalid: 'Бұл сілтеме жарамсыз. Баптауларды кабинетте өзгертіңіз.',
      preferences: 'Барлық баптаулар',
    },
    backoffice: {
      title: 'Еске салулар мен ескертулер',
      intro: 'Ай сайын әр түрі бойынша жіберілген хаттар (Алматы уақыты).',
      month: 'Ай',
      total: 'Барлығы',
      none: 'Әзірге хат жіберілмеген.',
      testTitle: 'Өзіңізге сынақ хат',
      testIntro: 'Әр түрдің үлгісі бар бір хат сіздің поштаңызға жіберіледі.',
      testButton: 'Сынақ хатты жіберу',
      testSent: (email) => `Сынақ хат ${email} мекенжайына кезекке қойылды.`,
      testNoEmail: 'Сіздің пайдаланушыңызда электрондық пошта жоқ.',
    },
  },
  ru: {
    kinds: {
      readings_reminder: {
        name: 'Напоминание о показаниях',
        about: 'за несколько дней до конца приёма, если показания за месяц ещё не переданы',
      },
      verification_due: {
        name: 'Срок поверки счётчика',
        about: 'за 60 и 14 дней до срока поверки и в день, когда он истёк',
      },
      high_consumption: {
        name: 'Резкий рост потребления',
        about: 'когда объём месяца намного выше обычного для счётчика (возможна утечка)',
      },
      payment_due: {
        name: 'Оплата и задолженность',
        about: 'сумма и срок оплаты, когда счёт готов, и один раз о просроченном долге',
      },
    },
    reminder: (f) => ({
      subject: `Показания за ${f.month}: передайте до ${f.lastDay}`,
      paragraphs: [
        `Лицевой счёт ${f.number}, ${f.address}.`,
        `Мы ещё не получили показания счётчиков за ${f.month}. Передайте их в кабинете до ${f.lastDay}.`,
        'После этой даты месяц будет начислен по среднему объёму или по нормативу.',
      ],
      link: 'Передать показания',
    }),
    verificationAhead: (f) => ({
      subject: `Счётчик ${f.serial}: поверка до ${f.date}`,
      paragraphs: [
        `Лицевой счёт ${f.number}, ${f.address}.`,
        `Срок поверки счётчика ${water.ru[f.water]} воды ${f.serial} — ${f.date} (осталось дней: ${f.daysLeft}).`,
        'Поверьте счётчик и передайте нам свидетельство: пока новая поверка не записана, начисление идёт не по счётчику, а по нормативу (жильцы × норматив).',
      ],
      link: 'Посмотреть счётчики',
    }),
    verificationLapsed: (f) => ({
      subject: `Счётчик ${f.serial}: срок поверки истёк`,
      paragraphs: [
        `Лицевой счёт ${f.number}, ${f.address}.`,
        `Срок поверки счётчика ${water.ru[f.water]} воды ${f.serial} истёк ${f.date}.`,
        'Пока новая поверка не записана, начисление идёт по нормативу (жильцы × норматив). Поверьте счётчик и передайте нам свидетельство.',
      ],
      link: 'Посмотреть счётчики',
    }),
    highConsumption: (f) => ({
      subject: `Счётчик ${f.serial}: ${f.volume} м³ за ${f.month} — намного больше обычного`,
      paragraphs: [
        `Лицевой счёт ${f.number}, ${f.address}.`,
        f.usual
          ? `По счётчику ${water.ru[f.water]} воды ${f.serial} за ${f.month} записано ${f.volume} м³ — больше чем втрое против вашего обычного месяца (${f.usual} м³).`
          : `По счётчику ${water.ru[f.water]} воды ${f.serial} за ${f.month} записано ${f.volume} м³ — больше ${f.limit} м³ за месяц.`,
        'Если столько воды никто не расходовал, проверьте, нет ли утечки: подтекающий бачок унитаза, капающий кран, повреждённая труба. Если показание введено с ошибкой, исправьте его в кабинете.',
      ],
      link: 'Проверить показания',
    }),
    paymentDue: (f) => ({
      subject: `Счёт за ${f.month}: ${f.amount} ₸ до ${f.dueDate}`,
      paragraphs: [
        `Лицевой счёт ${f.number}, ${f.address}.`,
        `Счёт за ${f.month} готов: к оплате ${f.amount} ₸, срок оплаты — до ${f.dueDate}.`,
      ],
      link: 'Посмотреть счёт и скачать PDF',
    }),
    paymentOverdue: (f) => ({
      subject: `Лицевой счёт ${f.number}: просрочено ${f.amount} ₸`,
      paragraphs: [
        `Лицевой счёт ${f.number}, ${f.address}.`,
        `${f.amount} ₸ за ${f.month} нужно было оплатить до ${f.dueDate}, оплата ещё не поступила. За каждый день просрочки начисляется пеня.`,
        'Если вы оплатили в последние дни, не обращайте внимания на это письмо.',
      ],
      link: 'Посмотреть акт сверки',
    }),
    footer: (unsubscribe, preferences) =>
      `Отписаться от таких писем: ${unsubscribe}\nВсе настройки уведомлений: ${preferences}`,
    testSubject: 'Тестовое письмо: напоминания и оповещения',
    testIntro: 'Это тестовое письмо. Такие письма получают абоненты:',
    page: {
      title: 'Напоминания и оповещения',
      intro: 'Выберите, какие письма вы хотите получать. В каждом письме есть ссылка для отписки.',
      language: 'Язык писем',
      submit: 'Сохранить',
      saved: 'Настройки сохранены.',
      noEmail: 'Чтобы получать письма, подтвердите адрес электронной почты.',
      back: 'Подписки',
    },
    unsubscribe: {
      title: 'Отписка от писем',
      question: (kind) => `Больше не присылать письма «${kind}»?`,
      confirm: 'Да, отписаться',
      done: (kind) => `Письма «${kind}» больше не будут приходить.`,
      invalid: 'Ссылка недействительна. Измените настройки в кабинете.',
      preferences: 'Все настройки',
    },
    backoffice: {
      title: 'Напоминания и оповещения',
      intro: 'Отправленные письма по видам и месяцам (время Алматы).',
      month: 'Месяц',
      total: 'Всего',
      none: 'Писем ещё не было.',
      testTitle: 'Тестовое письмо себе',
      testIntro: 'Одно письмо с образцом каждого вида придёт на вашу почту.',
      testButton: 'Отправить тестовое письмо',
      testSent: (email) => `Тестовое письмо на ${email} поставлено в очередь.`,
      testNoEmail: 'У вашего пользователя нет адреса электронной почты.',
    },
  },
  en: {
    kinds: {
      readings_reminder: {
        name: 'Meter readings reminder',
        about: "a few days before the readings window closes, if this month's readings are not in yet",
      },
      verification_due: {
        name: 'Meter verification due',
        about: "60 and 14 days before a meter's verification date, and on the day it lapses",
      },
      high_consumption: {
        name: 'Consumption jump',
        about: "when a month is far above the meter's own history (it may be a leak)",
      },
      payment_due: {
        name: 'Payment and debt',
        about: 'the amount and the date when an invoice is ready, and once about an overdue debt',
      },
    },
    reminder: (f) => ({
      subject: `Meter readings for ${f.month}: submit them by ${f.lastDay}`,
      paragraphs: [
        `Account ${f.number}, ${f.address}.`,
        `We have no meter readings from you for ${f.month} yet. Submit them in the cabinet by ${f.lastDay}.`,
        'After that date the month is billed by the average or by the norm.',
      ],
      link: 'Submit readings',
    }),
    verificationAhead: (f) => ({
      subject: `Meter ${f.serial}: verification due on ${f.date}`,
      paragraphs: [
        `Account ${f.number}, ${f.address}.`,
        `Your ${water.en[f.water]} water meter ${f.serial} must be verified by ${f.date} (${f.daysLeft} ${f.daysLeft === 1 ? 'day' : 'days'} left).`,
        'Have it verified and send us the certificate: until a new verification is recorded, the account is billed by the norm (residents × norm), not by the meter.',
      ],
      link: 'See your meters',
    }),
    verificationLapsed: (f) => ({
      subject: `Meter ${f.serial}: its verification has lapsed`,
      paragraphs: [
        `Account ${f.number}, ${f.address}.`,
        `The verification of your ${water.en[f.water]} water meter ${f.serial} lapsed on ${f.date}.`,
        'Until a new verification is recorded, the account is billed by the norm (residents × norm). Have the meter verified and send us the certificate.',
      ],
      link: 'See your meters',
    }),
    highConsumption: (f) => ({
      subject: `Meter ${f.serial}: ${f.volume} m³ in ${f.month}, far more than usual`,
      paragraphs: [
        `Account ${f.number}, ${f.address}.`,
        f.usual
          ? `Your ${water.en[f.water]} water meter ${f.serial} shows ${f.volume} m³ for ${f.month}: more than three times your usual month (${f.usual} m³).`
          : `Your ${water.en[f.water]} water meter ${f.serial} shows ${f.volume} m³ for ${f.month}: more than ${f.limit} m³ in a month.`,
        'If nobody used that much water, check for a leak: a running toilet cistern, a dripping tap, a damaged pipe. If the reading was typed wrong, correct it in the cabinet.',
      ],
      link: 'Check your readings',
    }),
    paymentDue: (f) => ({
      subject: `Invoice for ${f.month}: ${f.amount} ₸ due by ${f.dueDate}`,
      paragraphs: [
        `Account ${f.number}, ${f.address}.`,
        `The invoice for ${f.month} is ready: ${f.amount} ₸ to pay by ${f.dueDate}.`,
      ],
      link: 'See the invoice and download the PDF',
    }),
    paymentOverdue: (f) => ({
      subject: `Account ${f.number}: ${f.amount} ₸ overdue`,
      paragraphs: [
        `Account ${f.number}, ${f.address}.`,
        `${f.amount} ₸ for ${f.month} was due by ${f.dueDate} and has not been paid yet. A penalty accrues for every day of delay.`,
        'If you have paid in the last few days, please ignore this message.',
      ],
      link: 'See the settlement statement',
    }),
    footer: (unsubscribe, preferences) =>
      `Unsubscribe from these messages: ${unsubscribe}\nAll notification settings: ${preferences}`,
    testSubject: 'Test message: reminders and alerts',
    testIntro: 'This is a test message. Customers receive messages like these:',
    page: {
      title: 'Reminders and alerts',
      intro: 'Choose which messages you want. Every message has a link to unsubscribe.',
      language: 'Language of the messages',
      submit: 'Save',
      saved: 'Settings saved.',
      noEmail: 'Confirm your email address to receive messages.',
      back: 'Subscriptions',
    },
    unsubscribe: {
      title: 'Unsubscribe',
      question: (kind) => `Stop sending "${kind}" messages?`,
      confirm: 'Yes, unsubscribe',
      done: (kind) => `"${kind}" messages will not be sent any more.`,
      invalid: 'This link is not valid. Change your settings in the cabinet.',
      preferences: 'All settings',
    },
    backoffice: {
      title: 'Reminders and alerts',
      intro: 'Messages sent per kind and month (Almaty time).',
      month: 'Month',
      total: 'Total',
      none: 'No messages yet.',
      testTitle: 'Test message to yourself',
      testIntro: 'One message with a sample of each kind goes to your address.',
      testButton: 'Send the test message',
      testSent: (email) => `A test message to ${email} is queued.`,
      testNoEmail: 'Your user has no email address.',
    },
  },
});
