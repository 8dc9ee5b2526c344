// Registration of a legal entity: shows the login generated from the contract number as it is typed.
// The server generates the same login (src/auth/legal-login.ts) and puts its letter table in the
// page (#login-translit); without this script the field fills in when the form comes back.
(() => {
  const table = document.getElementById('login-translit');
  const map = table ? JSON.parse(table.textContent) : {};
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
