import { defineMessages } from '../i18n/locales';

/** The personal data page's texts. */
export const personalText = defineMessages({
  kk: {
    title: 'Жеке деректер',
    residents: 'Тұрғындар саны',
    irrigation: 'Суару алаңы, м²',
    meters: 'Есептегіштер',
    hasMeters: 'бар',
    noMeters: 'жоқ (норма бойынша есептеледі)',
    email: 'Email',
    contract: 'Шарт №',
    binIin: 'ЖСН / БСН',
    kind: 'Тұтынушы түрі',
    individual: 'Жеке тұлға',
    legal: 'Заңды тұлға',
    dataTitle: 'Дербес деректер және келісім',
    consentGiven: 'Дербес деректерді өңдеуге келісім берілді: мәтін нұсқасы {version}, күні {date}.',
    consentNone:
      'Дербес деректерді өңдеуге келісім туралы жазба жоқ (тіркеу келісім жазыла бастағанға дейін жасалған).',
    privacyLink: 'Дербес деректерді өңдеу туралы',
    exportIntro:
      'Өз деректеріңізді жүктеп алыңыз: профиль, дербес шоттар, көрсеткіштер, құжаттар тізімі және кірулер журналы.',
    exportJson: 'Деректерімді жүктеу (JSON)',
    exportCsv: 'Деректерімді жүктеу (CSV, Excel үшін)',
  },
  ru: {
    title: 'Личные данные',
    residents: 'Количество проживающих',
    irrigation: 'Площадь полива, м²',
    meters: 'Приборы учёта',
    hasMeters: 'есть',
    noMeters: 'нет (начисление по нормативу)',
    email: 'Email',
    contract: 'Договор №',
    binIin: 'ИИН / БИН',
    kind: 'Тип потребителя',
    individual: 'Физическое лицо',
    legal: 'Юридическое лицо',
    dataTitle: 'Персональные данные и согласие',
    consentGiven: 'Согласие на обработку персональных данных дано: версия текста {version}, дата {date}.',
    consentNone:
      'Записи о согласии на обработку персональных данных нет (регистрация сделана до того, как согласие стали записывать).',
    privacyLink: 'Об обработке персональных данных',
    exportIntro:
      'Скачайте свои данные: профиль, лицевые счета, показания, список документов и журнал входов.',
    exportJson: 'Скачать мои данные (JSON)',
    exportCsv: 'Скачать мои данные (CSV, для Excel)',
  },
  en: {
    title: 'Personal data',
    residents: 'Residents',
    irrigation: 'Irrigation area, m²',
    meters: 'Meters',
    hasMeters: 'installed',
    noMeters: 'none (charged by norm)',
    email: 'Email',
    contract: 'Contract no.',
    binIin: 'IIN / BIN',
    kind: 'Customer type',
    individual: 'Individual',
    legal: 'Legal entity',
    dataTitle: 'Personal data and consent',
    consentGiven: 'Consent to the processing of personal data given: text version {version}, on {date}.',
    consentNone:
      'No consent to the processing of personal data is on record (the registration was made before consents were recorded).',
    privacyLink: 'About the processing of personal data',
    exportIntro:
      'Download your own data: profile, accounts, readings, the list of documents and the record of sign-ins.',
    exportJson: 'Download my data (JSON)',
    exportCsv: 'Download my data (CSV, for Excel)',
  },
});
