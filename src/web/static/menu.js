// Wide screens show the menus (details.menu-drawer) open. Browsers that cannot show a closed
// <details>' content from CSS (no ::details-content) get them opened here; phones keep them closed
// until tapped. Without this script such a browser shows the menu's title, which opens it.
// On a wide screen the title is no button, so the keyboard passes it by. On a phone, Escape
// inside an opened menu closes it and puts the focus back on its title.
(() => {
  const wide = window.matchMedia('(min-width: 761px)');
  const drawers = document.querySelectorAll('details.menu-drawer');
  const titles = () => {
    for (const menu of drawers)
      menu.querySelector(':scope > summary')?.setAttribute('tabindex', wide.matches ? '-1' : '0');
  };
  titles();
  wide.addEventListener('change', titles);
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !(event.target instanceof Element)) return;
    const menu = event.target.closest('details.menu-drawer[open]');
    const summary = menu?.querySelector(':scope > summary');
    if (!summary || wide.matches) return;
    menu.open = false;
    summary.focus();
  });
  if (CSS.supports('selector(::details-content)') || !wide.matches) return;
  for (const menu of drawers) menu.open = true;
})();
