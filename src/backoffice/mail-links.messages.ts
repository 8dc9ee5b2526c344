import { defineMessages } from '../i18n/locales';

/** Texts of the links an operator sends a cabinet user by mail. */
export const mailLinkText = defineMessages({
  kk: {
    confirmSubject: 'Email мекенжайын растау',
    confirmBody: 'Жеке кабинетте тіркелуді аяқтау үшін сілтемені ашыңыз (72 сағат жарамды):',
    resetSubject: 'Құпия сөзді қалпына келтіру',
    resetBody:
      'Оператор сіздің өтінішіңіз бойынша құпия сөзді өзгерту сілтемесін жіберді (24 сағат жарамды, бір рет):',
    login: 'Логин',
    ignore: 'Егер сіз сұрамасаңыз, бұл хатты елемеңіз.',
  },
  ru: {
    confirmSubject: 'Подтверждение адреса email',
    confirmBody: 'Чтобы завершить регистрацию в личном кабинете, откройте ссылку (действует 72 часа):',
    resetSubject: 'Восстановление пароля',
    resetBody: 'Оператор по вашей просьбе отправил ссылку для смены пароля (действует 24 часа, один раз):',
    login: 'Логин',
    ignore: 'Если вы этого не просили, не обращайте внимания на это письмо.',
  },
  en: {
    confirmSubject: 'Confirm your email address',
    confirmBody: 'To finish registering in the customer cabinet, open this link (valid for 72 hours):',
    resetSubject: 'Password reset',
    resetBody: 'At your request an operator sent you a link to set a new password (valid 24 hours, once):',
    login: 'Login',
    ignore: 'If you did not ask for this, ignore this message.',
  },
});
