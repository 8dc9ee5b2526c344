// Month picker for the invoice and settlement period selectors: a button next to the month and
// year lists opens a small calendar of months (year arrows, the month abbreviations of the page's
// language) and fills in both lists. Without this script the two lists work on their own.
(() => {
  for (const box of document.querySelectorAll('fieldset[data-month-picker]')) {
    const month = box.querySelector('select[name$="month"]');
    const year = box.querySelector('select[name$="year"]');
    if (!month || !year) continue;
    const names = (box.dataset.months || '').split(',');
    const years = [...year.options].map((o) => Number(o.value)).filter(Number.isFinite);
    const min = Math.min(...years);
    const max = Math.max(...years);

    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'month-picker-toggle';
    toggle.textContent = '▦';
    toggle.title = box.dataset.pick || '';
    toggle.setAttribute('aria-label', box.dataset.pick || '');
    toggle.setAttribute('aria-expanded', 'false');
    box.querySelector('.month-year-selects')?.append(toggle);

    const panel = document.createElement('div');
    panel.className = 'month-picker';
    panel.hidden = true;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', box.dataset.pick || '');
    box.append(panel);
    let shown = Number(year.value) || max;

    const arrow = (label, text, delta) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.setAttribute('aria-label', label);
      b.disabled = shown + delta < min || shown + delta > max;
      b.addEventListener('click', () => {
        shown += delta;
        draw();
      });
      return b;
    };
    const draw = () => {
      panel.textContent = '';
      const head = document.createElement('div');
      head.className = 'month-picker-head';
      const title = document.createElement('strong');
      title.textContent = String(shown);
      head.append(arrow(box.dataset.prev || '', '‹', -1), title, arrow(box.dataset.next || '', '›', 1));
      const grid = document.createElement('div');
      grid.className = 'month-picker-grid';
      names.forEach((name, i) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = name;
        const selected = Number(year.value) === shown && Number(month.value) === i + 1;
        if (selected) b.setAttribute('aria-current', 'true');
        b.addEventListener('click', () => {
          month.value = String(i + 1);
          year.value = String(shown);
          close();
          toggle.focus();
        });
        grid.append(b);
      });
      panel.append(head, grid);
    };
    const close = () => {
      panel.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
    };
    toggle.addEventListener('click', () => {
      if (!panel.hidden) return close();
      shown = Number(year.value) || max;
      draw();
      panel.hidden = false;
      toggle.setAttribute('aria-expanded', 'true');
      panel.querySelector('.month-picker-grid button')?.focus();
    });
    panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        close();
        toggle.focus();
      }
    });
    document.addEventListener('click', (e) => {
      // A click on a year arrow redraws the panel, so its target may already be detached.
      if (e.target.isConnected && !box.contains(e.target)) close();
    });
  }
})();
