import { defineMessages } from '../i18n/locales';

export const mapText = defineMessages({
  kk: {
    title: 'Картадан табу',
    intro: 'Су арнасының кеңселері мен төлем пункттері. Тізім интернетсіз де жұмыс істейді.',
    map: 'Кеңселер мен төлем пункттерінің картасы',
    offices: 'Кеңселер',
    payment: 'Төлем пункттері',
    hours: 'Жұмыс уақыты',
    phone: 'Телефон',
    osm: 'OpenStreetMap картасында ашу',
    attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> қатысушылары',
  },
  ru: {
    title: 'Найти на карте',
    intro: 'Офисы водоканала и пункты оплаты. Список работает и без интернета.',
    map: 'Карта офисов и пунктов оплаты',
    offices: 'Офисы',
    payment: 'Пункты оплаты',
    hours: 'Часы работы',
    phone: 'Телефон',
    osm: 'Открыть на карте OpenStreetMap',
    attribution: '© участники <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  },
  en: {
    title: 'Find on the map',
    intro: "The utility's offices and payment points. The list works offline too.",
    map: 'Map of the offices and payment points',
    offices: 'Offices',
    payment: 'Payment points',
    hours: 'Hours',
    phone: 'Phone',
    osm: 'Open in OpenStreetMap',
    attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
  },
});
