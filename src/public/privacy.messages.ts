import { defineMessages } from '../i18n/locales';

/**
 * The version of the privacy text below. A registration records the version its registrant
 * agreed to: change it whenever the text's meaning changes.
 */
export const PRIVACY_TEXT_VERSION = '2026-11-30';

/** One part of the privacy page: a heading and its paragraphs or list items. */
export interface PrivacySection {
  title: string;
  items: string[];
}

/** The public privacy page: what the cabinet keeps about its customers, why, how long, whom to ask. */
export const privacyText = defineMessages({
  kk: {
    title: 'Дербес деректерді өңдеу туралы',
    version: 'Мәтін нұсқасы: {version}',
    law: 'Жеке кабинет дербес деректерді Қазақстан Республикасының 2013 жылғы 21 мамырдағы № 94-V «Дербес деректер және оларды қорғау туралы» Заңына сәйкес өңдейді. Тіркелу кезінде «келісемін» белгісін қойғанда сіз осы мәтінде сипатталған өңдеуге келісім бересіз; кабинет мәтін нұсқасын, уақытын, тілін, IP мекенжайын және браузерді жазып қояды.',
    sections: [
      {
        title: 'Не сақталады',
        items: [
          'Тіркеу деректері: аты, тегі (жеке тұлғалар үшін), логин, email. Құпия сөз бен ЖСН ашық түрде сақталмайды, тек оларды тексеруге жететін хэші (argon2id) сақталады.',
          'Дербес шот деректері: шот иесі, мекенжай, тұрғындар саны, суару алаңы, есептегіштер; заңды тұлғалар үшін БСН және шарт нөмірі.',
          'Есептегіш көрсеткіштері, шот-хабарламалар, есеп айырысу ведомостары және төлемдер.',
          'Кабинетке кірулер мен әрекеттер журналы (уақыты, IP мекенжайы), ашық сеанстар (IP мекенжайы, браузер).',
          'Дербес деректерді өңдеуге берілген келісім: мәтін нұсқасы, уақыты, тілі, IP мекенжайы, браузер.',
        ],
      },
      {
        title: 'Не үшін',
        items: [
          'Дербес шотқа құқығыңызды тексеру және сізді кабинетке кіргізу.',
          'Көрсеткіштерді қабылдау, шот-хабарламалар мен ведомостарды көрсету, сіз сұраған хаттарды жіберу.',
          'Кабинетті бөгде адамдардан қорғау: кірулер журналы күдікті әрекетті анықтауға көмектеседі.',
        ],
      },
      {
        title: 'Қанша уақыт',
        items: [
          'Расталмаған тіркеу {hours} сағат сақталады, одан кейін дербес шотты қайта тіркеуге болады, ал жаңа тіркеу ескісін алмастырады.',
          'Сеанс шыққанда немесе мерзімі өткенде аяқталады.',
          'Қалған деректер дербес шот кабинетте тіркелген уақыт бойы сақталады. Тіркеуді жабуды және деректерді жоюды абоненттік бөлімнен сұраңыз.',
        ],
      },
      {
        title: 'Өз деректеріңіз',
        items: [
          '«Жеке деректер» бетінде берген келісіміңізді (нұсқасы мен күні) көре аласыз және өз деректеріңізді JSON немесе CSV файлы ретінде жүктеп ала аласыз.',
          'Деректер туралы сұрақтар, оларды түзету немесе жою туралы өтініштер бойынша абоненттік бөлімге хабарласыңыз: {department}; {phone}; {openHours}.',
        ],
      },
    ] satisfies PrivacySection[],
  },
  ru: {
    title: 'Об обработке персональных данных',
    version: 'Версия текста: {version}',
    law: 'Личный кабинет обрабатывает персональные данные в соответствии с Законом Республики Казахстан от 21 мая 2013 года № 94-V «О персональных данных и их защите». Отмечая «согласен» при регистрации, вы даёте согласие на обработку, описанную в этом тексте; кабинет записывает версию текста, время, язык, IP-адрес и браузер.',
    sections: [
      {
        title: 'Что хранится',
        items: [
          'Данные регистрации: имя, фамилия (для физических лиц), логин, email. Пароль и ИИН не хранятся в открытом виде, только их хэш (argon2id), достаточный для проверки.',
          'Данные лицевого счёта: владелец, адрес, количество проживающих, площадь полива, приборы учёта; для юридических лиц БИН и номер договора.',
          'Показания приборов учёта, счета-извещения, ведомости расчётов и платежи.',
          'Журнал входов и действий в кабинете (время, IP-адрес), открытые сеансы (IP-адрес, браузер).',
          'Согласие на обработку персональных данных: версия текста, время, язык, IP-адрес, браузер.',
        ],
      },
      {
        title: 'Зачем',
        items: [
          'Проверить ваше право на лицевой счёт и впускать вас в кабинет.',
          'Принимать показания, показывать счета и ведомости, отправлять письма, которые вы заказали.',
          'Защищать кабинет от посторонних: журнал входов помогает заметить подозрительные действия.',
        ],
      },
      {
        title: 'Как долго',
        items: [
          'Неподтверждённая регистрация хранится {hours} ч, после этого лицевой счёт можно зарегистрировать заново, и новая регистрация заменяет прежнюю.',
          'Сеанс заканчивается при выходе или по истечении срока.',
          'Остальные данные хранятся, пока лицевой счёт зарегистрирован в кабинете. Закрыть регистрацию и удалить данные можно по обращению в абонентский отдел.',
        ],
      },
      {
        title: 'Ваши данные',
        items: [
          'На странице «Личные данные» видно данное вами согласие (версия и дата), там же можно скачать свои данные файлом JSON или CSV.',
          'С вопросами о данных, просьбами исправить или удалить их обращайтесь в абонентский отдел: {department}; {phone}; {openHours}.',
        ],
      },
    ] satisfies PrivacySection[],
  },
  en: {
    title: 'About the processing of personal data',
    version: 'Text version: {version}',
    law: 'The customer cabinet processes personal data under the Law of the Republic of Kazakhstan No. 94-V of 21 May 2013 "On personal data and their protection". Ticking "I agree" at registration, you consent to the processing this text describes; the cabinet records the text version, the time, the language, the IP address and the browser.',
    sections: [
      {
        title: 'What is kept',
        items: [
          'Registration data: first name, surname (for individuals), login, email. The password and the IIN are not kept as such, only their hash (argon2id), enough to check them.',
          "The account's data: owner, address, residents, irrigation area, meters; for companies the BIN and the contract number.",
          'Meter readings, invoices, settlement statements and payments.',
          'The record of sign-ins and actions in the cabinet (time, IP address), open sessions (IP address, browser).',
          'The consent to the processing of personal data: text version, time, language, IP address, browser.',
        ],
      },
      {
        title: 'Why',
        items: [
          'To check your right to the account and let you into the cabinet.',
          'To take readings, show invoices and statements, and send the mail you asked for.',
          'To protect the cabinet from strangers: the record of sign-ins helps to notice suspicious use.',
        ],
      },
      {
        title: 'How long',
        items: [
          'An unconfirmed registration is kept for {hours} hours; after that the account can be registered again and the new registration replaces it.',
          'A session ends when you log out or when it expires.',
          'Everything else is kept while the account is registered in the cabinet. To close the registration and have the data deleted, ask the subscriber department.',
        ],
      },
      {
        title: 'Your data',
        items: [
          'The "Personal data" page shows the consent you gave (version and date) and lets you download your own data as a JSON or CSV file.',
          'For questions about your data, or to have it corrected or deleted, contact the subscriber department: {department}; {phone}; {openHours}.',
        ],
      },
    ] satisfies PrivacySection[],
  },
});
