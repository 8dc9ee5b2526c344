// Meter readings page enhancement. The page works without it (server-rendered confirmation);
// with it, a partial submission is confirmed in a dialog, the form is sent in the background,
// and a lost connection is reported while the typed values stay in the fields.
(() => {
  const busy = new WeakSet();

  function showStatus(form, text) {
    const box = document.getElementById('readings-status');
    if (!box) return;
    box.textContent = '';
    const div = document.createElement('div');
    div.className = 'notice notice-error';
    div.setAttribute('role', 'alert');
    div.textContent = text;
    box.appendChild(div);
    box.scrollIntoView({ block: 'center' });
    void form;
  }

  function ask(form, text) {
    return new Promise((resolve) => {
      const dialog = document.createElement('dialog');
      dialog.className = 'confirm-dialog';
      dialog.setAttribute('aria-labelledby', 'confirm-dialog-title');
      const title = document.createElement('h2');
      title.id = 'confirm-dialog-title';
      title.textContent = form.dataset.title || '';
      const p = document.createElement('p');
      p.textContent = text;
      const actions = document.createElement('div');
      actions.className = 'actions';
      const ok = document.createElement('button');
      ok.type = 'button';
      ok.className = 'primary';
      ok.textContent = form.dataset.ok || 'OK';
      const cancel = document.createElement('button');
      cancel.type = 'button';
      cancel.textContent = form.dataset.cancel || 'Cancel';
      actions.append(ok, cancel);
      dialog.append(title, p, actions);
      document.body.appendChild(dialog);
      const finish = (answer) => {
        dialog.close();
        dialog.remove();
        resolve(answer);
      };
      ok.addEventListener('click', () => finish(true));
      cancel.addEventListener('click', () => finish(false));
      dialog.addEventListener('cancel', (e) => {
        e.preventDefault();
        finish(false);
      });
      dialog.showModal();
      ok.focus();
    });
  }

  async function send(form, submitter, extra) {
    const data = new FormData(form, submitter || undefined);
    for (const [k, v] of Object.entries(extra)) data.set(k, v);
    const buttons = form.querySelectorAll('button');
    for (const b of buttons) b.disabled = true;
    busy.add(form);
    let response;
    try {
      // The attribute, not form.action: the confirmation step's buttons are named "action".
      response = await fetch(new URL(form.getAttribute('action') || '', window.location.href), {
        method: 'POST',
        body: new URLSearchParams(data),
        credentials: 'same-origin',
        headers: { accept: 'text/html' },
      });
    } catch {
      response = null;
    } finally {
      busy.delete(form);
      for (const b of buttons) b.disabled = false;
    }
    if (!response || response.status >= 500 || response.status === 0) {
      showStatus(form, form.dataset.connectionError || 'Server connection error. Try again later.');
      return;
    }
    if (response.redirected) {
      window.location.assign(response.url);
      return;
    }
    const html = await response.text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const main = doc.querySelector('main');
    const here = document.querySelector('main');
    if (!main || !here) {
      window.location.reload();
      return;
    }
    document.title = doc.title;
    here.innerHTML = main.innerHTML;
    const firstError = here.querySelector('[aria-invalid="true"]');
    if (firstError) firstError.focus();
    else window.scrollTo(0, 0);
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('readings-form')) return;
    event.preventDefault();
    if (busy.has(form)) return;
    const submitter = event.submitter;
    const extra = {};
    const inputs = [...form.querySelectorAll('input[type="text"][data-meter]')];
    const filled = inputs.filter((i) => i.value.trim() !== '').length;
    if (inputs.length && filled > 0 && filled < inputs.length) {
      const text = (form.dataset.partial || '')
        .replace('{filled}', String(filled))
        .replace('{total}', String(inputs.length));
      if (!(await ask(form, text))) return;
      extra.confirm_partial = '1';
    }
    await send(form, submitter, extra);
  });
})();
