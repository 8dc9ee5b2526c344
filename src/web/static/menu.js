// Wide screens show the menus (details.menu-drawer) open. Browsers that cannot show a closed
// <details>' content from CSS (no ::details-content) get them opened here; phones keep them closed
// until tapped. Without this script such a browser shows the menu's title, which opens it.
(() => {
  if (CSS.supports('selector(::details-content)')) return;
  if (!window.matchMedia('(min-width: 761px)').matches) return;
  for (const menu of document.querySelectorAll('details.menu-drawer')) menu.open = true;
})();
