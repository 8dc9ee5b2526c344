import { messagesByKey } from '../i18n/locales';

/** The texts of the rates page (tariffs, VAT rates, norms), kk/ru/en. */
export const ratesText = messagesByKey({
  title: {
    kk: 'Тарифтер, ҚҚС мөлшерлемелері және нормалар',
    ru: 'Тарифы, ставки НДС и нормативы',
    en: 'Tariffs, VAT rates and norms',
  },
  intro: {
    kk: 'Жаңа мөлшерлеме көрсетілген айдың 1-інен бастап күшіне енеді. Жабық айлар өзгермейді.',
    ru: 'Новая ставка действует с 1-го числа указанного месяца. Закрытые месяцы не меняются.',
    en: 'A new rate is in force from the 1st of the month given. Closed months never change.',
  },
  firstOpen: {
    kk: 'Ең ерте рұқсат етілген күн:',
    ru: 'Самая ранняя допустимая дата:',
    en: 'Earliest date allowed:',
  },
  tariffs: {
    kk: 'Тарифтер (1 м³ үшін, ҚҚС-сыз)',
    ru: 'Тарифы (за 1 м³, без НДС)',
    en: 'Tariffs (per m³, without VAT)',
  },
  vat: {
    kk: 'ҚҚС мөлшерлемелері',
    ru: 'Ставки НДС',
    en: 'VAT rates',
  },
  norms: {
    kk: 'Тұтыну нормалары',
    ru: 'Нормативы потребления',
    en: 'Consumption norms',
  },
  service: {
    kk: 'Қызмет',
    ru: 'Услуга',
    en: 'Service',
  },
  services: {
    cold_water: {
      kk: 'Суық су',
      ru: 'Холодная вода',
      en: 'Cold water',
    },
    sewage: {
      kk: 'Кәріз',
      ru: 'Водоотведение',
      en: 'Sewage',
    },
  },
  kind: {
    kk: 'Тұтынушы',
    ru: 'Потребители',
    en: 'Customers',
  },
  kinds: {
    individual: {
      kk: 'Жеке тұлғалар',
      ru: 'Физические лица',
      en: 'Individuals',
    },
    legal: {
      kk: 'Заңды тұлғалар',
      ru: 'Юридические лица',
      en: 'Legal entities',
    },
  },
  from: {
    kk: 'Күшіне енеді',
    ru: 'Действует с',
    en: 'In force from',
  },
  price: {
    kk: 'Баға, теңге/м³',
    ru: 'Цена, тенге/м³',
    en: 'Price, tenge/m³',
  },
  rate: {
    kk: 'Мөлшерлеме, %',
    ru: 'Ставка, %',
    en: 'Rate, %',
  },
  normKind: {
    kk: 'Норма',
    ru: 'Норматив',
    en: 'Norm',
  },
  normKinds: {
    cold_per_person: {
      kk: 'Суық су, 1 адамға айына',
      ru: 'Холодная вода, на 1 человека в месяц',
      en: 'Cold water, per person per month',
    },
    hot_per_person: {
      kk: 'Ыстық су, 1 адамға айына',
      ru: 'Горячая вода, на 1 человека в месяц',
      en: 'Hot water, per person per month',
    },
    irrigation_per_m2: {
      kk: 'Суару, 1 м²-ге айына',
      ru: 'Полив, на 1 м² в месяц',
      en: 'Irrigation, per m² per month',
    },
  },
  volume: {
    kk: 'Көлемі, м³',
    ru: 'Объём, м³',
    en: 'Volume, m³',
  },
  season: {
    kk: 'Маусым (айлар)',
    ru: 'Сезон (месяцы)',
    en: 'Season (months)',
  },
  seasonFrom: {
    kk: 'Маусым басы (1–12, суару үшін)',
    ru: 'Начало сезона (1–12, для полива)',
    en: 'Season from (1–12, irrigation)',
  },
  seasonTo: {
    kk: 'Маусым соңы (1–12)',
    ru: 'Конец сезона (1–12)',
    en: 'Season to (1–12)',
  },
  add: {
    kk: 'Қосу',
    ru: 'Добавить',
    en: 'Add',
  },
  saved: {
    kk: 'Сақталды.',
    ru: 'Сохранено.',
    en: 'Saved.',
  },
  errors: {
    format: {
      kk: 'Күнді ЖЖЖЖ-АА-КК түрінде енгізіңіз.',
      ru: 'Введите дату в виде ГГГГ-ММ-ДД.',
      en: 'Enter the date as YYYY-MM-DD.',
    },
    notFirstDay: {
      kk: 'Мөлшерлеме айдың 1-інен күшіне енеді: күнді АА-01 етіп енгізіңіз.',
      ru: 'Ставка вступает в силу с 1-го числа: укажите дату ММ-01.',
      en: 'Rates take effect on the 1st of a month: enter a date ending in -01.',
    },
    closed: {
      kk: 'Бұл ай жабылған: жабық айдың есебін өзгертуге болмайды. Ең ерте күн: ',
      ru: 'Этот месяц закрыт: расчёт закрытого месяца менять нельзя. Самая ранняя дата: ',
      en: 'That month is closed: a closed month’s bills cannot change. Earliest date: ',
    },
    price: {
      kk: 'Соманы теңгемен енгізіңіз, мысалы 94.86.',
      ru: 'Введите сумму в тенге, например 94.86.',
      en: 'Enter an amount in tenge, e.g. 94.86.',
    },
    rate: {
      kk: 'Пайызды енгізіңіз, мысалы 16 немесе 12.5.',
      ru: 'Введите процент, например 16 или 12.5.',
      en: 'Enter a percentage, e.g. 16 or 12.5.',
    },
    volume: {
      kk: 'Көлемді м³-пен енгізіңіз, мысалы 3.5.',
      ru: 'Введите объём в м³, например 3.5.',
      en: 'Enter a volume in m³, e.g. 3.5.',
    },
    month: {
      kk: '1-ден 12-ге дейінгі ай нөмірі.',
      ru: 'Номер месяца от 1 до 12.',
      en: 'A month number from 1 to 12.',
    },
    choose: {
      kk: 'Тізімнен таңдаңыз.',
      ru: 'Выберите из списка.',
      en: 'Choose from the list.',
    },
  },
});

export type RatesText = (typeof ratesText)['kk'];
