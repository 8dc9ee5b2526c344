// Registration of a legal entity: shows the login generated from the contract number as it is typed.
// The server generates the same login (src/auth/legal-login.ts); without this script the field
// fills in when the form comes back.
(() => {
  const map = {
    а: 'a',
    ә: 'a',
    б: 'b',
    в: 'v',
    г: 'g',
    ғ: 'g',
    д: 'd',
    е: 'e',
    ё: 'e',
    ж: 'zh',
    з: 'z',
    и: 'i',
    й: 'y',
    к: 'k',
    қ: 'q',
    л: 'l',
    м: 'm',
    н: 'n',
    ң: 'n',
    о: 'o',
    ө: 'o',
    п: 'p',
    р: 'r',
    с: 's',
    т: 't',
    у: 'u',
    ұ: 'u',
    ү: 'u',
    ф: 'f',
    х: 'h',
    һ: 'h',
    ц: 'ts',
    ч: 'ch',
    ш: 'sh',
    щ: 'sch',
    ъ: '',
    ы: 'y',
    і: 'i',
    ь: '',
    э: 'e',
    ю: 'yu',
    я: 'ya',
  };
  const contract = document.getElementById('f-contract');
  const login = document.getElementById('f-login');
  if (!contract || !login) return;
  const update = () => {
    login.value = [...contract.value.trim().toLowerCase()]
      .map((ch) => (ch in map ? map[ch] : ch))
      .join('')
      .replace(/[^a-z0-9]/g, '')
      .toUpperCase();
  };
  contract.addEventListener('input', update);
  update();
})();
