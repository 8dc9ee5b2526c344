import { writeFileSync } from 'node:fs';
import { assembleInvoice } from './src/billing/invoice';
import { invoiceDocument } from './src/documents/document-model';
import { renderInvoicePdf } from './src/documents/pdf';
import { invoiceA } from './test/fixtures/seed-vectors';

const acc = {
  number: '01003317',
  kind: 'individual' as const,
  ownerName: 'Ахметова Гүлнар',
  residents: 3,
  irrigationAreaM2: '0',
  contractNumber: null,
  street: 'Красина',
  house: '3',
  prefix: '',
  apartment: '45',
};
for (const l of [process.argv[2]] as const) {
  const buf = await renderInvoicePdf(invoiceDocument(l as 'ru', acc, assembleInvoice(invoiceA)), {
    locale: l as 'ru',
  });
  writeFileSync(`/tmp/x-${l}.pdf`, buf);
}
