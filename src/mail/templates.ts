import type { Locale } from '../i18n/locales';

const SITE = {
  kk: 'Су арнасы — Жеке кабинет',
  ru: 'Водоканал — Личный кабинет',
  en: 'Vodokanal — Customer cabinet',
};

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A simple message in both plain text and HTML: greeting, paragraphs, an optional button link
 * (also written out as a plain URL), and a footer. Every value is escaped in the HTML part.
 */
export function composeMail(
  locale: Locale,
  parts: { greeting?: string; paragraphs: string[]; link?: { url: string; label: string }; footer?: string },
): { text: string; html: string } {
  const text = [
    parts.greeting,
    ...parts.paragraphs,
    parts.link ? `${parts.link.label}: ${parts.link.url}` : undefined,
    parts.footer ? `--\n${parts.footer}` : undefined,
    SITE[locale],
  ]
    .filter(Boolean)
    .join('\n\n');
  const p = (s: string) => `<p style="margin:0 0 12px">${escapeHtml(s)}</p>`;
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(SITE[locale])}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#1b2733;max-width:560px;margin:0 auto;padding:16px">
<p style="font-weight:bold;color:#0b5a8a;margin:0 0 16px">${escapeHtml(SITE[locale])}</p>
${parts.greeting ? p(parts.greeting) : ''}
${parts.paragraphs.map(p).join('\n')}
${
  parts.link
    ? `<p style="margin:16px 0"><a href="${escapeHtml(parts.link.url)}" style="background:#0b5a8a;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none;display:inline-block">${escapeHtml(parts.link.label)}</a></p>
<p style="font-size:13px;color:#555;word-break:break-all"><a href="${escapeHtml(parts.link.url)}">${escapeHtml(parts.link.url)}</a></p>`
    : ''
}
${parts.footer ? `<p style="font-size:12px;color:#777;margin-top:24px">${escapeHtml(parts.footer)}</p>` : ''}
</body></html>`;
  return { text, html };
}
