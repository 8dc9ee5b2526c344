import { defineMessages } from '../i18n/locales';

export const devMailboxText = defineMessages({
  kk: {
    title: 'Әзірлеушінің пошта жәшігі',
    intro:
      'SMTP сервері бапталмаған (SMTP_URL бос), сондықтан порталдың барлық хаттары осында сақталады. Бұл бет тек осы компьютерден ашылады.',
    empty: 'Әзірге хат жоқ.',
    to: 'Кімге',
    subject: 'Тақырып',
    at: 'Уақыты',
    status: 'Күйі',
    back: 'Барлық хаттар',
  },
  ru: {
    title: 'Почтовый ящик разработчика',
    intro:
      'SMTP-сервер не настроен (SMTP_URL пуст), поэтому все письма портала хранятся здесь. Эта страница открывается только с этого компьютера.',
    empty: 'Писем пока нет.',
    to: 'Кому',
    subject: 'Тема',
    at: 'Время',
    status: 'Статус',
    back: 'Все письма',
  },
  en: {
    title: 'Developer mailbox',
    intro:
      'No SMTP server is configured (SMTP_URL is empty), so every message of the portal is kept here. This page opens only on this computer.',
    empty: 'No messages yet.',
    to: 'To',
    subject: 'Subject',
    at: 'Time',
    status: 'Status',
    back: 'All messages',
  },
});
