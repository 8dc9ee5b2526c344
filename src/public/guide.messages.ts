import { defineMessages } from '../i18n/locales';

export type Section = [title: string, href: string, text: string];

export const guideText = defineMessages<{
  title: string;
  intro: string;
  sections: Section[];
  publicTitle: string;
  publicPages: Section[];
}>({
  kk: {
    title: 'Сайт бойынша нұсқаулық',
    intro:
      'Жеке кабинетте көрсеткіштерді беріп, шот-хабарламаны және есеп айырысуды қарай аласыз. Сол жақтағы мәзір бөлімдері:',
    sections: [
      [
        'Жеке деректер',
        '/cabinet',
        'Шот нөмірі, иесі, мекенжайы, тұрғындар саны, суару алаңы, есептегіштердің бар-жоғы, email.',
      ],
      [
        'Есептеу құралдарының көрсеткіштері',
        '/cabinet/readings',
        'Көрсеткіштерді ай сайын беріңіз. Қара сандар — текше метр, қызыл сандар — литр: 117.5, 117,5 немесе 00117.500 деп жазуға болады. Алдыңғыдан аз көрсеткіш қабылданбайды; тым үлкен шығын растауды сұрайды және оператор тексереді. Ай жабылғанға дейін көрсеткішті өзгертуге болады.',
      ],
      [
        'Өзара есеп айырысу (есептеулерді шифрлеу)',
        '/cabinet/breakdown',
        'Айды таңдаңыз: тарифтер, су көлемінің есебі, есептеулер, төлемдер және ай соңындағы сальдо.',
      ],
      [
        'Төлем шот-хабарлама',
        '/cabinet/invoice',
        'Айдың шот-хабарламасы: PDF жүктеу, email-ге жіберу, ай сайынғы таратуға жазылу.',
      ],
      [
        'Өзара есеп айырысу жағдайы',
        '/cabinet/settlement',
        'Кезеңді таңдаңыз (ең көбі 3 жыл): әр айдың есептеуі, төлемі және қарызы (+) немесе артық төлемі (−).',
      ],
      [
        'Email / құпия сөзді өзгерту',
        '/cabinet/email',
        'Жаңа email сілтеме арқылы расталады. Құпия сөз өзгергенде басқа сеанстар жабылады.',
      ],
      [
        'Жазылымдарды өзгерту',
        '/cabinet/subscriptions',
        'Шот-хабарламаны ай сайын email арқылы алу және өз көшеңіздегі су өшіру туралы хабарландырулар.',
      ],
    ],
    publicTitle: 'Кабинетке кірмей қолжетімді беттер',
    publicPages: [
      ['Сұрақ қою', '/ask', 'Сұрағыңызды жазыңыз — жауап email арқылы келеді.'],
      ['Сұрақ / жауап', '/qa', 'Жиі қойылатын сұрақтардың жауаптары.'],
      ['Картадан табу', '/map', 'Кеңселер мен төлем пункттерінің мекенжайлары және жұмыс уақыты.'],
      ['Ескертпелер', '/notes', 'Жоспарлы су өшірулер көшелер бойынша.'],
    ],
  },
  ru: {
    title: 'Руководство по сайту',
    intro:
      'В личном кабинете вы передаёте показания, смотрите счёт-извещение и взаиморасчёты. Разделы меню слева:',
    sections: [
      [
        'Личные данные',
        '/cabinet',
        'Номер счёта, владелец, адрес, количество проживающих, площадь полива, наличие счётчиков, email.',
      ],
      [
        'Показания приборов учёта',
        '/cabinet/readings',
        'Передавайте показания каждый месяц. Чёрные цифры — кубометры, красные — литры: можно писать 117.5, 117,5 или 00117.500. Показание меньше предыдущего не принимается; слишком большой расход требует подтверждения и проверяется оператором. До закрытия месяца показание можно исправить.',
      ],
      [
        'Взаиморасчёты (расшифровка начислений)',
        '/cabinet/breakdown',
        'Выберите месяц: тарифы, расчёт объёма воды, начисления, оплаты и сальдо на конец месяца.',
      ],
      [
        'Счёт-извещение',
        '/cabinet/invoice',
        'Счёт за месяц: скачать PDF, отправить на email, подписаться на ежемесячную рассылку.',
      ],
      [
        'Состояние взаиморасчётов',
        '/cabinet/settlement',
        'Выберите период (не более 3 лет): начисления, оплаты и долг (+) или переплата (−) по месяцам.',
      ],
      [
        'Изменить email / пароль',
        '/cabinet/email',
        'Новый email подтверждается по ссылке. При смене пароля другие сеансы завершаются.',
      ],
      [
        'Редактировать подписки',
        '/cabinet/subscriptions',
        'Ежемесячный счёт по email и объявления об отключениях воды на вашей улице.',
      ],
    ],
    publicTitle: 'Страницы без входа',
    publicPages: [
      ['Задать вопрос', '/ask', 'Напишите вопрос — ответ придёт по email.'],
      ['Вопрос / ответ', '/qa', 'Ответы на частые вопросы.'],
      ['Найти на карте', '/map', 'Адреса и часы работы офисов и пунктов оплаты.'],
      ['Объявления', '/notes', 'Плановые отключения воды по улицам.'],
    ],
  },
  en: {
    title: 'Site guide',
    intro:
      'In the customer cabinet you submit meter readings and see your invoice and settlements. The menu on the left:',
    sections: [
      [
        'Personal data',
        '/cabinet',
        'Account number, owner, address, residents, irrigation area, whether there are meters, email.',
      ],
      [
        'Meter readings',
        '/cabinet/readings',
        'Submit readings every month. Black digits are cubic metres, red digits litres: type 117.5, 117,5 or 00117.500. A reading below the previous one is refused; a very large consumption asks you to confirm and an operator reviews it. You can correct a reading until the month closes.',
      ],
      [
        'Mutual settlements (calculation breakdown)',
        '/cabinet/breakdown',
        'Choose a month: tariffs, how the water volume was calculated, charges, payments and the closing balance.',
      ],
      [
        'Payment invoice',
        '/cabinet/invoice',
        "The month's invoice: download the PDF, send it to your email, subscribe to the monthly mailing.",
      ],
      [
        'Settlement status',
        '/cabinet/settlement',
        'Choose a period (up to 3 years): charges, payments and debt (+) or overpayment (−) month by month.',
      ],
      [
        'Change email / password',
        '/cabinet/email',
        'A new email is confirmed by a link. Changing the password ends your other sessions.',
      ],
      [
        'Edit subscriptions',
        '/cabinet/subscriptions',
        'The monthly invoice by email, and announcements of water outages in your street.',
      ],
    ],
    publicTitle: 'Pages without logging in',
    publicPages: [
      ['Ask a question', '/ask', 'Write your question; the answer comes by email.'],
      ['Questions and answers', '/qa', 'Answers to common questions.'],
      ['Find on the map', '/map', 'Addresses and hours of offices and payment points.'],
      ['Notes', '/notes', 'Planned water outages by street.'],
    ],
  },
});
